import { ConvSpec } from '../../core';
import { ApplyRequest, ArgumentChanges, encodeInt } from '../../protocol/compare';
import { ControlName, WhatIf } from './whatIf';
import { Variant } from './variants';

/** What an "Apply to code" button does, or why it cannot. */
export type ApplyAction = { ok: true; request: ApplyRequest; summary: string } | { ok: false; reason: string };

/**
 * The request that writes a variant into the source: the what-if controls that differ from the
 * source, plus the variant's groups value; or the depthwise-separable rewrite. The input size
 * is not a constructor argument, so changing it alone leaves nothing to apply.
 */
export function applyAction(variant: Variant, whatIf: WhatIf, written: ConvSpec | null): ApplyAction {
  if (!written) return { ok: false, reason: 'This layer has no source location to write to.' };
  if (!whatIf.ok) return { ok: false, reason: `Cannot apply: ${whatIf.message}` };
  const changed = whatIf.changed.filter((c) => c !== 'input' && c !== 'groups');
  if (variant.groups === null) {
    if (changed.length > 0) return { ok: false, reason: `Apply or reset the changed ${changed.map(argumentLabel).join(', ')} first: the rewrite is made from the code as written.` };
    if (written.groups !== 1n) return { ok: false, reason: 'The rewrite replaces a dense layer; this one already has groups.' };
    return { ok: true, request: { kind: 'separable' }, summary: 'Rewrite as a depthwise conv followed by a pointwise (1x1) conv' };
  }
  const args = argumentChanges(whatIf.spec, changed);
  if (variant.groups !== written.groups) args.groups = encodeInt(variant.groups);
  if (Object.keys(args).length === 0) return { ok: false, reason: 'The code already says this.' };
  // Channel counts are the one change that reaches beyond this call: neighbours must agree.
  const channels = args.in_channels !== undefined || args.out_channels !== undefined;
  const summary = `Set ${describe(args)}${channels ? ' (the layers before and after must match the new channel counts)' : ''}`;
  return { ok: true, request: { kind: 'arguments', args }, summary };
}

function argumentChanges(spec: ConvSpec, changed: ControlName[]): ArgumentChanges {
  const args: ArgumentChanges = {};
  if (changed.includes('in_channels')) args.in_channels = encodeInt(spec.in_channels);
  if (changed.includes('out_channels')) args.out_channels = encodeInt(spec.out_channels);
  if (changed.includes('kernel_size')) args.kernel_size = spec.kernel_size.map(encodeInt);
  if (changed.includes('stride')) args.stride = spec.stride.map(encodeInt);
  if (changed.includes('dilation')) args.dilation = spec.dilation.map(encodeInt);
  return args;
}

function describe(args: ArgumentChanges): string {
  return Object.entries(args).map(([name, value]) => `${name}=${Array.isArray(value) ? (value.every((v) => v === value[0]) ? value[0] : `(${value.join(', ')})`) : value}`).join(', ');
}

function argumentLabel(name: ControlName): string {
  return name.replace('_', ' ');
}
