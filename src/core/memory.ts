/** The element types memory figures can be given in, with their sizes in bytes. */
export const DTYPE_BYTES = { fp32: 4n, fp16: 2n, bf16: 2n, int8: 1n } as const;
export type Dtype = keyof typeof DTYPE_BYTES;
export const DTYPES = Object.keys(DTYPE_BYTES) as Dtype[];

export interface MemoryFigures {
  dtype: Dtype;
  weight_bytes: bigint;
  input_bytes: bigint | null;
  output_bytes: bigint | null;
  /** FLOPs per byte moved, counting weights, input and output each read or written once. */
  arithmetic_intensity: number | null;
}

export function memoryFigures(dtype: Dtype, params: bigint, input: readonly bigint[] | null, output: readonly bigint[] | null, flops: bigint | null): MemoryFigures {
  const size = DTYPE_BYTES[dtype];
  const inputBytes = input ? product(input) * size : null;
  const outputBytes = output ? product(output) * size : null;
  const weightBytes = params * size;
  const moved = inputBytes !== null && outputBytes !== null ? weightBytes + inputBytes + outputBytes : null;
  const intensity = flops !== null && moved !== null && moved > 0n ? ratio(flops, moved) : null;
  return { dtype, weight_bytes: weightBytes, input_bytes: inputBytes, output_bytes: outputBytes, arithmetic_intensity: intensity };
}

export function product(values: readonly bigint[], from = 0): bigint {
  let out = 1n;
  for (let i = from; i < values.length; i++) out *= values[i];
  return out;
}

const RATIO_SCALE = 10n ** 18n;

/** a / b as a float, exact to double precision even when both exceed 2^53. */
export function ratio(a: bigint, b: bigint): number {
  if (b === 0n) return a === 0n ? Number.NaN : Number.POSITIVE_INFINITY;
  const q = (a * RATIO_SCALE) / b;
  return Number(q) / 1e18;
}
