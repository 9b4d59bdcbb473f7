import { ConvError, forwardError } from './errors';
import { PyValue, pyTypeName } from './pyvalue';

/**
 * The stride, padding, dilation and output_padding tuples as the module stores them, which
 * PyTorch never checks until the layer is called: then the functional form's argument parser
 * takes only tuples of Python ints (not floats, not even bools).
 */
export interface StoredTuples {
  stride: PyValue[];
  /** A string only for a non-transposed conv's 'same' or 'valid'. */
  padding: PyValue[] | string;
  dilation: PyValue[];
  output_padding: PyValue[];
}

/**
 * The TypeError PyTorch 1.13 raises when such a layer is called, or null. Its parser matches an
 * overload by looking at the first element of each int list only: a bad first element matches
 * no overload (conv has two, so it lists both; conv_transpose and pad have one, so they name the
 * argument), while a bad later element fails afterwards, naming its position.
 */
export function callArgumentError(op: string, transposed: boolean, zerosPadding: boolean, bias: boolean, tuples: StoredTuples): ConvError | null {
  if (!transposed && !zerosPadding) {
    // F.pad runs first, on the padding reversed and repeated twice; the conv then pads nothing.
    const error = singleOverloadError('pad', [['pad', 2, padArgument(tuples)]], Array.isArray(tuples.padding) ? 'tuple' : 'list');
    if (error) return error;
    return callArgumentError(op, transposed, true, bias, { ...tuples, padding: tuples.dilation.map(() => 0n) });
  }
  if (transposed) {
    const padding = Array.isArray(tuples.padding) ? tuples.padding : [...tuples.padding];
    return singleOverloadError(op, [['stride', 4, tuples.stride], ['padding', 5, padding], ['output_padding', 6, tuples.output_padding], ['dilation', 8, tuples.dilation]], 'tuple');
  }
  const lists: Array<[string, PyValue[]]> = [['stride', tuples.stride], ['dilation', tuples.dilation]];
  if (Array.isArray(tuples.padding)) lists.splice(1, 0, ['padding', tuples.padding]);
  if (lists.some(([, values]) => firstNonInt(values) === 0)) return noConvOverloadError(op, bias, typeof tuples.padding === 'string');
  return laterElementError(op, lists);
}

/**
 * The module's _reversed_padding_repeated_twice: a tuple for explicit padding; for 'same' a list
 * of d(k-1) halves, which are floats wherever the dilation is a float; for 'valid' a list of zeros.
 */
function padArgument(tuples: StoredTuples): PyValue[] {
  if (Array.isArray(tuples.padding)) return [...tuples.padding].reverse().flatMap((p) => [p, p]);
  if (tuples.padding !== 'same') return tuples.dilation.flatMap(() => [0n, 0n]);
  return [...tuples.dilation].reverse().flatMap((d): PyValue[] => (typeof d === 'number' ? [0.5, 0.5] : [0n, 0n]));
}

type NamedList = [name: string, position: number, values: PyValue[]];

function singleOverloadError(op: string, lists: NamedList[], container: 'tuple' | 'list'): ConvError | null {
  const unmatched = lists.find(([, , values]) => firstNonInt(values) === 0);
  if (unmatched) return typeError(`${op}(): argument '${unmatched[0]}' (position ${unmatched[1]}) must be tuple of ints, not ${container}`);
  return laterElementError(op, lists.map(([name, , values]) => [name, values]));
}

/**
 * A bad element after the first fails while the binding converts its arguments, which the
 * compiler evaluates right to left: the last argument in the signature is reported first.
 */
function laterElementError(op: string, lists: Array<[string, PyValue[]]>): ConvError | null {
  for (const [name, values] of [...lists].reverse()) {
    const i = firstNonInt(values);
    if (i > 0) return typeError(`${op}(): argument '${name}' must be tuple of ints, but found element of type ${pyTypeName(values[i])} at pos ${i + 1}`);
  }
  return null;
}

/**
 * conv1d/2d/3d's "invalid combination" message. It lists the argument types it got, then marks
 * with !...! those it found wrong for each overload: in 1.13 that includes the weight and bias
 * Parameters and every tuple, whatever their contents.
 */
function noConvOverloadError(op: string, bias: boolean, paddingIsString: boolean): ConvError {
  const biasType = bias ? 'Parameter' : 'NoneType';
  const paddingType = paddingIsString ? 'str' : 'tuple';
  const marked = (padding: string): string => `(Tensor, !Parameter!, !${biasType}!, !tuple!, ${padding}, !tuple!, int)`;
  return typeError(
    `${op}() received an invalid combination of arguments - got (Tensor, Parameter, ${biasType}, tuple, ${paddingType}, tuple, int), but expected one of:\n` +
    ' * (Tensor input, Tensor weight, Tensor bias, tuple of ints stride, tuple of ints padding, tuple of ints dilation, int groups)\n' +
    `      didn't match because some of the arguments have invalid types: ${marked(`!${paddingType}!`)}\n` +
    ' * (Tensor input, Tensor weight, Tensor bias, tuple of ints stride, str padding, tuple of ints dilation, int groups)\n' +
    `      didn't match because some of the arguments have invalid types: ${marked(paddingIsString ? 'str' : '!tuple!')}\n`,
  );
}

/** The index of the first element that is not a Python int (bools excluded), or -1. */
function firstNonInt(values: readonly PyValue[]): number {
  return values.findIndex((v) => typeof v !== 'bigint');
}

function typeError(message: string): ConvError {
  return forwardError(message, 'TypeError');
}

/** What a record shows for a stored tuple element that is not an int: the layer cannot run anyway. */
export function displayInt(value: PyValue): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  return 0n;
}
