/**
 * The one message protocol between the extension host and the comparison page. Both sides
 * import this file; both validate every message they receive with `parseHostMessage` /
 * `parsePageMessage` and act only on what those return.
 *
 * postMessage cannot carry bigints faithfully through every VS Code version, so every exact
 * integer travels as a decimal string (a `WireInt`), decoded and checked on arrival.
 */
import { CONV_TYPES, ConvSpec, ConvType, PADDING_MODES, PaddingMode } from '../core';
import { Parsed, ProtocolError, WireInt, boolean, guarded, isWireInt, object, oneOf, onlyKeys, text, wireInt } from './validate';

export { isWireInt };
export type { Parsed, WireInt };

/** The view type VS Code knows the panel by (also its serializer's and activation event's id). */
export const COMPARE_VIEW_TYPE = 'convLens.compare';

/** Longest tuple accepted (kernel sizes have 1 to 3 entries; PyTorch keeps odd lengths until forward). */
const MAX_TUPLE = 8;
const MAX_TEXT = 20_000;

export interface WireSpec {
  type: ConvType;
  in_channels: WireInt;
  out_channels: WireInt;
  kernel_size: WireInt[];
  stride: WireInt[];
  padding: WireInt[] | 'same' | 'valid';
  dilation: WireInt[];
  output_padding: WireInt[];
  groups: WireInt;
  bias: boolean;
  padding_mode: PaddingMode;
}

/** Where a layer was declared: 1-based line, 0-based column, as the analysis contract has it. */
export interface SourceLocation {
  uri: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Short label for the page, e.g. "model.py:12". */
  label: string;
  /** The constructor call's source text. */
  text: string;
}

export interface WireLayer {
  spec: WireSpec;
  /** The layer's input shape when the analysis knows it. */
  input: WireInt[] | null;
  source: SourceLocation | null;
}

/** A change the page asks the host to write into the source. */
export type ApplyRequest =
  | { kind: 'arguments'; args: ArgumentChanges }
  | { kind: 'separable' };

/** Constructor arguments to rewrite; absent ones stay as written. */
export interface ArgumentChanges {
  in_channels?: WireInt;
  out_channels?: WireInt;
  kernel_size?: WireInt[];
  stride?: WireInt[];
  dilation?: WireInt[];
  groups?: WireInt;
}

export const ARGUMENT_NAMES = ['in_channels', 'out_channels', 'kernel_size', 'stride', 'dilation', 'groups'] as const;
export type ArgumentName = (typeof ARGUMENT_NAMES)[number];

export type HostMessage =
  | { type: 'showLayer'; layer: WireLayer }
  | { type: 'noLayer'; reason: string }
  | { type: 'applyResult'; ok: boolean; message: string };

export type PageMessage =
  | { type: 'ready' }
  | { type: 'apply'; request: ApplyRequest }
  | { type: 'setFollow'; follow: boolean }
  | { type: 'revealSource' };

/** What the page keeps with vscode.setState, and what the serializer receives after a reload. */
export interface PanelState {
  version: 1;
  target: { uri: string; line: number; column: number } | null;
  follow: boolean;
}


// ---------------------------------------------------------------------------------------------
// Encoding.

export function encodeInt(value: bigint): WireInt {
  return value.toString();
}

export function encodeSpec(spec: ConvSpec): WireSpec {
  return {
    type: spec.type,
    in_channels: encodeInt(spec.in_channels),
    out_channels: encodeInt(spec.out_channels),
    kernel_size: spec.kernel_size.map(encodeInt),
    stride: spec.stride.map(encodeInt),
    padding: typeof spec.padding === 'string' ? spec.padding : spec.padding.map(encodeInt),
    dilation: spec.dilation.map(encodeInt),
    output_padding: spec.output_padding.map(encodeInt),
    groups: encodeInt(spec.groups),
    bias: spec.bias,
    padding_mode: spec.padding_mode,
  };
}

/** Decodes a validated WireSpec. Validation happens in the parse functions, not here. */
export function decodeSpec(wire: WireSpec): ConvSpec {
  return {
    type: wire.type,
    transposed: wire.type.startsWith('ConvTranspose'),
    in_channels: BigInt(wire.in_channels),
    out_channels: BigInt(wire.out_channels),
    kernel_size: wire.kernel_size.map((v) => BigInt(v)),
    stride: wire.stride.map((v) => BigInt(v)),
    padding: typeof wire.padding === 'string' ? wire.padding : wire.padding.map((v) => BigInt(v)),
    dilation: wire.dilation.map((v) => BigInt(v)),
    output_padding: wire.output_padding.map((v) => BigInt(v)),
    groups: BigInt(wire.groups),
    bias: wire.bias,
    padding_mode: wire.padding_mode,
  };
}

export function decodeInts(values: readonly WireInt[]): bigint[] {
  return values.map((v) => BigInt(v));
}

// ---------------------------------------------------------------------------------------------
// Validation. Each check throws a ProtocolError naming the offending field; the parse functions
// turn it into a Parsed result, so a malformed message can never reach a handler.

function string(value: unknown, where: string, max = MAX_TEXT): string {
  return text(value, where, max);
}

function position(value: unknown, where: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new ProtocolError(`${where}: expected an integer >= ${min}`);
  return value;
}

function wireInts(value: unknown, where: string, minLength = 1): WireInt[] {
  if (!Array.isArray(value) || value.length < minLength || value.length > MAX_TUPLE) {
    throw new ProtocolError(`${where}: expected ${minLength} to ${MAX_TUPLE} integers`);
  }
  return value.map((v, i) => wireInt(v, `${where}[${i}]`));
}

const SPEC_KEYS = ['type', 'in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'output_padding', 'groups', 'bias', 'padding_mode'];

export function wireSpec(value: unknown, where: string): WireSpec {
  const o = object(value, where);
  onlyKeys(o, SPEC_KEYS, where);
  const type = oneOf(o.type, CONV_TYPES, `${where}.type`);
  const spec: WireSpec = {
    type,
    in_channels: wireInt(o.in_channels, `${where}.in_channels`),
    out_channels: wireInt(o.out_channels, `${where}.out_channels`),
    kernel_size: wireInts(o.kernel_size, `${where}.kernel_size`),
    stride: wireInts(o.stride, `${where}.stride`),
    padding: o.padding === 'same' || o.padding === 'valid' ? o.padding : wireInts(o.padding, `${where}.padding`),
    dilation: wireInts(o.dilation, `${where}.dilation`),
    output_padding: wireInts(o.output_padding, `${where}.output_padding`),
    groups: wireInt(o.groups, `${where}.groups`),
    bias: boolean(o.bias, `${where}.bias`),
    padding_mode: oneOf(o.padding_mode, PADDING_MODES, `${where}.padding_mode`),
  };
  // A constructed layer always has positive channel counts and groups that divide them.
  const cin = BigInt(spec.in_channels);
  const cout = BigInt(spec.out_channels);
  const groups = BigInt(spec.groups);
  if (groups <= 0n || cin < 0n || cout < 0n || cin % groups !== 0n || cout % groups !== 0n) {
    throw new ProtocolError(`${where}: not a layer PyTorch could construct (channels ${spec.in_channels}/${spec.out_channels}, groups ${spec.groups})`);
  }
  return spec;
}

function sourceLocation(value: unknown, where: string): SourceLocation {
  const o = object(value, where);
  onlyKeys(o, ['uri', 'line', 'column', 'endLine', 'endColumn', 'label', 'text'], where);
  return {
    uri: string(o.uri, `${where}.uri`, 4096),
    line: position(o.line, `${where}.line`, 1),
    column: position(o.column, `${where}.column`, 0),
    endLine: position(o.endLine, `${where}.endLine`, 1),
    endColumn: position(o.endColumn, `${where}.endColumn`, 0),
    label: string(o.label, `${where}.label`, 1000),
    text: string(o.text, `${where}.text`),
  };
}

function wireLayer(value: unknown, where: string): WireLayer {
  const o = object(value, where);
  onlyKeys(o, ['spec', 'input', 'source'], where);
  const spec = wireSpec(o.spec, `${where}.spec`);
  const input = o.input === null ? null : wireInts(o.input, `${where}.input`, 2);
  if (input && input.some((d) => BigInt(d) < 0n)) throw new ProtocolError(`${where}.input: negative dimension`);
  return { spec, input, source: o.source === null ? null : sourceLocation(o.source, `${where}.source`) };
}

function argumentChanges(value: unknown, where: string): ArgumentChanges {
  const o = object(value, where);
  onlyKeys(o, ARGUMENT_NAMES, where);
  const changes: ArgumentChanges = {};
  if (o.in_channels !== undefined) changes.in_channels = wireInt(o.in_channels, `${where}.in_channels`);
  if (o.out_channels !== undefined) changes.out_channels = wireInt(o.out_channels, `${where}.out_channels`);
  if (o.groups !== undefined) changes.groups = wireInt(o.groups, `${where}.groups`);
  if (o.kernel_size !== undefined) changes.kernel_size = wireInts(o.kernel_size, `${where}.kernel_size`);
  if (o.stride !== undefined) changes.stride = wireInts(o.stride, `${where}.stride`);
  if (o.dilation !== undefined) changes.dilation = wireInts(o.dilation, `${where}.dilation`);
  if (Object.keys(changes).length === 0) throw new ProtocolError(`${where}: no argument to change`);
  return changes;
}

function applyRequest(value: unknown, where: string): ApplyRequest {
  const o = object(value, where);
  const kind = oneOf(o.kind, ['arguments', 'separable'] as const, `${where}.kind`);
  if (kind === 'separable') {
    onlyKeys(o, ['kind'], where);
    return { kind };
  }
  onlyKeys(o, ['kind', 'args'], where);
  return { kind, args: argumentChanges(o.args, `${where}.args`) };
}

/** Validates a message the page received from the host. */
export function parseHostMessage(data: unknown): Parsed<HostMessage> {
  return guarded(() => {
    const o = object(data, 'message');
    const type = oneOf(o.type, ['showLayer', 'noLayer', 'applyResult'] as const, 'message.type');
    switch (type) {
      case 'showLayer':
        onlyKeys(o, ['type', 'layer'], 'showLayer');
        return { type, layer: wireLayer(o.layer, 'showLayer.layer') };
      case 'noLayer':
        onlyKeys(o, ['type', 'reason'], 'noLayer');
        return { type, reason: string(o.reason, 'noLayer.reason', 2000) };
      case 'applyResult':
        onlyKeys(o, ['type', 'ok', 'message'], 'applyResult');
        return { type, ok: boolean(o.ok, 'applyResult.ok'), message: string(o.message, 'applyResult.message', 2000) };
    }
  });
}

/** Validates a message the host received from the page. */
export function parsePageMessage(data: unknown): Parsed<PageMessage> {
  return guarded(() => {
    const o = object(data, 'message');
    const type = oneOf(o.type, ['ready', 'apply', 'setFollow', 'revealSource'] as const, 'message.type');
    switch (type) {
      case 'ready':
      case 'revealSource':
        onlyKeys(o, ['type'], type);
        return { type };
      case 'apply':
        onlyKeys(o, ['type', 'request'], 'apply');
        return { type, request: applyRequest(o.request, 'apply.request') };
      case 'setFollow':
        onlyKeys(o, ['type', 'follow'], 'setFollow');
        return { type, follow: boolean(o.follow, 'setFollow.follow') };
    }
  });
}

/** Validates state restored after a reload (it was written by an older page, perhaps). */
export function parsePanelState(data: unknown): Parsed<PanelState> {
  return guarded(() => {
    const o = object(data, 'state');
    if (o.version !== 1) throw new ProtocolError('state: unknown version');
    const follow = boolean(o.follow, 'state.follow');
    if (o.target === null) return { version: 1, target: null, follow };
    const t = object(o.target, 'state.target');
    onlyKeys(t, ['uri', 'line', 'column'], 'state.target');
    const target = { uri: string(t.uri, 'state.target.uri', 4096), line: position(t.line, 'state.target.line', 1), column: position(t.column, 'state.target.column', 0) };
    return { version: 1, target, follow };
  });
}
