import { ConvGeometry } from './geometry';
import { maxTapOffset } from './tapReach';

/**
 * How the WebAssembly kernel runs one geometry: which path, the phase-plane layout of the
 * prepared input (see src/kernel/assembly/conv.ts), the tap offsets and every buffer's size.
 * Pure arithmetic, so it is tested without WebAssembly.
 */
export interface KernelPlan {
  /** 'depthwise' when each group has one input channel; 'blocked' otherwise. */
  path: 'blocked' | 'depthwise';
  /**
   * The blocked path reads the input in place: with no padding and stride 1 the prepared planes
   * would be a plain copy of it.
   */
  direct: boolean;
  /**
   * Depthwise 2d stride-1 layers go in strips of this many output rows (0: whole channels),
   * each strip preparing its rows plus `stripExtra` more (the kernel's reach and the 3x3 path's
   * second row) into an L1-sized buffer.
   */
  stripRows: number;
  stripExtra: number;
  /** The 3x3 stride-1 depthwise fast path applies. */
  depthwise3x3: boolean;
  inPerGroup: number;
  outPerGroup: number;
  /** Blocks of 4 output channels per group (the last one padded with zero weights). */
  ocBlocks: number;
  /** Phase-plane sizes: ceil(padded size / stride) per dimension. */
  dq: number;
  hq: number;
  wq: number;
  /** Floats between consecutive prepared channels (planes plus zeroed slack). */
  chanStride: number;
  /** Virtual outputs per channel, rounded up to the microkernel's 8. */
  qPad: number;
  /** Input channels per reduction chunk and outputs per output chunk (cache blocking). */
  kc: number;
  nc: number;
  /**
   * Each tap's offset in floats within a channel's prepared planes, in weight order. Listed on
   * first read only (by the kernel that runs the plan): sizing a plan never allocates per tap.
   */
  readonly taps: Int32Array;
  /** How many taps: the kernel's volume. */
  tapCount: number;
  /** Buffer sizes in floats. */
  floats: { packed: number; bias: number; input: number; inputSlack: number; output: number; prep: number; vout: number };
}

const BLOCK_OUTPUTS = 8;
const BLOCK_CHANNELS = 4;

export function planKernel(g: ConvGeometry): KernelPlan {
  const inPerGroup = g.inChannels / g.groups;
  const outPerGroup = g.outChannels / g.groups;
  const padded = [0, 1, 2].map((i) => g.inSize[i] + g.padBefore[i] + g.padAfter[i]);
  const [dq, hq, wq] = [0, 1, 2].map((i) => Math.ceil(padded[i] / g.stride[i]));
  const maxTap = maxTapOffset(g.kernel, g.dilation, g.stride, dq, hq, wq);
  let taps: Int32Array | null = null;
  const planes = g.stride[0] * g.stride[1] * g.stride[2] * dq * hq * wq;
  const [od, oh, ow] = g.outSize;
  const path = inPerGroup === 1 ? 'depthwise' : 'blocked';
  const qPad = roundUp(((od - 1) * hq + oh) * wq, BLOCK_OUTPUTS);
  // Garbage columns may read past the planes: the blocked kernel up to qPad - 1 + maxTap, the
  // depthwise rows up to two rows (the 3x3 path's second row) and a vector past the last output.
  const reach = path === 'blocked' ? qPad + maxTap : ((od - 1) * hq + oh + 2) * wq + roundUp(ow, 4) + maxTap + 4;
  const inVolume = g.inSize[0] * g.inSize[1] * g.inSize[2];
  const direct = path === 'blocked' && [0, 1, 2].every((i) => g.stride[i] === 1 && g.padBefore[i] === 0 && g.padAfter[i] === 0);
  // Read in place, the last channel's garbage columns read past the input: that much slack follows it.
  const chanStride = direct ? inVolume : roundUp(Math.max(planes, reach), 4);
  const ocBlocks = Math.ceil(outPerGroup / BLOCK_CHANNELS);
  const strips = path === 'depthwise' && od === 1 && g.stride.every((s) => s === 1) ? depthwiseStrips(g, wq, oh) : { stripRows: 0, stripExtra: 0 };
  const volume = (s: readonly number[]): number => s[0] * s[1] * s[2];
  const ntaps = volume(g.kernel);
  return {
    get taps(): Int32Array {
      return (taps ??= tapOffsets(g, dq, hq, wq));
    },
    tapCount: ntaps,
    path,
    direct,
    ...strips,
    depthwise3x3: path === 'depthwise' && od === 1 && g.kernel[0] === 1 && g.kernel[1] === 3 && g.kernel[2] === 3
      && g.stride[1] === 1 && g.stride[2] === 1 && g.dilation[1] === 1 && g.dilation[2] === 1,
    inPerGroup,
    outPerGroup,
    ocBlocks,
    dq,
    hq,
    wq,
    chanStride,
    qPad,
    ...cacheChunks(inPerGroup, ntaps, maxTap, qPad),
    floats: {
      packed: path === 'blocked' ? g.groups * ocBlocks * BLOCK_CHANNELS * inPerGroup * ntaps : g.outChannels * ntaps,
      bias: roundUp(g.outChannels, BLOCK_CHANNELS) + BLOCK_CHANNELS,
      input: g.batch * g.inChannels * inVolume,
      inputSlack: Math.max(0, reach - inVolume) + 16,
      output: g.batch * g.outChannels * volume(g.outSize),
      prep: direct ? 0 : path === 'blocked' ? g.inChannels * chanStride : strips.stripRows > 0 ? (strips.stripRows + strips.stripExtra) * wq + 8 : chanStride,
      vout: path === 'blocked' ? ocBlocks * BLOCK_CHANNELS * qPad : 0,
    },
  };
}

/** Bytes of L1 data cache the blocked kernel plans its input chunk into (of 32 KiB). */
const L1_INPUT_BYTES = 24 * 1024;
/** Multiply-add steps one microkernel call should run, so its set-up and stores are amortized. */
const MIN_STEPS = 256;

/**
 * Chunk sizes for the blocked kernel: kc input channels give each microkernel call about
 * MIN_STEPS (channel, tap) steps; a chunk of kc channels and nc outputs reads about
 * kc x (nc + maxTap + 8) floats, sized to stay in L1 while every output-channel block uses it.
 */
function cacheChunks(inPerGroup: number, ntaps: number, maxTap: number, qPad: number): { kc: number; nc: number } {
  const kc = Math.min(inPerGroup, roundUp(Math.ceil(MIN_STEPS / ntaps), 8));
  const fit = Math.floor(L1_INPUT_BYTES / (4 * kc)) - maxTap - BLOCK_OUTPUTS;
  const nc = Math.min(qPad, Math.max(BLOCK_OUTPUTS, Math.floor(fit / BLOCK_OUTPUTS) * BLOCK_OUTPUTS));
  return { kc, nc };
}

/** Bytes of L1 one depthwise strip's prepared rows may take. */
const L1_STRIP_BYTES = 16 * 1024;

/** Strips of an even number of output rows whose prepared rows fit L1_STRIP_BYTES. */
function depthwiseStrips(g: ConvGeometry, wq: number, oh: number): { stripRows: number; stripExtra: number } {
  // Rows (kh-1)*dh past the strip feed its last output row; the 3x3 path reads one more.
  const stripExtra = (g.kernel[1] - 1) * g.dilation[1] + 1;
  const fit = Math.floor(L1_STRIP_BYTES / (4 * wq)) - stripExtra;
  const stripRows = Math.min(oh, Math.max(2, fit - (fit % 2)));
  return { stripRows, stripExtra };
}

/**
 * Tap (a, b, c) reads padded input (z*sd + a*dd, y*sh + b*dh, x*sw + c*dw). Writing a*dd as
 * (a*dd div sd)*sd + (a*dd mod sd), that is phase plane (a*dd mod sd, ...) at row z + a*dd div sd:
 * a fixed offset from output (z, y, x) in that plane.
 */
function tapOffsets(g: ConvGeometry, dq: number, hq: number, wq: number): Int32Array {
  const [kd, kh, kw] = g.kernel;
  const [sd, sh, sw] = g.stride;
  const [dd, dh, dw] = g.dilation;
  const planeSize = dq * hq * wq;
  const taps = new Int32Array(kd * kh * kw);
  let t = 0;
  for (let a = 0; a < kd; a++) {
    for (let b = 0; b < kh; b++) {
      for (let c = 0; c < kw; c++) {
        const plane = ((a * dd) % sd * sh + (b * dh) % sh) * sw + (c * dw) % sw;
        const shift = (Math.floor((a * dd) / sd) * hq + Math.floor((b * dh) / sh)) * wq + Math.floor((c * dw) / sw);
        taps[t++] = plane * planeSize + shift;
      }
    }
  }
  return taps;
}

/**
 * Reorders [C_out][C_in/g][taps] weights for the blocked microkernel: per group and block of 4
 * output channels, [taps][C_in/g][4], with zeros for the channels past the group's end.
 */
export function packBlockedWeights(g: ConvGeometry, plan: KernelPlan, weight: Float32Array, packed: Float32Array): void {
  const ntaps = plan.taps.length;
  packed.fill(0);
  let o = 0;
  for (let group = 0; group < g.groups; group++) {
    for (let ob = 0; ob < plan.ocBlocks; ob++) {
      for (let t = 0; t < ntaps; t++) {
        for (let ic = 0; ic < plan.inPerGroup; ic++) {
          for (let j = 0; j < BLOCK_CHANNELS; j++, o++) {
            const oc = ob * BLOCK_CHANNELS + j;
            if (oc < plan.outPerGroup) packed[o] = weight[((group * plan.outPerGroup + oc) * plan.inPerGroup + ic) * ntaps + t];
          }
        }
      }
    }
  }
}

function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}
