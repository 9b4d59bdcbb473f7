import { ConvRecord, ConvType, bindCallArguments, constructorParameters, isConvType, isTransposed, separableAdvised, validGroups } from '../../core';
import type { AnalysisDiagnostic, GroupsFix } from '../../analysis/types';
import { CallArgument, readCall } from './callText';

/**
 * Text edits for quick fixes, computed on the declaration's source text alone so they can be
 * tested without an editor. Offsets are relative to the call text handed in.
 */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** The arguments of a conv call bound to PyTorch's parameter names, each with its own text. */
function bindArguments(type: ConvType, args: CallArgument[]): Map<string, CallArgument> | null {
  return bindCallArguments(constructorParameters(type), args);
}

function convTypeOf(callee: string): ConvType | null {
  const name = callee.split('.').pop() ?? '';
  return isConvType(name) ? name : null;
}

/** Sets groups to `value`: rewrites the groups argument, or appends `groups=value`. */
export function setGroupsEdit(callText: string, value: bigint): TextEdit | null {
  const call = readCall(callText);
  const type = call && convTypeOf(call.callee);
  if (!call || !type) return null;
  const bound = bindArguments(type, call.args);
  if (!bound) return null;
  const groups = bound.get('groups');
  if (groups) return { start: groups.valueStart, end: groups.valueEnd, text: value.toString() };
  const last = call.args[call.args.length - 1];
  const at = last ? last.valueEnd : call.open + 1;
  return { start: at, end: at, text: `${last ? ', ' : ''}groups=${value}` };
}

/** Options that depend on the file around the declaration. */
export interface SeparableContext {
  /** Leading whitespace of the line the call starts on, for the multi-line layout. */
  indent: string;
  /** Column the call starts at, to decide whether one line is short enough. */
  column: number;
  /** The whole file's text, to see how `nn` is imported. */
  fileText: string;
}

/**
 * Rewrites a dense kxk conv into a Sequential of a depthwise kxk conv named `depthwise` and a
 * pointwise 1x1 conv named `pointwise` (an OrderedDict, so state_dict keys read
 * `conv.depthwise.weight`, not `conv.0.weight`), one part per line. The depthwise conv keeps the
 * spatial arguments (stride, padding, dilation, padding_mode) and uses groups=C_in without bias;
 * the pointwise conv maps C_in to C_out and keeps the original bias. The module stays callable
 * the same way, so `self.conv(x)` in forward keeps working; its weights change names and shapes,
 * so checkpoints saved for the dense layer no longer load into it (the fix's title says so).
 * Every argument keeps the user's own source text.
 */
export function separableEdit(callText: string, context: SeparableContext): TextEdit | null {
  const call = readCall(callText);
  const type = call && convTypeOf(call.callee);
  if (!call || !type || isTransposed(type)) return null;
  const bound = bindArguments(type, call.args);
  const cin = bound?.get('in_channels')?.value;
  const cout = bound?.get('out_channels')?.value;
  const kernel = bound?.get('kernel_size')?.value;
  if (!bound || !cin || !cout || !kernel) return null;
  const spatial = ['stride', 'padding', 'dilation', 'padding_mode', 'device', 'dtype']
    .filter((name) => bound.has(name))
    .map((name) => `${name}=${bound.get(name)!.value}`);
  const depthwise = `${call.callee}(${[cin, cin, kernel, ...spatial, `groups=${cin}`, 'bias=False'].join(', ')})`;
  const extras = ['bias', 'device', 'dtype'].filter((name) => bound.has(name)).map((name) => `${name}=${bound.get(name)!.value}`);
  const pointwise = `${call.callee}(${[cin, cout, '1', ...extras].join(', ')})`;
  const sequential = sequentialCallee(call.callee, context.fileText);
  const inner = `${context.indent}    `;
  const text = `${sequential}(${orderedDictName(context.fileText)}([\n${inner}('depthwise', ${depthwise}),\n${inner}('pointwise', ${pointwise}),\n${context.indent}]))`;
  return { start: 0, end: call.close + 1, text };
}

/** How the file can call OrderedDict: its own import (from collections or typing), else `OrderedDict` once separableImport adds it. */
function orderedDictName(fileText: string): string {
  if (/^\s*import\s+collections\s*$/m.test(fileText) && !hasOrderedDictImport(fileText)) return 'collections.OrderedDict';
  return 'OrderedDict';
}

function hasOrderedDictImport(fileText: string): boolean {
  return /^\s*from\s+(collections|typing)\s+import\s+[^\n]*\bOrderedDict\b/m.test(fileText);
}

/**
 * The import the rewrite needs, as an insertion at an offset of the file: `from collections
 * import OrderedDict` before the file's first import statement (or at its start), unless the
 * file already imports it.
 */
export function separableImport(fileText: string): TextEdit | null {
  if (hasOrderedDictImport(fileText) || orderedDictName(fileText) !== 'OrderedDict') return null;
  const first = /^(?:import|from)\s/m.exec(fileText);
  const at = first ? first.index : 0;
  return { start: at, end: at, text: 'from collections import OrderedDict\n' };
}

/**
 * The name to call Sequential by, following the conv's own callee: `nn.Conv2d` gives
 * `nn.Sequential`, `torch.nn.Conv2d` gives `torch.nn.Sequential`. A bare `Conv2d` gives a bare
 * `Sequential` only when the file imports that name; otherwise whatever spelling of torch.nn
 * the file has.
 */
export function sequentialCallee(callee: string, fileText: string): string {
  const dot = callee.lastIndexOf('.');
  if (dot > 0) return `${callee.slice(0, dot)}.Sequential`;
  if (/^\s*from\s+torch\.nn\s+import\s+[^\n]*\bSequential\b/m.test(fileText) || /^\s*from\s+torch\.nn\s+import\s+\*/m.test(fileText)) return 'Sequential';
  if (/^\s*(import\s+torch\.nn\s+as\s+nn|from\s+torch\s+import\s+[^\n]*\bnn\b)/m.test(fileText)) return 'nn.Sequential';
  return 'torch.nn.Sequential';
}

/** True when a layer is worth offering the depthwise-separable rewrite: the rule the hovers' advice follows. */
export function canBecomeSeparable(record: Pick<ConvRecord, 'kind' | 'spec'>): boolean {
  return separableAdvised(record);
}

/**
 * The editor's text for an analysis diagnostic: PyTorch's message first, as PyTorch words it,
 * then the figures behind it, e.g. "in_channels must be divisible by groups: in_channels 30 is
 * not divisible by groups 4 (valid groups for 30 → 64 channels: 1, 2)".
 */
export function diagnosticText(d: AnalysisDiagnostic): string {
  if (d.fix?.kind !== 'groups') return d.message;
  const figures = groupsFigures(d.fix);
  return figures ? `${d.message}: ${figures}` : d.message;
}

/** Which channel count groups does not divide, and every valid groups value (they divide both counts). */
function groupsFigures(fix: GroupsFix): string | null {
  const { in_channels: i, out_channels: o, groups: g } = fix;
  if (i === undefined || o === undefined || g === undefined || g <= 0n) return null;
  const failing = i % g !== 0n ? `in_channels ${i}` : o % g !== 0n ? `out_channels ${o}` : null;
  if (!failing) return null;
  const valid = validGroups(i, o, g);
  const shown = valid.values.slice(0, 12);
  const more = !valid.complete || valid.values.length > shown.length ? `, … (${valid.count === null ? 'more' : `${valid.count} in all`})` : '';
  return `${failing} is not divisible by groups ${g} (valid groups for ${i} → ${o} channels: ${shown.join(', ')}${more})`;
}

/** A change of one channel count that makes groups valid, and why it is offered after the groups values. */
export interface ChannelsFix {
  parameter: 'in_channels' | 'out_channels';
  value: bigint;
}

/**
 * The channel count nearest to the failing one that groups divides (ties go up, keeping the
 * layer's width), offered only when that one change makes the layer valid.
 */
export function channelsFix(fix: GroupsFix): ChannelsFix | null {
  const { in_channels: i, out_channels: o, groups: g } = fix;
  if (i === undefined || o === undefined || g === undefined || g <= 0n) return null;
  const inBad = i % g !== 0n;
  const outBad = o % g !== 0n;
  if (inBad === outBad) return null;
  const current = inBad ? i : o;
  const down = current - (current % g);
  const up = down + g;
  const value = down > 0n && current - down < up - current ? down : up;
  return { parameter: inBad ? 'in_channels' : 'out_channels', value };
}

/** Sets a channel count whose argument is a plain integer literal; an expression (a variable, a sum) is not rewritten. */
export function setChannelsEdit(callText: string, parameter: 'in_channels' | 'out_channels', value: bigint): TextEdit | null {
  const call = readCall(callText);
  const type = call && convTypeOf(call.callee);
  if (!call || !type) return null;
  const arg = bindArguments(type, call.args)?.get(parameter);
  if (!arg || !/^\d+$/.test(arg.value)) return null;
  return { start: arg.valueStart, end: arg.valueEnd, text: value.toString() };
}
