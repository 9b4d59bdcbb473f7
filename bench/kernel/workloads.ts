import { ConvArgs, buildConv, computeLayer } from '../../src/core';
import { ConvGeometry, geometryFromRecord, geometryMacs } from '../../src/kernel';

/**
 * A benchmark workload: fp32, NCHW, batch 1, bias. A-F are reference-facts.md's (stride 1,
 * 'same' padding); G-K are the strided and dilated depthwise layers of MobileNetV2,
 * EfficientNet and DeepLab, which have no published peer figures.
 */
export interface Workload {
  id: string;
  label: string;
  geometry: ConvGeometry;
  macs: number;
  /** GFLOP/s measured for the peers on this machine kind (reference-facts.md), for context. */
  published: { ortNode: number; ortWeb: number; tfjsWasm: number } | null;
}

interface Layer {
  channels: number;
  outChannels: number;
  kernel: bigint;
  groups: number;
  size: number;
  stride?: bigint;
  padding?: bigint | 'same';
  dilation?: bigint;
}

/** The layer is built and its output shape computed by src/core, as the extension does. */
function workload(id: string, label: string, layer: Layer, published: Workload['published'] = null): Workload {
  const { channels, outChannels, kernel, groups, size } = layer;
  const args: ConvArgs = {
    type: 'Conv2d', in_channels: BigInt(channels), out_channels: BigInt(outChannels), kernel_size: kernel, groups: BigInt(groups),
    stride: layer.stride ?? 1n, padding: layer.padding ?? 'same', dilation: layer.dilation ?? 1n,
  };
  const built = buildConv(args);
  if (!built.ok) throw new Error(built.error.message);
  const result = geometryFromRecord(computeLayer(built.spec, [1n, BigInt(channels), BigInt(size), BigInt(size)]));
  if (!result.ok) throw new Error(result.message);
  return { id, label, geometry: result.geometry, macs: geometryMacs(result.geometry), published };
}

const depthwise = (channels: number, size: number, kernel: bigint, stride: bigint, padding: bigint, dilation = 1n): Layer =>
  ({ channels, outChannels: channels, kernel, groups: channels, size, stride, padding, dilation });

export const WORKLOADS: Workload[] = [
  workload('A', 'dense 3x3 64->64 @56', { channels: 64, outChannels: 64, kernel: 3n, groups: 1, size: 56 }, { ortNode: 169, ortWeb: 29.5, tfjsWasm: 34.9 }),
  workload('B', 'grouped 3x3 g=8 64->64 @56', { channels: 64, outChannels: 64, kernel: 3n, groups: 8, size: 56 }, { ortNode: 32.7, ortWeb: 17.0, tfjsWasm: 6.8 }),
  workload('C', 'depthwise 3x3 C=64 @56', { channels: 64, outChannels: 64, kernel: 3n, groups: 64, size: 56 }, { ortNode: 13.9, ortWeb: 5.8, tfjsWasm: 8.9 }),
  workload('D', 'pointwise 1x1 64->64 @56', { channels: 64, outChannels: 64, kernel: 1n, groups: 1, size: 56 }, { ortNode: 75.5, ortWeb: 23.6, tfjsWasm: 28.0 }),
  workload('E', 'depthwise 3x3 C=256 @112', { channels: 256, outChannels: 256, kernel: 3n, groups: 256, size: 112 }, { ortNode: 10.8, ortWeb: 6.7, tfjsWasm: 8.6 }),
  workload('F', 'dense 3x3 128->128 @56', { channels: 128, outChannels: 128, kernel: 3n, groups: 1, size: 56 }, { ortNode: 198, ortWeb: 33.6, tfjsWasm: 35.6 }),
  // MobileNetV2's three stride-2 depthwise layers at 224x224 (expanded channels of blocks 2, 4 and 7).
  workload('G', 'depthwise 3x3 s2 C=96 112->56', depthwise(96, 112, 3n, 2n, 1n)),
  workload('H', 'depthwise 3x3 s2 C=144 56->28', depthwise(144, 56, 3n, 2n, 1n)),
  workload('I', 'depthwise 3x3 s2 C=192 28->14', depthwise(192, 28, 3n, 2n, 1n)),
  // EfficientNet-B0's first 5x5 stride-2 depthwise (stage 3, 144 expanded channels).
  workload('J', 'depthwise 5x5 s2 C=144 56->28', depthwise(144, 56, 5n, 2n, 2n)),
  // DeepLabV3+ on MobileNetV2 at output stride 16 (513x513 input): 960 channels at 33x33, dilation 2.
  workload('K', 'depthwise 3x3 d2 C=960 @33', depthwise(960, 33, 3n, 1n, 2n, 2n)),
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
