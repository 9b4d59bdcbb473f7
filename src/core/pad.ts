import { ConvError, forwardError } from './errors';

/**
 * F.pad(input, pad, mode) for the padding modes other than zeros, as PyTorch 1.13 runs it
 * before such a conv (which then pads nothing itself). `pads` holds [before, after] per spatial
 * dimension, first spatial dimension first; negative values crop. Returns the padded shape or
 * PyTorch's error, with its wording (including its typos) kept as it is.
 */
export function padForMode(mode: 'reflect' | 'replicate' | 'circular', input: readonly bigint[], pads: ReadonlyArray<readonly [bigint, bigint]>): { ok: true; shape: bigint[] } | { ok: false; error: ConvError } {
  const error = padError(mode, input, pads);
  if (error) return { ok: false, error };
  const n = pads.length;
  const shape = input.map((size, i) => (i < input.length - n ? size : size + pads[i - input.length + n][0] + pads[i - input.length + n][1]));
  const negative = shape.find((size) => size < 0n);
  if (negative !== undefined) {
    // The reflect and replicate kernels only refuse when every padded size is below one; a
    // single negative size gets as far as allocating the output.
    return { ok: false, error: forwardError(`Trying to create tensor with negative dimension ${negative}: [${shape.join(', ')}]`) };
  }
  return { ok: true, shape };
}

function padError(mode: 'reflect' | 'replicate' | 'circular', input: readonly bigint[], pads: ReadonlyArray<readonly [bigint, bigint]>): ConvError | null {
  const dims = input.length;
  const n = pads.length;
  if (2 * n > 2 * dims) return forwardError('Padding length too large');
  if (dims !== n + 1 && dims !== n + 2) {
    return forwardError('Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now', 'NotImplementedError');
  }
  if (mode === 'circular') return circularError(input, pads);
  if (mode === 'reflect') {
    const tooLarge = reflectError(input, pads);
    if (tooLarge) return tooLarge;
  }
  return tooSmallError(mode, input, pads);
}

/** _pad_circular: batched input only, and no dimension wrapped more than once or emptied. */
function circularError(input: readonly bigint[], pads: ReadonlyArray<readonly [bigint, bigint]>): ConvError | null {
  if (2 * pads.length + 4 !== 2 * input.length) {
    return forwardError(`Invalid padding size, expected ${2 * (input.length - 2)} but got ${2 * pads.length}`);
  }
  for (const [i, [before, after]] of pads.entries()) {
    const size = input[i + 2];
    if (before > size || after > size) return forwardError('Padding value causes wrapping around more than once.');
    if (size + before + after < 0n) return forwardError('Negative padding value is resulting in an empty dimension');
  }
  return null;
}

/**
 * Reflection needs each pad below its dimension's size. The kernels check the last dimension
 * first; argument numbers count the pad list's entries (#4 width, #6 height, #8 depth), and the
 * 2D kernel names the input by its rank where the others print its sizes.
 */
function reflectError(input: readonly bigint[], pads: ReadonlyArray<readonly [bigint, bigint]>): ConvError | null {
  const n = pads.length;
  for (let j = n - 1; j >= 0; j--) {
    const dim = input.length - n + j;
    const [before, after] = pads[j];
    if (!(before < input[dim] && after < input[dim])) {
      const shown = n === 2 ? `${input.length}` : `[${input.join(', ')}]`;
      return forwardError(`Argument #${4 + 2 * (n - 1 - j)}: Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${dim} of input ${shown}`);
    }
  }
  return null;
}

/** The "too small" checks of the reflect and replicate kernels, each with its own spacing. */
function tooSmallError(mode: 'reflect' | 'replicate', input: readonly bigint[], pads: ReadonlyArray<readonly [bigint, bigint]>): ConvError | null {
  const n = pads.length;
  const sizes = input.slice(input.length - n);
  const outs = sizes.map((size, i) => size + pads[i][0] + pads[i][1]);
  if (outs.some((o) => o >= 1n)) return null;
  if (n === 1) {
    const shown = mode === 'reflect' ? `2input (W: ${sizes[0]})is` : `input (W: ${sizes[0]}) is`;
    return forwardError(`${shown} too small. Calculated output W: ${outs[0]}`);
  }
  if (n === 2) {
    const shown = mode === 'reflect' ? `input (H: ${sizes[0]}, W: ${sizes[1]})is` : `input (H: ${sizes[0]}, W: ${sizes[1]} ) is`;
    return forwardError(`${shown} too small. Calculated output H: ${outs[0]} W: ${outs[1]}`);
  }
  return forwardError(`input (D: ${sizes[0]} H: ${sizes[1]}, W: ${sizes[2]}) is too small. Calculated output D: ${outs[0]} H: ${outs[1]} W: ${outs[2]}`);
}
