import { ConvGeometry, tensorSizes } from './geometry';

/** The tensors of one convolution, NCDHW-contiguous fp32 (lower ranks are the same bytes). */
export interface ConvTensors {
  input: Float32Array;
  weight: Float32Array;
  bias: Float32Array | null;
}

/**
 * The oracle: a direct grouped convolution in plain loops, accumulating in float64 so it is as
 * close to the exact result as an fp32 output can be. It is deliberately simple and slow.
 */
export function referenceConv(g: ConvGeometry, tensors: ConvTensors): Float32Array {
  checkTensorLengths(g, tensors);
  if (g.transposed) return referenceTransposed(g, tensors);
  const out = new Float32Array(tensorSizes(g).output);
  const [od, oh, ow] = g.outSize;
  const [id, ih, iw] = g.inSize;
  const [kd, kh, kw] = g.kernel;
  const inPerGroup = g.inChannels / g.groups;
  const outPerGroup = g.outChannels / g.groups;
  let o = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let oc = 0; oc < g.outChannels; oc++) {
      const firstIn = Math.floor(oc / outPerGroup) * inPerGroup;
      for (let z = 0; z < od; z++) {
        for (let y = 0; y < oh; y++) {
          for (let x = 0; x < ow; x++) {
            let sum = tensors.bias ? tensors.bias[oc] : 0;
            for (let ic = 0; ic < inPerGroup; ic++) {
              const inBase = (n * g.inChannels + firstIn + ic) * id * ih * iw;
              const wBase = (oc * inPerGroup + ic) * kd * kh * kw;
              for (let a = 0; a < kd; a++) {
                // The input coordinate a tap reads: output position x stride - padding before + tap x dilation.
                const zi = z * g.stride[0] - g.padBefore[0] + a * g.dilation[0];
                if (zi < 0 || zi >= id) continue;
                for (let b = 0; b < kh; b++) {
                  const yi = y * g.stride[1] - g.padBefore[1] + b * g.dilation[1];
                  if (yi < 0 || yi >= ih) continue;
                  for (let c = 0; c < kw; c++) {
                    const xi = x * g.stride[2] - g.padBefore[2] + c * g.dilation[2];
                    if (xi < 0 || xi >= iw) continue;
                    sum += tensors.input[inBase + (zi * ih + yi) * iw + xi] * tensors.weight[wBase + (a * kh + b) * kw + c];
                  }
                }
              }
            }
            out[o++] = sum;
          }
        }
      }
    }
  }
  return out;
}

/**
 * A transposed convolution by its definition: input element i of channel ic adds
 * x[ic, i] x W[ic, oc, t] to output position i x stride - padding + t x dilation.
 */
function referenceTransposed(g: ConvGeometry, tensors: ConvTensors): Float32Array {
  const [od, oh, ow] = g.outSize;
  const [id, ih, iw] = g.inSize;
  const [kd, kh, kw] = g.kernel;
  const inPerGroup = g.inChannels / g.groups;
  const outPerGroup = g.outChannels / g.groups;
  const outPlane = od * oh * ow;
  const sums = new Float64Array(g.batch * g.outChannels * outPlane);
  for (let n = 0; n < g.batch; n++) {
    for (let oc = 0; oc < g.outChannels; oc++) {
      if (tensors.bias) sums.fill(tensors.bias[oc], (n * g.outChannels + oc) * outPlane, (n * g.outChannels + oc + 1) * outPlane);
    }
    for (let ic = 0; ic < g.inChannels; ic++) {
      const group = Math.floor(ic / inPerGroup);
      for (let o = 0; o < outPerGroup; o++) {
        const oc = group * outPerGroup + o;
        const outBase = (n * g.outChannels + oc) * outPlane;
        const wBase = (ic * outPerGroup + o) * kd * kh * kw;
        for (let z = 0; z < id; z++) {
          for (let y = 0; y < ih; y++) {
            for (let x = 0; x < iw; x++) {
              const value = tensors.input[((n * g.inChannels + ic) * id + z) * ih * iw + y * iw + x];
              for (let a = 0; a < kd; a++) {
                const zo = z * g.stride[0] - g.padBefore[0] + a * g.dilation[0];
                if (zo < 0 || zo >= od) continue;
                for (let b = 0; b < kh; b++) {
                  const yo = y * g.stride[1] - g.padBefore[1] + b * g.dilation[1];
                  if (yo < 0 || yo >= oh) continue;
                  for (let c = 0; c < kw; c++) {
                    const xo = x * g.stride[2] - g.padBefore[2] + c * g.dilation[2];
                    if (xo < 0 || xo >= ow) continue;
                    sums[outBase + (zo * oh + yo) * ow + xo] += value * tensors.weight[wBase + (a * kh + b) * kw + c];
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return Float32Array.from(sums);
}

/** Refuses tensors whose lengths do not match the geometry, naming the one that is wrong. */
export function checkTensorLengths(g: ConvGeometry, tensors: Partial<ConvTensors>): void {
  const sizes = tensorSizes(g);
  const check = (name: string, actual: number, expected: number): void => {
    if (actual !== expected) throw new RangeError(`${name} has ${actual} elements, expected ${expected}`);
  };
  if (tensors.input) check('input', tensors.input.length, sizes.input);
  if (tensors.weight) check('weight', tensors.weight.length, sizes.weight);
  check('bias', tensors.bias?.length ?? 0, sizes.bias);
}
