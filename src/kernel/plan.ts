import { ConvGeometry } from './geometry';
import { maxRowTapOffset, maxTapOffset } from './tapReach';

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
   * 2d depthwise layers go in strips of this many output rows (0: whole channels in phase
   * planes), each strip preparing `stripInRows` padded input rows of `rowFloats` floats (the row
   * split into its stride's column phases) into an L1-sized buffer.
   */
  stripRows: number;
  stripInRows: number;
  rowFloats: number;
  /** Floats between a strip row's column phases: wq rounded up, plus a vector the copy may overrun into. */
  phaseFloats: number;
  /**
   * The depthwise compute loop: 'taps' (any taps, offsets and weights read per tap), '3x3s1'
   * (3x3 stride 1 dilation 1, two rows at once, weights in registers) or 'rows' (any kernel,
   * stride and dilation over strips, kernel columns three at a time).
   */
  depthwiseKernel: DepthwiseKernel;
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

export type DepthwiseKernel = 'taps' | '3x3s1' | 'rows';

export interface PlanOptions {
  /**
   * Runs 2d depthwise layers with stride > 1, dilation or other kernels as before the strip
   * loops: whole channels in phase planes for stride > 1, the generic tap loop for all. Kept
   * only so `npm run bench:kernel` can measure the old path beside the new one in one run.
   */
  legacyDepthwise?: boolean;
}

const BLOCK_OUTPUTS = 8;
const BLOCK_CHANNELS = 4;

export function planKernel(g: ConvGeometry, options: PlanOptions = {}): KernelPlan {
  const inPerGroup = g.inChannels / g.groups;
  const outPerGroup = g.outChannels / g.groups;
  const padded = [0, 1, 2].map((i) => g.inSize[i] + g.padBefore[i] + g.padAfter[i]);
  const [dq, hq, wq] = [0, 1, 2].map((i) => Math.ceil(padded[i] / g.stride[i]));
  const [od, oh, ow] = g.outSize;
  const path = inPerGroup === 1 ? 'depthwise' : 'blocked';
  const layout = path === 'depthwise' ? depthwiseLayout(g, wq, options) : null;
  // The largest tap offset, by arithmetic: the offsets themselves are listed only when the kernel runs.
  const maxTap = layout ? maxRowTapOffset(g.kernel, g.dilation, g.stride, layout.phaseFloats, layout.rowFloats) : maxTapOffset(g.kernel, g.dilation, g.stride, dq, hq, wq);
  let taps: Int32Array | null = null;
  const planes = g.stride[0] * g.stride[1] * g.stride[2] * dq * hq * wq;
  const qPad = roundUp(((od - 1) * hq + oh) * wq, BLOCK_OUTPUTS);
  // Garbage columns may read past the planes: the blocked kernel up to qPad - 1 + maxTap, the
  // depthwise rows up to two rows (the 3x3 path's second row) and a vector past the last output.
  const reach = path === 'blocked' ? qPad + maxTap : ((od - 1) * hq + oh + 2) * wq + roundUp(ow, 4) + maxTap + 4;
  const inVolume = g.inSize[0] * g.inSize[1] * g.inSize[2];
  const direct = path === 'blocked' && [0, 1, 2].every((i) => g.stride[i] === 1 && g.padBefore[i] === 0 && g.padAfter[i] === 0);
  // Read in place, the last channel's garbage columns read past the input: that much slack follows it.
  const chanStride = layout ? 0 : direct ? inVolume : roundUp(Math.max(planes, reach), 4);
  const ocBlocks = Math.ceil(outPerGroup / BLOCK_CHANNELS);
  const volume = (s: readonly number[]): number => s[0] * s[1] * s[2];
  const ntaps = volume(g.kernel);
  const strips = layout ?? { stripRows: 0, stripInRows: 0, rowFloats: 0, phaseFloats: 0 };
  return {
    get taps(): Int32Array {
      return (taps ??= layout ? rowTapOffsets(g, layout.phaseFloats, layout.rowFloats) : tapOffsets(g, dq, hq, wq));
    },
    tapCount: ntaps,
    path,
    direct,
    ...strips,
    depthwiseKernel: path === 'depthwise' ? depthwiseKernel(g, layout !== null, options) : 'taps',
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
      prep: direct ? 0 : path === 'blocked' ? g.inChannels * chanStride : layout ? layout.stripInRows * layout.rowFloats + 8 + roundUp(ow, 8) : chanStride,
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

/**
 * The strip layout of a 2d depthwise layer (null for 3d ones, which go whole channel by whole
 * channel in phase planes; so do stride > 1 layers under `legacyDepthwise`).
 *
 * Why NCHW rows and not a channel-blocked layout (NHWC or NCHW4c, channels in the vector lanes,
 * as XNNPACK does): there, stride and dilation cost nothing, since each tap is a vector of 4
 * channels at one pixel; but our tensors are NCHW at the boundary (the sandbox, PyTorch), so
 * every layer would pay a transpose in and out, a full extra pass over memory for a layer whose
 * arithmetic intensity is only k*k/(s*s) multiply-adds per input float, and channel counts not a
 * multiple of 4 would need padding. Splitting each padded row into its stride's column phases
 * costs one shuffle per 4 floats, in a strip that stays in L1, and keeps lanes along the width.
 */
function depthwiseLayout(g: ConvGeometry, wq: number, options: PlanOptions): { stripRows: number; stripInRows: number; rowFloats: number; phaseFloats: number } | null {
  if (g.outSize[0] !== 1 || g.kernel[0] !== 1) return null;
  const [, sh, sw] = g.stride;
  if (options.legacyDepthwise && (sh !== 1 || sw !== 1)) return null;
  const phaseFloats = roundUp(wq, 4) + 4;
  const rowFloats = sw * phaseFloats;
  // Output rows need (rows - 1)*sh + (kh - 1)*dh + 1 input rows, and the 3x3 path one more.
  const reach = (g.kernel[1] - 1) * g.dilation[1] + 2;
  const fit = Math.floor(L1_STRIP_BYTES / (4 * rowFloats));
  const fitting = Math.floor((fit - reach) / sh) + 1;
  const stripRows = Math.min(g.outSize[1], Math.max(2, fitting - (fitting % 2)));
  return { stripRows, stripInRows: (stripRows - 1) * sh + reach, rowFloats, phaseFloats };
}

function depthwiseKernel(g: ConvGeometry, strips: boolean, options: PlanOptions): DepthwiseKernel {
  const [, kh, kw] = g.kernel;
  const [, sh, sw] = g.stride;
  const [, dh, dw] = g.dilation;
  if (!strips) return 'taps';
  if (kh === 3 && kw === 3 && sh === 1 && sw === 1 && dh === 1 && dw === 1) return '3x3s1';
  return options.legacyDepthwise ? 'taps' : 'rows';
}

/**
 * Tap (b, c) offsets in a strip (see depthwiseLayout): kernel row b is b*dh input rows below
 * the output row's first, and column c*dw is phase (c*dw mod sw) at column x + c*dw div sw.
 */
function rowTapOffsets(g: ConvGeometry, phaseFloats: number, rowFloats: number): Int32Array {
  const [, kh, kw] = g.kernel;
  const [, , sw] = g.stride;
  const [, dh, dw] = g.dilation;
  const taps = new Int32Array(kh * kw);
  for (let b = 0; b < kh; b++) {
    for (let c = 0; c < kw; c++) taps[b * kw + c] = b * dh * rowFloats + ((c * dw) % sw) * phaseFloats + Math.floor((c * dw) / sw);
  }
  return taps;
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
  const ntaps = plan.tapCount;
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
