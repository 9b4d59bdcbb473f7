/**
 * The message protocol between the extension host and the model view page (src/webview/modelView.ts).
 * Both sides validate what they receive with `parseModelHostMessage` / `parseModelPageMessage`
 * and act only on what those return. Exact integers travel as decimal strings (WireInt), as in
 * the comparison protocol; a figure that is not known travels as null with the reason.
 */
import { WireSpec, wireSpec } from './compare';
import { Parsed, ProtocolError, WireInt, boolean, count, guarded, list, object, oneOf, onlyKeys, text, wireInt } from './validate';

export type { Parsed, WireInt, WireSpec };

export const MODEL_VIEW_TYPE = 'convLens.modelView';

const MAX_LAYERS = 20_000;
const MAX_TEXT = 4000;
const MAX_NAME = 1000;

/** A total: its exact value, or null and why it is not known. */
export interface WireFigure {
  value: WireInt | null;
  reason: string | null;
}

export const TOTAL_KEYS = ['params', 'convParams', 'macs', 'flops', 'denseParams', 'denseMacs', 'weightBytes', 'peakActivationBytes'] as const;
export type TotalKey = (typeof TOTAL_KEYS)[number];
export type WireTotals = Record<TotalKey, WireFigure> & { convLayers: number };

export interface WireModelLayer {
  /** named_modules() name, e.g. 'features.3.conv.1.0'. */
  name: string;
  type: string;
  /** 'dense', 'depthwise'… (KIND_LABELS keys); null when the layer's record is unknown. */
  kind: string | null;
  input: WireInt[] | null;
  output: WireInt[] | null;
  params: WireInt | null;
  macs: WireInt | null;
  flops: WireInt | null;
  denseMacs: WireInt | null;
  /** Why the figures are unknown (PyTorch's message, or the unknown argument). */
  reason: string | null;
  /** 1-based line of the call that built it; 0 when no call in this file did. */
  line: number;
  spec: WireSpec | null;
}

export interface WireModule {
  name: string;
  type: string;
  params: WireInt | null;
}

export interface WireModel {
  uri: string;
  /** e.g. 'mobilenet.py'. */
  label: string;
  entry: string;
  /** Every model of the file, for the picker. */
  entries: string[];
  input: WireInt[] | null;
  inputSource: string | null;
  totals: WireTotals;
  layers: WireModelLayer[];
  modules: WireModule[];
  /** Why totals may be incomplete, and what the analysis could not resolve. */
  notes: string[];
}

export type WireTransformation =
  | { kind: 'separable' }
  | { kind: 'groups'; groups: number }
  | { kind: 'width'; multiplier: number; divisor: number }
  | { kind: 'dropBias' };

export const TRANSFORMATION_KINDS = ['separable', 'groups', 'width', 'dropBias'] as const;
export type WireTransformationKind = (typeof TRANSFORMATION_KINDS)[number];

export interface WirePlan {
  transformations: WireTransformation[];
  excluded: Partial<Record<WireTransformationKind, string[]>>;
}

export interface WireLayerChange {
  name: string;
  kind: WireTransformationKind;
  status: 'applied' | 'ineligible' | 'excluded' | 'rejected';
  reason: string | null;
  /** Valid, but its code cannot be rewritten safely: listed, and left alone by Apply. */
  blocked: boolean;
  replacedBy: string[];
  paramsBefore: WireInt | null;
  paramsAfter: WireInt | null;
  macsBefore: WireInt | null;
  macsAfter: WireInt | null;
}

export interface WireWhatIf {
  totals: WireTotals;
  /** The transformed model's conv layers, with their specs and input shapes (for the sandbox run). */
  layers: WireModelLayer[];
  changes: WireLayerChange[];
  /** PyTorch's errors for the transformed model, e.g. "line 23: in_channels must be divisible by groups". */
  errors: string[];
  /** Other modules the edits change to keep the model consistent, e.g. 'bn1: BatchNorm2d 64 → 48'. */
  notes: string[];
  /** How many text edits Apply would make. */
  edits: number;
  /**
   * What Apply promises: the totals of the model with only the changes it writes (the layers
   * marked `blocked` are what-if only), which a re-analysis after applying gives exactly.
   */
  applyTotals: WireApplyTotals;
}

export interface WireApplyTotals {
  convLayers: number | null;
  convParams: WireInt | null;
  macs: WireInt | null;
  params: WireInt | null;
}

export type ModelHostMessage =
  | { type: 'showModel'; model: WireModel }
  | { type: 'noModel'; reason: string }
  | { type: 'whatIfResult'; seq: number; result: WireWhatIf }
  | { type: 'whatIfFailed'; seq: number; message: string }
  | { type: 'applyResult'; ok: boolean; message: string };

export type ModelPageMessage =
  | { type: 'ready' }
  | { type: 'revealLayer'; name: string }
  | { type: 'selectModel'; entry: string }
  | { type: 'whatIf'; seq: number; plan: WirePlan }
  | { type: 'apply'; plan: WirePlan };

// ---------------------------------------------------------------------------------------------
// Validation.

const name = (v: unknown, where: string): string => text(v, where, MAX_NAME);
const nullable = <T>(v: unknown, read: (v: unknown) => T): T | null => (v === null ? null : read(v));
const maybeInt = (v: unknown, where: string): WireInt | null => nullable(v, (x) => wireInt(x, where));

function shape(value: unknown, where: string): WireInt[] | null {
  if (value === null) return null;
  const dims = list(value, where, 8, (v, w) => wireInt(v, w));
  if (dims.some((d) => d.startsWith('-'))) throw new ProtocolError(`${where}: negative dimension`);
  return dims;
}

function figure(value: unknown, where: string): WireFigure {
  const o = object(value, where);
  onlyKeys(o, ['value', 'reason'], where);
  return { value: maybeInt(o.value, `${where}.value`), reason: nullable(o.reason, (v) => text(v, `${where}.reason`, MAX_TEXT)) };
}

function totals(value: unknown, where: string): WireTotals {
  const o = object(value, where);
  onlyKeys(o, [...TOTAL_KEYS, 'convLayers'], where);
  const out = { convLayers: count(o.convLayers, `${where}.convLayers`) } as WireTotals;
  for (const key of TOTAL_KEYS) out[key] = figure(o[key], `${where}.${key}`);
  return out;
}

function layer(value: unknown, where: string): WireModelLayer {
  const o = object(value, where);
  onlyKeys(o, ['name', 'type', 'kind', 'input', 'output', 'params', 'macs', 'flops', 'denseMacs', 'reason', 'line', 'spec'], where);
  return {
    name: name(o.name, `${where}.name`),
    type: name(o.type, `${where}.type`),
    kind: nullable(o.kind, (v) => text(v, `${where}.kind`, 40)),
    input: shape(o.input, `${where}.input`),
    output: shape(o.output, `${where}.output`),
    params: maybeInt(o.params, `${where}.params`),
    macs: maybeInt(o.macs, `${where}.macs`),
    flops: maybeInt(o.flops, `${where}.flops`),
    denseMacs: maybeInt(o.denseMacs, `${where}.denseMacs`),
    reason: nullable(o.reason, (v) => text(v, `${where}.reason`, MAX_TEXT)),
    line: count(o.line, `${where}.line`),
    spec: nullable(o.spec, (v) => wireSpec(v, `${where}.spec`)),
  };
}

function moduleInstance(value: unknown, where: string): WireModule {
  const o = object(value, where);
  onlyKeys(o, ['name', 'type', 'params'], where);
  return { name: name(o.name, `${where}.name`), type: name(o.type, `${where}.type`), params: maybeInt(o.params, `${where}.params`) };
}

function model(value: unknown, where: string): WireModel {
  const o = object(value, where);
  onlyKeys(o, ['uri', 'label', 'entry', 'entries', 'input', 'inputSource', 'totals', 'layers', 'modules', 'notes'], where);
  return {
    uri: text(o.uri, `${where}.uri`, 4096),
    label: name(o.label, `${where}.label`),
    entry: name(o.entry, `${where}.entry`),
    entries: list(o.entries, `${where}.entries`, 1000, name),
    input: shape(o.input, `${where}.input`),
    inputSource: nullable(o.inputSource, (v) => text(v, `${where}.inputSource`, 40)),
    totals: totals(o.totals, `${where}.totals`),
    layers: list(o.layers, `${where}.layers`, MAX_LAYERS, layer),
    modules: list(o.modules, `${where}.modules`, MAX_LAYERS * 4, moduleInstance),
    notes: list(o.notes, `${where}.notes`, 200, (v, w) => text(v, w, MAX_TEXT)),
  };
}

function change(value: unknown, where: string): WireLayerChange {
  const o = object(value, where);
  onlyKeys(o, ['name', 'kind', 'status', 'reason', 'blocked', 'replacedBy', 'paramsBefore', 'paramsAfter', 'macsBefore', 'macsAfter'], where);
  return {
    name: name(o.name, `${where}.name`),
    kind: oneOf(o.kind, TRANSFORMATION_KINDS, `${where}.kind`),
    status: oneOf(o.status, ['applied', 'ineligible', 'excluded', 'rejected'] as const, `${where}.status`),
    reason: nullable(o.reason, (v) => text(v, `${where}.reason`, MAX_TEXT)),
    blocked: boolean(o.blocked, `${where}.blocked`),
    replacedBy: list(o.replacedBy, `${where}.replacedBy`, 16, name),
    paramsBefore: maybeInt(o.paramsBefore, `${where}.paramsBefore`),
    paramsAfter: maybeInt(o.paramsAfter, `${where}.paramsAfter`),
    macsBefore: maybeInt(o.macsBefore, `${where}.macsBefore`),
    macsAfter: maybeInt(o.macsAfter, `${where}.macsAfter`),
  };
}

function whatIf(value: unknown, where: string): WireWhatIf {
  const o = object(value, where);
  onlyKeys(o, ['totals', 'layers', 'changes', 'errors', 'notes', 'edits', 'applyTotals'], where);
  return {
    totals: totals(o.totals, `${where}.totals`),
    layers: list(o.layers, `${where}.layers`, MAX_LAYERS, layer),
    changes: list(o.changes, `${where}.changes`, MAX_LAYERS * 4, change),
    errors: list(o.errors, `${where}.errors`, 200, (v, w) => text(v, w, MAX_TEXT)),
    notes: list(o.notes, `${where}.notes`, MAX_LAYERS, (v, w) => text(v, w, MAX_TEXT)),
    edits: count(o.edits, `${where}.edits`),
    applyTotals: applyTotals(o.applyTotals, `${where}.applyTotals`),
  };
}

function applyTotals(value: unknown, where: string): WireApplyTotals {
  const o = object(value, where);
  onlyKeys(o, ['convLayers', 'convParams', 'macs', 'params'], where);
  return {
    convLayers: nullable(o.convLayers, (v) => count(v, `${where}.convLayers`)),
    convParams: maybeInt(o.convParams, `${where}.convParams`),
    macs: maybeInt(o.macs, `${where}.macs`),
    params: maybeInt(o.params, `${where}.params`),
  };
}

function transformation(value: unknown, where: string): WireTransformation {
  const o = object(value, where);
  const kind = oneOf(o.kind, TRANSFORMATION_KINDS, `${where}.kind`);
  switch (kind) {
    case 'groups':
      onlyKeys(o, ['kind', 'groups'], where);
      return { kind, groups: count(o.groups, `${where}.groups`, 1, 1 << 20) };
    case 'width': {
      onlyKeys(o, ['kind', 'multiplier', 'divisor'], where);
      const m = o.multiplier;
      if (typeof m !== 'number' || !Number.isFinite(m) || m <= 0 || m > 16) throw new ProtocolError(`${where}.multiplier: expected a number above 0 and at most 16`);
      return { kind, multiplier: m, divisor: count(o.divisor, `${where}.divisor`, 1, 1024) };
    }
    default:
      onlyKeys(o, ['kind'], where);
      return { kind };
  }
}

/** Validates a what-if plan (the page's, and the one the analysis worker is sent). */
export function readPlan(value: unknown, where: string): WirePlan {
  const o = object(value, where);
  onlyKeys(o, ['transformations', 'excluded'], where);
  const transformations = list(o.transformations, `${where}.transformations`, TRANSFORMATION_KINDS.length, transformation);
  if (new Set(transformations.map((t) => t.kind)).size !== transformations.length) throw new ProtocolError(`${where}.transformations: a kind appears twice`);
  const ex = object(o.excluded, `${where}.excluded`);
  onlyKeys(ex, TRANSFORMATION_KINDS, `${where}.excluded`);
  const excluded: WirePlan['excluded'] = {};
  for (const kind of TRANSFORMATION_KINDS) {
    if (ex[kind] !== undefined) excluded[kind] = list(ex[kind], `${where}.excluded.${kind}`, MAX_LAYERS, name);
  }
  return { transformations, excluded };
}

/** Validates a message the page received from the host. */
export function parseModelHostMessage(data: unknown): Parsed<ModelHostMessage> {
  return guarded(() => {
    const o = object(data, 'message');
    const type = oneOf(o.type, ['showModel', 'noModel', 'whatIfResult', 'whatIfFailed', 'applyResult'] as const, 'message.type');
    switch (type) {
      case 'showModel':
        onlyKeys(o, ['type', 'model'], type);
        return { type, model: model(o.model, 'showModel.model') };
      case 'noModel':
        onlyKeys(o, ['type', 'reason'], type);
        return { type, reason: text(o.reason, 'noModel.reason', MAX_TEXT) };
      case 'whatIfResult':
        onlyKeys(o, ['type', 'seq', 'result'], type);
        return { type, seq: count(o.seq, 'whatIfResult.seq'), result: whatIf(o.result, 'whatIfResult.result') };
      case 'whatIfFailed':
        onlyKeys(o, ['type', 'seq', 'message'], type);
        return { type, seq: count(o.seq, 'whatIfFailed.seq'), message: text(o.message, 'whatIfFailed.message', MAX_TEXT) };
      case 'applyResult':
        onlyKeys(o, ['type', 'ok', 'message'], type);
        return { type, ok: boolean(o.ok, 'applyResult.ok'), message: text(o.message, 'applyResult.message', MAX_TEXT) };
    }
  });
}

/** Validates a message the host received from the page. */
export function parseModelPageMessage(data: unknown): Parsed<ModelPageMessage> {
  return guarded(() => {
    const o = object(data, 'message');
    const type = oneOf(o.type, ['ready', 'revealLayer', 'selectModel', 'whatIf', 'apply'] as const, 'message.type');
    switch (type) {
      case 'ready':
        onlyKeys(o, ['type'], type);
        return { type };
      case 'revealLayer':
        onlyKeys(o, ['type', 'name'], type);
        return { type, name: name(o.name, 'revealLayer.name') };
      case 'selectModel':
        onlyKeys(o, ['type', 'entry'], type);
        return { type, entry: name(o.entry, 'selectModel.entry') };
      case 'whatIf':
        onlyKeys(o, ['type', 'seq', 'plan'], type);
        return { type, seq: count(o.seq, 'whatIf.seq'), plan: readPlan(o.plan, 'whatIf.plan') };
      case 'apply':
        onlyKeys(o, ['type', 'plan'], type);
        return { type, plan: readPlan(o.plan, 'apply.plan') };
    }
  });
}

/**
 * The part of the model view page's saved state the host reads after a window reload: the file
 * and model it showed. The page writes it; the host checks it (src/extension/modelView/restore.ts)
 * before showing anything, since saved state is only as trustworthy as the page that wrote it.
 */
export interface ModelPanelState {
  target: { uri: string; entry: string } | null;
}

export function parseModelPanelState(data: unknown): Parsed<ModelPanelState> {
  return guarded(() => {
    const o = object(data, 'state');
    if (o.target === undefined || o.target === null) return { target: null };
    const t = object(o.target, 'state.target');
    onlyKeys(t, ['uri', 'entry'], 'state.target');
    return { target: { uri: text(t.uri, 'state.target.uri', 4096), entry: name(t.entry, 'state.target.entry') } };
  });
}
