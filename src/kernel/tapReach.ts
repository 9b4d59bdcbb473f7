/**
 * The largest tap offset of a kernel, in O(stride) time and no memory, where listing every tap
 * would take the kernel's volume in both (a 15000x15000 kernel has 225 million taps). The sandbox
 * sizes its buffers from this before it decides whether a run fits its memory budget.
 *
 * A tap's offset is a sum over the spatial dimensions of one term each,
 *   phaseScale * ((a*dilation) mod stride) + rowScale * floor(a*dilation / stride),
 * for the kernel index a of that dimension (see tapOffsets in plan.ts), so the largest offset is
 * the sum of each dimension's largest term.
 */

/**
 * max over a in [0, kernel) of phaseScale * ((a*dilation) mod stride) + rowScale * floor(a*dilation / stride),
 * with non-negative scales. The residue (a*dilation) mod stride repeats with period
 * stride / gcd(dilation, stride), and the floor grows with a, so the largest term of every residue
 * class is among the last `period` values of a: only those are tried.
 */
export function maxPhaseTerm(kernel: number, dilation: number, stride: number, phaseScale: number, rowScale: number): number {
  const period = stride / gcd(dilation, stride);
  let best = 0;
  for (let a = Math.max(0, kernel - period); a < kernel; a++) {
    const reach = a * dilation;
    best = Math.max(best, phaseScale * (reach % stride) + rowScale * Math.floor(reach / stride));
  }
  return best;
}

/** The largest offset tapOffsets (plan.ts) gives for phase planes of dq x hq x wq. */
export function maxTapOffset(kernel: readonly number[], dilation: readonly number[], stride: readonly number[], dq: number, hq: number, wq: number): number {
  const planeSize = dq * hq * wq;
  const [, sh, sw] = stride;
  return maxPhaseTerm(kernel[0], dilation[0], stride[0], planeSize * sh * sw, hq * wq)
    + maxPhaseTerm(kernel[1], dilation[1], stride[1], planeSize * sw, wq)
    + maxPhaseTerm(kernel[2], dilation[2], stride[2], planeSize, 1);
}

/** The largest offset rowTapOffsets (plan.ts) gives for a depthwise strip's rows of phases. */
export function maxRowTapOffset(kernel: readonly number[], dilation: readonly number[], stride: readonly number[], phaseFloats: number, rowFloats: number): number {
  return (kernel[1] - 1) * dilation[1] * rowFloats + maxPhaseTerm(kernel[2], dilation[2], stride[2], phaseFloats, 1);
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}
