import { supportsRelaxedSimd } from './features';
import { ConvGeometry, tensorSizes } from './geometry';
import { DepthwiseKernel, KernelPlan, PlanOptions, packBlockedWeights, planKernel } from './plan';
import { ConvTensors, checkTensorLengths } from './reference';
import { equivalentConv, flippedWeights, spreadInput } from './transposed';
import { WASM_PAGE_BYTES, WasmInstanceLike, WasmMemoryLike, WasmModuleLike, wasmApi } from './wasmApi';

/** The kernel's .wasm bytes, or a module already compiled from them. */
export type WasmSource = Uint8Array | WasmModuleLike;

/** The two builds: plain SIMD128 (runs everywhere with SIMD) and relaxed SIMD (fused multiply-add). */
export interface KernelBinaries {
  simd: WasmSource;
  relaxed?: WasmSource;
}

export type SimdVariant = 'relaxed-simd' | 'simd';

export interface LoadOptions {
  /** 'auto' takes relaxed SIMD when the runtime validates it and the binary is given. */
  variant?: SimdVariant | 'auto';
}

export interface PrepareOptions extends PlanOptions {
  /** The most memory one prepared layer may use, in bytes; 1 GiB unless given. */
  memoryBudgetBytes?: number;
}

const DEFAULT_BUDGET = 1024 * 1024 * 1024;

/** Loads the kernel from bytes (or modules) the caller fetched: this module never touches files. */
export async function loadKernel(binaries: KernelBinaries, options: LoadOptions = {}): Promise<WasmConvKernel> {
  const wanted = options.variant ?? 'auto';
  const relaxedUsable = binaries.relaxed !== undefined && supportsRelaxedSimd();
  if (wanted === 'relaxed-simd' && !relaxedUsable) {
    throw new Error('relaxed SIMD was requested but this runtime does not support it (Node 20 needs --experimental-wasm-relaxed-simd)');
  }
  const variant: SimdVariant = wanted === 'simd' || !relaxedUsable ? 'simd' : 'relaxed-simd';
  const source = variant === 'relaxed-simd' ? binaries.relaxed! : binaries.simd;
  const module = source instanceof Uint8Array ? await wasmApi().compile(source) : source;
  return new WasmConvKernel(module, variant);
}

/** A compiled kernel. Each prepared layer gets its own instance and memory, freed on dispose. */
export class WasmConvKernel {
  constructor(private readonly module: WasmModuleLike, readonly variant: SimdVariant) {}

  /** Packs the weights once and reserves memory for inputs of this geometry. */
  async prepare(geometry: ConvGeometry, weights: Omit<ConvTensors, 'input'>, options: PrepareOptions = {}): Promise<PreparedLayer> {
    const budget = options.memoryBudgetBytes ?? DEFAULT_BUDGET;
    checkTensorLengths(geometry, { weight: weights.weight, bias: weights.bias });
    if (geometry.transposed) {
      const conv = equivalentConv(geometry);
      const inner = new PreparedConv(await wasmApi().instantiate(this.module, {}), conv, { weight: flippedWeights(geometry, weights.weight), bias: weights.bias }, budget, options);
      return new PreparedTransposed(geometry, inner);
    }
    return new PreparedConv(await wasmApi().instantiate(this.module, {}), geometry, weights, budget, options);
  }

  /** One convolution, start to finish. */
  async run(geometry: ConvGeometry, tensors: ConvTensors, options: PrepareOptions = {}): Promise<Float32Array> {
    const prepared = await this.prepare(geometry, tensors, options);
    try {
      return prepared.run(tensors.input);
    } finally {
      prepared.dispose();
    }
  }
}

interface KernelExports {
  memory: WasmMemoryLike;
  heapBase(): number;
  prepareInput(...args: number[]): void;
  convBlocked(...args: number[]): void;
  convDepthwise(...args: number[]): void;
}

/** Byte offsets of every buffer in the instance's memory. */
interface Layout {
  taps: number;
  packed: number;
  bias: number;
  input: number;
  output: number;
  prep: number;
  vout: number;
  end: number;
}

/**
 * A layer ready to run: weights packed, memory laid out. A caller may fill `input` in place and
 * call `execute`, then read `output`, or call `run` with an input and get a copy of the output.
 */
export interface PreparedLayer {
  readonly geometry: ConvGeometry;
  readonly input: Float32Array;
  readonly output: Float32Array;
  run(input: Float32Array): Float32Array;
  execute(): void;
  dispose(): void;
}

/** A convolution prepared in its own instance; `input` and `output` are views into its memory. */
export class PreparedConv implements PreparedLayer {
  readonly plan: KernelPlan;
  readonly input: Float32Array;
  readonly output: Float32Array;
  private exports: KernelExports | null;
  private readonly layout: Layout;

  constructor(instance: WasmInstanceLike, readonly geometry: ConvGeometry, weights: Omit<ConvTensors, 'input'>, budget: number, options: PlanOptions = {}) {
    this.exports = instance.exports as unknown as KernelExports;
    this.plan = planKernel(geometry, options);
    this.layout = layoutMemory(this.exports.heapBase(), this.plan);
    reserve(this.exports.memory, this.layout.end, budget);
    const buffer = this.exports.memory.buffer;
    const view = (offset: number, floats: number): Float32Array => new Float32Array(buffer, offset, floats);
    new Int32Array(buffer, this.layout.taps, this.plan.taps.length).set(this.plan.taps.map((t) => t * 4));
    const packed = view(this.layout.packed, this.plan.floats.packed);
    if (this.plan.path === 'blocked') packBlockedWeights(geometry, this.plan, weights.weight, packed);
    else packed.set(weights.weight);
    const bias = view(this.layout.bias, this.plan.floats.bias);
    bias.fill(0);
    if (weights.bias) bias.set(weights.bias);
    this.input = view(this.layout.input, this.plan.floats.input);
    this.output = view(this.layout.output, this.plan.floats.output);
  }

  /** Copies `input` in, runs, and returns a copy of the output. */
  run(input: Float32Array): Float32Array {
    if (input.length !== this.input.length) throw new RangeError(`input has ${input.length} elements, expected ${this.input.length}`);
    this.input.set(input);
    this.execute();
    return this.output.slice();
  }

  /** Runs on whatever `input` holds, leaving the result in `output`. */
  execute(): void {
    const exports = this.exports;
    if (!exports) throw new Error('this prepared convolution was disposed');
    const g = this.geometry;
    const inVolume = g.inChannels * g.inSize[0] * g.inSize[1] * g.inSize[2];
    const outVolume = g.outChannels * g.outSize[0] * g.outSize[1] * g.outSize[2];
    for (let n = 0; n < g.batch; n++) {
      const input = this.layout.input + n * inVolume * 4;
      const output = this.layout.output + n * outVolume * 4;
      if (this.plan.path === 'blocked') this.runBlocked(exports, input, output);
      else this.runDepthwise(exports, input, output);
    }
  }

  private runBlocked(exports: KernelExports, input: number, output: number): void {
    const { geometry: g, plan: p, layout: l } = this;
    if (!p.direct) exports.prepareInput(input, l.prep, g.inChannels, ...g.inSize, ...g.padBefore, ...g.stride, p.dq, p.hq, p.wq, p.chanStride);
    exports.convBlocked(p.direct ? input : l.prep, l.packed, l.bias, l.vout, output, l.taps, p.taps.length,
      g.outChannels, g.groups, p.inPerGroup, p.ocBlocks, p.chanStride, p.qPad, ...g.outSize, p.hq, p.wq, p.kc, p.nc);
  }

  private runDepthwise(exports: KernelExports, input: number, output: number): void {
    const { geometry: g, plan: p, layout: l } = this;
    exports.convDepthwise(input, l.prep, l.packed, l.bias, output, l.taps, p.taps.length, g.inChannels, p.outPerGroup,
      ...g.inSize, ...g.padBefore, ...g.stride, p.dq, p.hq, p.wq, p.chanStride, ...g.outSize, DEPTHWISE_KERNEL_CODES[p.depthwiseKernel],
      p.stripRows, p.stripInRows, p.rowFloats, p.phaseFloats, g.kernel[1], g.kernel[2], g.dilation[1]);
  }

  /** Drops the instance and its memory. */
  dispose(): void {
    this.exports = null;
  }
}

/** A transposed convolution run as its equivalent convolution (see transposed.ts). */
class PreparedTransposed implements PreparedLayer {
  readonly input: Float32Array;

  constructor(readonly geometry: ConvGeometry, private readonly inner: PreparedConv) {
    this.input = new Float32Array(tensorSizes(geometry).input);
  }

  get output(): Float32Array {
    return this.inner.output;
  }

  run(input: Float32Array): Float32Array {
    if (input.length !== this.input.length) throw new RangeError(`input has ${input.length} elements, expected ${this.input.length}`);
    this.input.set(input);
    this.execute();
    return this.output.slice();
  }

  /** Spreads `input` into the inner layer's (otherwise zero) input and runs it. */
  execute(): void {
    spreadInput(this.geometry, this.input, this.inner.input);
    this.inner.execute();
  }

  dispose(): void {
    this.inner.dispose();
  }
}

/** The numbers convDepthwise (src/kernel/assembly/conv.ts) takes for each compute loop. */
const DEPTHWISE_KERNEL_CODES: Record<DepthwiseKernel, number> = { taps: 0, '3x3s1': 1, rows: 2 };

function layoutMemory(heapBase: number, plan: KernelPlan): Layout {
  let at = align(heapBase);
  const take = (bytes: number): number => {
    const start = at;
    at = align(at + bytes);
    return start;
  };
  const f = plan.floats;
  const taps = take(plan.tapCount * 4);
  const packed = take(f.packed * 4);
  const bias = take(f.bias * 4);
  // Garbage lanes past the last input channel may be read (see plan.direct).
  const input = take((f.input + f.inputSlack) * 4);
  const output = take(f.output * 4);
  const prep = take(f.prep * 4);
  const vout = take(f.vout * 4);
  return { taps, packed, bias, input, output, prep, vout, end: at };
}

/** Grows the memory to hold `bytes`, refusing past the budget or wasm32's 4 GiB. */
function reserve(memory: WasmMemoryLike, bytes: number, budget: number): void {
  const limit = Math.min(budget, 65536 * WASM_PAGE_BYTES);
  if (bytes > limit) {
    const mib = (b: number): string => (b / (1024 * 1024)).toFixed(1);
    throw new RangeError(`the kernel needs ${mib(bytes)} MiB of memory for this layer, over its budget of ${mib(limit)} MiB`);
  }
  const missing = bytes - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / WASM_PAGE_BYTES));
}

function align(offset: number): number {
  return Math.ceil(offset / 16) * 16;
}
