import { ConvGeometry } from './geometry';

/**
 * A transposed convolution as an ordinary one: spread the input out with stride-1 zeros
 * between elements, pad each side by d(k-1) - p (the far side also by output_padding), and
 * convolve at stride 1 with the same dilation and the kernel flipped, input and output channels
 * swapped within each group. Output o then sums input i at o = i x s - p + t' x d, with
 * t' = k-1-t the flipped tap: the definition of the transposed convolution. Wasteful by the
 * stride's zeros, but every kernel path applies.
 */
export function equivalentConv(g: ConvGeometry): ConvGeometry {
  const pads = [0, 1, 2].map((i) => g.dilation[i] * (g.kernel[i] - 1) - g.padBefore[i]);
  if (pads.some((p) => p < 0)) {
    throw new RangeError('transposed convolutions with padding larger than dilation x (kernel - 1) are not supported by the WebAssembly kernel');
  }
  const triple = (f: (i: number) => number): [number, number, number] => [f(0), f(1), f(2)];
  return {
    ...g,
    transposed: false,
    inSize: triple((i) => (g.inSize[i] - 1) * g.stride[i] + 1),
    stride: [1, 1, 1],
    padBefore: triple((i) => pads[i]),
    padAfter: triple((i) => pads[i] + g.outputPadding[i]),
    outputPadding: [0, 0, 0],
  };
}

/** Writes `input` spread by the stride into `stuffed` (which must be zero wherever no element lands). */
export function spreadInput(g: ConvGeometry, input: Float32Array, stuffed: Float32Array): void {
  const [id, ih, iw] = g.inSize;
  const [sd, sh, sw] = g.stride;
  const [zd, zh, zw] = [(id - 1) * sd + 1, (ih - 1) * sh + 1, (iw - 1) * sw + 1];
  let from = 0;
  for (let plane = 0; plane < g.batch * g.inChannels; plane++) {
    const base = plane * zd * zh * zw;
    for (let z = 0; z < id; z++) {
      for (let y = 0; y < ih; y++) {
        const row = base + (z * sd * zh + y * sh) * zw;
        for (let x = 0; x < iw; x++) stuffed[row + x * sw] = input[from++];
      }
    }
  }
}

/** [C_in, C_out/g, *k] transposed weights -> [C_out, C_in/g, *k] with every kernel flipped. */
export function flippedWeights(g: ConvGeometry, weight: Float32Array): Float32Array {
  const taps = g.kernel[0] * g.kernel[1] * g.kernel[2];
  const inPerGroup = g.inChannels / g.groups;
  const outPerGroup = g.outChannels / g.groups;
  const out = new Float32Array(weight.length);
  for (let group = 0; group < g.groups; group++) {
    for (let i = 0; i < inPerGroup; i++) {
      for (let o = 0; o < outPerGroup; o++) {
        const from = ((group * inPerGroup + i) * outPerGroup + o) * taps;
        const to = ((group * outPerGroup + o) * inPerGroup + i) * taps;
        // Reversing the flattened taps reverses every spatial axis at once.
        for (let t = 0; t < taps; t++) out[to + t] = weight[from + taps - 1 - t];
      }
    }
  }
  return out;
}
