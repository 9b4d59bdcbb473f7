import { ConvArgs, ConvType, isTransposed } from './spec';
import { PyValue } from './pyvalue';

const CONV_PARAMETERS: readonly string[] = ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias', 'padding_mode', 'device', 'dtype'];
const TRANSPOSE_PARAMETERS: readonly string[] = ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'output_padding', 'groups', 'bias', 'dilation', 'padding_mode', 'device', 'dtype'];

/** The constructor's parameters in PyTorch's positional order (ConvTranspose puts output_padding fifth). */
export function constructorParameters(type: ConvType): readonly string[] {
  return isTransposed(type) ? TRANSPOSE_PARAMETERS : CONV_PARAMETERS;
}

export type BindResult = { ok: true; args: ConvArgs } | { ok: false; message: string; argument?: string };

/**
 * Binds positional and keyword arguments to the constructor's parameters the way Python does,
 * with Python's own TypeError wording for missing, repeated or unknown arguments.
 */
export function bindConvArguments(type: ConvType, positional: readonly PyValue[], keywords: ReadonlyMap<string, PyValue>): BindResult {
  const names = constructorParameters(type);
  if (positional.length > names.length) {
    return { ok: false, message: `__init__() takes from 4 to ${names.length + 1} positional arguments but ${positional.length + 1} were given` };
  }
  const bound = new Map<string, PyValue>();
  positional.forEach((value, i) => bound.set(names[i], value));
  for (const [name, value] of keywords) {
    if (!names.includes(name)) return { ok: false, message: `__init__() got an unexpected keyword argument '${name}'`, argument: name };
    if (bound.has(name)) return { ok: false, message: `__init__() got multiple values for argument '${name}'`, argument: name };
    bound.set(name, value);
  }
  const missing = ['in_channels', 'out_channels', 'kernel_size'].filter((n) => !bound.has(n));
  if (missing.length > 0) {
    const quoted = missing.map((n) => `'${n}'`);
    const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
    return { ok: false, message: `__init__() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${list}` };
  }
  const args: ConvArgs = { type, in_channels: bound.get('in_channels')!, out_channels: bound.get('out_channels')!, kernel_size: bound.get('kernel_size')! };
  for (const name of ['stride', 'padding', 'output_padding', 'dilation', 'groups', 'bias', 'padding_mode'] as const) {
    if (bound.has(name)) args[name] = bound.get(name)!;
  }
  return { ok: true, args };
}
