import { ConvArgs, ConvSpec, PyValue, buildConv, parseIntegerTuple, spatialDims, tuple } from '../../core';

/**
 * The what-if controls exactly as the user typed them. They stay strings so that half-typed or
 * out-of-range values can be shown, explained and kept, rather than silently corrected.
 */
export interface Controls {
  in_channels: string;
  out_channels: string;
  kernel_size: string;
  stride: string;
  dilation: string;
  groups: string;
  /** Spatial input size: one number for every dimension, or one per dimension ("32, 64"). */
  input: string;
}

export const CONTROL_NAMES = ['in_channels', 'out_channels', 'kernel_size', 'stride', 'dilation', 'groups', 'input'] as const;
export type ControlName = (typeof CONTROL_NAMES)[number];

/** Spatial size assumed when the analysis does not know the layer's input. */
export const ASSUMED_SPATIAL = 56n;

export interface BaseLayer {
  spec: ConvSpec;
  /** The input shape the analysis found, batched or unbatched; null when unknown. */
  input: bigint[] | null;
}

export type WhatIf =
  | { ok: true; spec: ConvSpec; input: bigint[]; inputAssumed: boolean; changed: ControlName[] }
  | { ok: false; field: ControlName | null; message: string };

export function controlsFromLayer(base: BaseLayer): Controls {
  const { spec } = base;
  return {
    in_channels: spec.in_channels.toString(),
    out_channels: spec.out_channels.toString(),
    kernel_size: tupleText(spec.kernel_size),
    stride: tupleText(spec.stride),
    dilation: tupleText(spec.dilation),
    groups: spec.groups.toString(),
    input: tupleText(spatialOf(base)),
  };
}

/** The spatial sizes of the base input, or the assumed ones. */
export function spatialOf(base: BaseLayer): bigint[] {
  const n = spatialDims(base.spec.type);
  return base.input && base.input.length >= n ? base.input.slice(-n) : Array.from({ length: n }, () => ASSUMED_SPATIAL);
}

/** "3" when every entry is equal, "3, 5" otherwise. */
export function tupleText(values: readonly bigint[]): string {
  return values.every((v) => v === values[0]) ? `${values[0]}` : values.join(', ');
}

/**
 * Builds the layer the controls describe through the core's buildConv, so an invalid choice is
 * reported with PyTorch's own message. The input keeps the base's batch size (1 when unknown),
 * takes its channel count from in_channels, and its spatial sizes from the input control.
 */
export function evaluateControls(base: BaseLayer, controls: Controls): WhatIf {
  const n = spatialDims(base.spec.type);
  const parsed: Partial<Record<ControlName, bigint[]>> = {};
  for (const name of CONTROL_NAMES) {
    const values = parseIntegers(controls[name]);
    const scalar = name === 'in_channels' || name === 'out_channels' || name === 'groups';
    if (values === null) return { ok: false, field: name, message: `${label(name)}: enter ${scalar ? 'a whole number' : 'whole numbers separated by commas'}` };
    if (scalar && values.length !== 1) return { ok: false, field: name, message: `${label(name)}: enter one whole number` };
    if (!scalar && values.length !== 1 && values.length !== n) return { ok: false, field: name, message: `${label(name)}: enter 1 or ${n} numbers for a ${n}-d layer` };
    parsed[name] = values;
  }
  const one = (name: ControlName): bigint => parsed[name]![0];
  const many = (name: ControlName): PyValue => (parsed[name]!.length === 1 ? parsed[name]![0] : tuple(parsed[name]!));
  const { spec } = base;
  const args: ConvArgs = {
    type: spec.type,
    in_channels: one('in_channels'),
    out_channels: one('out_channels'),
    kernel_size: many('kernel_size'),
    stride: many('stride'),
    padding: typeof spec.padding === 'string' ? spec.padding : tuple(spec.padding),
    dilation: many('dilation'),
    groups: one('groups'),
    bias: spec.bias,
    padding_mode: spec.padding_mode,
    ...(spec.transposed ? { output_padding: tuple(spec.output_padding) } : {}),
  };
  const built = buildConv(args);
  if (!built.ok) return { ok: false, field: fieldOf(built.error.argument), message: built.error.message };
  const spatial = parsed.input!.length === 1 ? Array.from({ length: n }, () => parsed.input![0]) : parsed.input!;
  if (spatial.some((s) => s <= 0n)) return { ok: false, field: 'input', message: 'Input size: every spatial size must be at least 1' };
  const batched = base.input === null || base.input.length === n + 2;
  const batch = base.input && base.input.length === n + 2 ? base.input[0] : 1n;
  const input = batched ? [batch, built.spec.in_channels, ...spatial] : [built.spec.in_channels, ...spatial];
  return { ok: true, spec: built.spec, input, inputAssumed: base.input === null, changed: changedControls(base, controls) };
}

/** Which controls differ from the layer as written (compared by value, so "3" equals "3, 3"). */
export function changedControls(base: BaseLayer, controls: Controls): ControlName[] {
  const original = controlsFromLayer(base);
  const n = spatialDims(base.spec.type);
  return CONTROL_NAMES.filter((name) => {
    const a = parseIntegers(original[name]);
    const b = parseIntegers(controls[name]);
    if (!a || !b) return true;
    const expand = (v: bigint[]): string => (v.length === 1 && name !== 'in_channels' && name !== 'out_channels' && name !== 'groups' ? Array.from({ length: n }, () => v[0]) : v).join(',');
    return expand(a) !== expand(b);
  });
}

/** "3", "3, 5", "(3, 5)" -> [3n] / [3n, 5n] (read by the core's parseIntegerTuple); null when any part is not a whole number. */
export function parseIntegers(text: string): bigint[] | null {
  if (text.trim().length > 400) return null;
  const parsed = parseIntegerTuple(text);
  return parsed.ok ? parsed.values : null;
}

const LABELS: Record<ControlName, string> = {
  in_channels: 'In channels',
  out_channels: 'Out channels',
  kernel_size: 'Kernel size',
  stride: 'Stride',
  dilation: 'Dilation',
  groups: 'Groups',
  input: 'Input size',
};

export function label(name: ControlName): string {
  return LABELS[name];
}

function fieldOf(argument: string | undefined): ControlName | null {
  return argument && (CONTROL_NAMES as readonly string[]).includes(argument) ? (argument as ControlName) : null;
}
