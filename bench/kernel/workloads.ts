import { ConvArgs, buildConv, computeLayer } from '../../src/core';
import { ConvGeometry, geometryFromRecord, geometryMacs } from '../../src/kernel';

/** A benchmark workload: fp32, NCHW, batch 1, stride 1, 'same' padding, bias (reference-facts.md, "Speed"). */
export interface Workload {
  id: string;
  label: string;
  geometry: ConvGeometry;
  macs: number;
  /** GFLOP/s measured for the peers on this machine kind (reference-facts.md), for context. */
  published: { ortNode: number; ortWeb: number; tfjsWasm: number };
}

function workload(id: string, label: string, channels: number, outChannels: number, kernel: bigint, groups: number, size: number, published: Workload['published']): Workload {
  const args: ConvArgs = { type: 'Conv2d', in_channels: BigInt(channels), out_channels: BigInt(outChannels), kernel_size: kernel, padding: 'same', groups: BigInt(groups) };
  const built = buildConv(args);
  if (!built.ok) throw new Error(built.error.message);
  const result = geometryFromRecord(computeLayer(built.spec, [1n, BigInt(channels), BigInt(size), BigInt(size)]));
  if (!result.ok) throw new Error(result.message);
  return { id, label, geometry: result.geometry, macs: geometryMacs(result.geometry), published };
}

export const WORKLOADS: Workload[] = [
  workload('A', 'dense 3x3 64->64 @56', 64, 64, 3n, 1, 56, { ortNode: 169, ortWeb: 29.5, tfjsWasm: 34.9 }),
  workload('B', 'grouped 3x3 g=8 64->64 @56', 64, 64, 3n, 8, 56, { ortNode: 32.7, ortWeb: 17.0, tfjsWasm: 6.8 }),
  workload('C', 'depthwise 3x3 C=64 @56', 64, 64, 3n, 64, 56, { ortNode: 13.9, ortWeb: 5.8, tfjsWasm: 8.9 }),
  workload('D', 'pointwise 1x1 64->64 @56', 64, 64, 1n, 1, 56, { ortNode: 75.5, ortWeb: 23.6, tfjsWasm: 28.0 }),
  workload('E', 'depthwise 3x3 C=256 @112', 256, 256, 3n, 256, 112, { ortNode: 10.8, ortWeb: 6.7, tfjsWasm: 8.6 }),
  workload('F', 'dense 3x3 128->128 @56', 128, 128, 3n, 1, 56, { ortNode: 198, ortWeb: 33.6, tfjsWasm: 35.6 }),
];

/** Deterministic pseudo-random tensors (a linear congruential generator), the same for every engine. */
export function seededTensor(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}
