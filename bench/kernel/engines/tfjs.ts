import { ConvGeometry } from '../../../src/kernel';
import { BenchTensors, Engine } from './engine';

type Tf = typeof import('@tensorflow/tfjs-core');
type Tensor4D = import('@tensorflow/tfjs-core').Tensor4D;

/**
 * @tensorflow/tfjs-backend-wasm (XNNPACK), one thread, in its native NHWC layout. tfjs has no
 * grouped convolution: depthwise layers use depthwiseConv2d, other grouped layers split the
 * input by channel, convolve each group and concatenate, as a tfjs user would.
 */
export async function tfjsWasm(): Promise<Engine> {
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  return {
    name: 'tfjs-backend-wasm',
    async prepare(geometry, tensors) {
      if (geometry.rank !== 2) throw new Error('the tfjs peer runs 2d workloads only');
      const layer = tfjsLayer(tf, geometry, tensors);
      let last: Tensor4D | null = null;
      return {
        run: () => {
          last?.dispose();
          last = layer.run();
        },
        output: async () => toNchw(await last!.data() as Float32Array, geometry),
        dispose: () => {
          last?.dispose();
          layer.dispose();
        },
      };
    },
  };
}

function tfjsLayer(tf: Tf, g: ConvGeometry, t: BenchTensors): { run(): Tensor4D; dispose(): void } {
  const [, h, w] = g.inSize;
  const [, kh, kw] = g.kernel;
  const x = tf.tensor4d(nchwToNhwc(t.input, g.inChannels, h, w), [1, h, w, g.inChannels]);
  const stride: [number, number] = [g.stride[1], g.stride[2]];
  const dilation: [number, number] = [g.dilation[1], g.dilation[2]];
  const inPerGroup = g.inChannels / g.groups;
  const outPerGroup = g.outChannels / g.groups;
  const padding = tfjsPadding(g);
  // tfjs accepts a rounding mode only with a numeric padding.
  const dimRoundingMode = typeof padding === 'number' ? 'floor' : undefined;
  const ownedTensors: { dispose(): void }[] = [x];
  if (inPerGroup === 1 && outPerGroup === 1) {
    const filter = tf.tensor4d(depthwiseFilter(t.weight, g.inChannels, kh, kw), [kh, kw, g.inChannels, 1]);
    const bias = tf.tensor1d(t.bias);
    ownedTensors.push(filter, bias);
    return {
      run: () => tf.fused.depthwiseConv2d({ x, filter, bias, strides: stride, pad: padding, dilations: dilation, dimRoundingMode }),
      dispose: () => ownedTensors.forEach((o) => o.dispose()),
    };
  }
  const filters = Array.from({ length: g.groups }, (_, group) =>
    tf.tensor4d(denseFilter(t.weight, group, outPerGroup, inPerGroup, kh, kw), [kh, kw, inPerGroup, outPerGroup]));
  const biases = Array.from({ length: g.groups }, (_, group) => tf.tensor1d(t.bias.slice(group * outPerGroup, (group + 1) * outPerGroup)));
  ownedTensors.push(...filters, ...biases);
  const convolve = (input: Tensor4D, group: number): Tensor4D =>
    tf.fused.conv2d({ x: input, filter: filters[group], bias: biases[group], strides: stride, pad: padding, dilations: dilation, dimRoundingMode });
  return {
    run: () => {
      if (g.groups === 1) return convolve(x, 0);
      return tf.tidy(() => tf.concat(tf.split(x, g.groups, 3).map((part, group) => convolve(part as Tensor4D, group)), 3));
    },
    dispose: () => ownedTensors.forEach((o) => o.dispose()),
  };
}

/**
 * PyTorch's padding as tfjs says it, without an explicit tf.pad (an extra pass): 'valid', 'same'
 * at stride 1 (tfjs then pads d(k-1) split as PyTorch does), or one number for the same padding
 * on every side, with the output size rounded down as PyTorch does.
 */
function tfjsPadding(g: ConvGeometry): 'valid' | 'same' | number {
  const pads = [g.padBefore[1], g.padAfter[1], g.padBefore[2], g.padAfter[2]];
  if (pads.every((p) => p === 0)) return 'valid';
  if (g.stride[1] === 1 && g.stride[2] === 1) return 'same';
  if (pads.every((p) => p === pads[0])) return pads[0];
  throw new Error(`the tfjs peer cannot pad ${pads.join(',')} without an explicit tf.pad`);
}

function nchwToNhwc(data: Float32Array, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) out[i * c + ch] = data[ch * h * w + i];
  return out;
}

function toNchw(data: Float32Array, g: ConvGeometry): Float32Array {
  const [, h, w] = g.outSize;
  const c = g.outChannels;
  const out = new Float32Array(data.length);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) out[ch * h * w + i] = data[i * c + ch];
  return out;
}

/** PyTorch [C_out][C_in/g][kh][kw] of one group -> tfjs [kh][kw][C_in/g][C_out/g]. */
function denseFilter(weight: Float32Array, group: number, outPerGroup: number, inPerGroup: number, kh: number, kw: number): Float32Array {
  const out = new Float32Array(kh * kw * inPerGroup * outPerGroup);
  for (let o = 0; o < outPerGroup; o++) {
    for (let i = 0; i < inPerGroup; i++) {
      for (let k = 0; k < kh * kw; k++) {
        out[(k * inPerGroup + i) * outPerGroup + o] = weight[((group * outPerGroup + o) * inPerGroup + i) * kh * kw + k];
      }
    }
  }
  return out;
}

/** PyTorch [C][1][kh][kw] -> tfjs depthwise [kh][kw][C][1]. */
function depthwiseFilter(weight: Float32Array, c: number, kh: number, kw: number): Float32Array {
  const out = new Float32Array(weight.length);
  for (let ch = 0; ch < c; ch++) for (let k = 0; k < kh * kw; k++) out[k * c + ch] = weight[ch * kh * kw + k];
  return out;
}
