/**
 * Turns an "Apply to code" request into the constructor call's new source text, editor-free.
 * The depthwise-separable rewrite and the call reader are the quick fixes' own
 * (src/extension/text/fixes.ts), so the panel and the light bulb write the same code.
 */
import { ConvArgs, ConvSpec, PyValue, buildConv, constructorParameters, tuple } from '../../core';
import { ApplyRequest, ArgumentChanges, decodeInts } from '../../protocol/compare';
import { readCall } from '../text/callText';
import { TextEdit, separableEdit, separableImport } from '../text/fixes';

export interface CallSite {
  /** The layer as the code builds it now. */
  spec: ConvSpec;
  /** The constructor call's source text. */
  callText: string;
  /** Leading whitespace of the line the call starts on. */
  indent: string;
  /** 0-based column where the call starts. */
  column: number;
  /** The whole file, to see how torch.nn is imported. */
  fileText: string;
}

/** The call's new text, and an insertion elsewhere in the file (an import the new text needs), at an offset of fileText. */
export type Rewrite = { ok: true; text: string; summary: string; insert?: TextEdit } | { ok: false; message: string };

export function planRewrite(request: ApplyRequest, site: CallSite): Rewrite {
  if (request.kind === 'separable') {
    if (site.spec.transposed) return { ok: false, message: 'A transposed convolution has no depthwise-separable rewrite.' };
    const edit = separableEdit(site.callText, { indent: site.indent, column: site.column, fileText: site.fileText });
    if (!edit) return { ok: false, message: 'Could not read the call\'s arguments to rewrite it (are some passed with * or **?).' };
    const insert = separableImport(site.fileText);
    const summary = 'Rewrote the layer as depthwise + pointwise (1x1) convolutions named depthwise and pointwise: its weights have new names, so checkpoints saved for this layer will not load.';
    return { ok: true, text: splice(site.callText, edit.start, edit.end, edit.text), summary, ...(insert ? { insert } : {}) };
  }
  const built = buildConv(argsWith(site.spec, request.args));
  if (!built.ok) return { ok: false, message: `${built.error.exception}: ${built.error.message}` };
  const text = setArguments(site.callText, site.spec, request.args);
  if (text === null) return { ok: false, message: 'Could not read the call\'s arguments to rewrite them (are some passed with * or **?).' };
  return { ok: true, text, summary: `Set ${Object.keys(request.args).join(', ')}.` };
}

/** The layer's constructor arguments with the requested changes, for buildConv to judge. */
export function argsWith(spec: ConvSpec, changes: ArgumentChanges): ConvArgs {
  const many = (values: bigint[]): PyValue => tuple(values);
  return {
    type: spec.type,
    in_channels: changes.in_channels !== undefined ? BigInt(changes.in_channels) : spec.in_channels,
    out_channels: changes.out_channels !== undefined ? BigInt(changes.out_channels) : spec.out_channels,
    kernel_size: many(changes.kernel_size ? decodeInts(changes.kernel_size) : spec.kernel_size),
    stride: many(changes.stride ? decodeInts(changes.stride) : spec.stride),
    padding: typeof spec.padding === 'string' ? spec.padding : many(spec.padding),
    dilation: many(changes.dilation ? decodeInts(changes.dilation) : spec.dilation),
    groups: changes.groups !== undefined ? BigInt(changes.groups) : spec.groups,
    bias: spec.bias,
    padding_mode: spec.padding_mode,
    ...(spec.transposed ? { output_padding: many(spec.output_padding) } : {}),
  };
}

/**
 * Rewrites each changed argument where the call passes it (positionally or by keyword) and
 * appends the others as keywords, keeping every other argument's text as written.
 */
export function setArguments(callText: string, spec: ConvSpec, changes: ArgumentChanges): string | null {
  const call = readCall(callText);
  if (!call || call.args.some((a) => a.value.startsWith('*'))) return null;
  const names = constructorParameters(spec.type);
  let position = 0;
  const where = new Map<string, { start: number; end: number }>();
  for (const arg of call.args) {
    const name = arg.keyword ?? names[position++];
    if (name !== undefined) where.set(name, { start: arg.valueStart, end: arg.valueEnd });
  }
  const edits: Array<{ start: number; end: number; text: string }> = [];
  const appended: string[] = [];
  for (const [name, value] of Object.entries(changes) as Array<[string, string | string[]]>) {
    const text = valueText(value);
    const at = where.get(name);
    if (at) edits.push({ ...at, text });
    else appended.push(`${name}=${text}`);
  }
  if (appended.length > 0) {
    const last = call.args[call.args.length - 1];
    const at = last ? last.valueEnd : call.open + 1;
    edits.push({ start: at, end: at, text: `${last ? ', ' : ''}${appended.join(', ')}` });
  }
  // Apply from the end so earlier offsets stay valid.
  return edits.sort((a, b) => b.start - a.start).reduce((text, e) => splice(text, e.start, e.end, e.text), callText);
}

/** `3` for one value or equal values (PyTorch repeats a scalar), `(3, 5)` otherwise. */
function valueText(value: string | string[]): string {
  if (!Array.isArray(value)) return value;
  return value.every((v) => v === value[0]) ? value[0] : `(${value.join(', ')})`;
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}
