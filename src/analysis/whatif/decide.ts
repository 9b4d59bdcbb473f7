import { scaledWidth } from '../../core';
import type { LayerInstance, ModelAnalysis, ModuleInstance } from '../types';
import { CallSite, SourceText, Sources, baseName, intLiteral, readSite, repeatable } from './sites';
import { WidthTarget, widthSource } from './widthSources';
import type { ChangeStatus, Transformation, TransformationKind, WhatIfPlan } from './types';

/** What one transformation decides for one conv, before any code is written. */
export interface Decision {
  status: ChangeStatus;
  reason?: string;
  blocked?: boolean;
}

/** The new channel figures a width multiplier gives one conv (only when it applies). */
export interface Widths {
  inChannels: bigint;
  outChannels: bigint;
  /** Set for a depthwise conv, whose groups follow its channels. */
  groups: bigint | null;
}

export interface LayerPlan {
  layer: LayerInstance;
  site: CallSite | null;
  /** The file the call is written in (the analysed one, or the one an imported helper is in). */
  source: SourceText | null;
  /** File and offset of the call: layers sharing a call share a key. */
  key: string | null;
  decisions: Map<TransformationKind, Decision>;
  widths: Widths | null;
  /** The literals a width multiplier rewrites for this conv, with the argument each stands for. */
  widthTargets: Array<{ argument: string; target: WidthTarget; atSite: boolean }>;
  groups: bigint | null;
}

interface Context {
  model: ModelAnalysis;
  sources: Sources;
  /**
   * The what-if is computed by module surgery (whatIf.ts): a change whose code cannot be
   * rewritten still applies in the what-if (Apply leaves it alone), so a conv that becomes
   * separable there is not offered groups.
   */
  surgery: boolean;
}

/** Finds the literal behind each channel figure the width multiplier changes; the reason when one is computed. */
function widthProblem(p: LayerPlan, context: Context): string | null {
  const spec = p.layer.record!.spec;
  const w = p.widths!;
  const wanted: Array<[string, bigint, bigint]> = [['in_channels', w.inChannels, spec.in_channels], ['out_channels', w.outChannels, spec.out_channels]];
  if (w.groups !== null) wanted.push(['groups', w.groups, spec.groups]);
  const found: LayerPlan['widthTargets'] = [];
  for (const [argument, value, old] of wanted) {
    if (value === old) continue;
    const { text, starts } = p.source!;
    const source = widthSource(argument, value, old, p.layer, p.site!, context.model, text, starts, p.source !== context.sources.main);
    if ('reason' in source) return source.reason;
    found.push({ argument, ...source });
  }
  p.widthTargets = found;
  return null;
}

const ORDER: TransformationKind[] = ['width', 'separable', 'groups', 'dropBias'];

/** Decides every transformation of the plan for every conv of the model, site-checked. */
export function decideAll(model: ModelAnalysis, plan: WhatIfPlan, sources: Sources, foreign: ReadonlyMap<string, string>, surgery = false): LayerPlan[] {
  const byKind = new Map(plan.transformations.map((t) => [t.kind, t]));
  const context: Context = { model, sources, surgery };
  const plans = model.layers.map((layer): LayerPlan => {
    const source = layer.origin ? sources.get(layer.origin.file) : sources.main;
    const site = source ? readSite(source.text, source.starts, layer.origin?.range ?? layer.range) : null;
    return { layer, site, source, key: site ? siteKey(source!.file, site.from) : null, decisions: new Map(), widths: null, widthTargets: [], groups: null };
  });
  for (const kind of ORDER) {
    const t = byKind.get(kind);
    if (!t) continue;
    const excluded = new Set(plan.excluded?.[kind] ?? []);
    for (const p of plans) {
      const d = decideOne(t, p, model, excluded.has(p.layer.name), foreign, context);
      p.decisions.set(kind, d);
    }
    coherent(plans, kind);
    if (kind === 'width') {
      conflictingTargets(plans);
      wholeModelWidth(plans);
    }
  }
  return plans;
}

/**
 * A width multiplier changes the channels of convs that feed each other: applied to some and
 * not to the others it only breaks the model. When any conv's widths cannot be rewritten, none
 * is, and each says which one stopped it.
 */
function wholeModelWidth(plans: LayerPlan[]): void {
  const stuck = plans.filter((p) => p.decisions.get('width')?.blocked);
  if (stuck.length === 0) return;
  const first = stuck[0];
  const why = `a width multiplier changes connected convs together, and ${stuck.length} conv${stuck.length === 1 ? '' : 's'} cannot be rewritten (${first.layer.name}: ${first.decisions.get('width')!.reason})`;
  for (const p of plans) {
    if (p.decisions.get('width')?.status !== 'applied') continue;
    p.decisions.set('width', { status: 'ineligible', blocked: true, reason: why });
    p.widths = null;
  }
}

/** Whether the decision changes the layer in the what-if: applied, or (computed by surgery) valid but not rewritable. */
export function appliesInWhatIf(d: Decision | undefined, surgery: boolean): boolean {
  return d !== undefined && (d.status === 'applied' || (surgery && d.blocked === true && d.status === 'ineligible'));
}

export function siteKey(file: string, offset: number): string {
  return `${file}:${offset}`;
}

/** 'line 12', or 'line 12 of blocks.py' for a call in another file. */
function lineOf(p: LayerPlan, offset: number, main: string): string {
  const line = lineAt(p.source!.starts, offset);
  return p.source!.file === main ? `line ${line}` : `line ${line} of ${baseName(p.source!.file)}`;
}

function decideOne(t: Transformation, p: LayerPlan, model: ModelAnalysis, excluded: boolean, foreign: ReadonlyMap<string, string>, context: Context): Decision {
  const r = p.layer.record;
  if (!r) return { status: 'ineligible', reason: `its figures are unknown${p.layer.error ? `: ${p.layer.error.message}` : ''}` };
  const eligible = eligibility(t, p, model, context.surgery);
  if (eligible) return { status: 'ineligible', reason: eligible };
  if (excluded && t.kind === 'width') return widthExcluded(t, p, foreign, context);
  if (excluded) return { status: 'excluded', reason: 'switched off for this layer' };
  const unsafe = siteProblem(t, p, foreign, context);
  if (unsafe) {
    if (t.kind === 'width') p.widths = null;
    return { status: 'ineligible', reason: unsafe, blocked: true };
  }
  if (t.kind === 'groups') p.groups = BigInt(t.groups);
  return { status: 'applied' };
}

/** Why the transformation does not apply to this conv at all, or null. */
function eligibility(t: Transformation, p: LayerPlan, model: ModelAnalysis, surgery: boolean): string | null {
  const r = p.layer.record!;
  const spec = r.spec;
  const separable = appliesInWhatIf(p.decisions.get('separable'), surgery);
  switch (t.kind) {
    case 'separable':
      if (spec.transposed) return 'a transposed conv has no depthwise-separable form here';
      if (spec.groups !== 1n) return `already grouped (groups=${spec.groups})`;
      if (spec.kernel_size.every((k) => k === 1n)) return 'a 1×1 conv is already pointwise';
      if (readsModelInput(p.layer, model) && spec.in_channels <= 4n) return `it reads the model's ${spec.in_channels}-channel input, where a depthwise conv has almost nothing to save (MobileNet keeps its stem dense)`;
      return null;
    case 'groups': {
      if (separable) return 'it becomes depthwise-separable';
      if (spec.groups !== 1n) return `already grouped (groups=${spec.groups})`;
      const g = BigInt(t.groups);
      if (g < 1n) return 'groups must be a positive integer';
      const cin = widthsOf(p)?.inChannels ?? spec.in_channels;
      const cout = widthsOf(p)?.outChannels ?? spec.out_channels;
      if (cin % g !== 0n) return `in_channels must be divisible by groups (in_channels ${cin}, groups ${g})`;
      if (cout % g !== 0n) return `out_channels must be divisible by groups (out_channels ${cout}, groups ${g})`;
      if (g === 1n) return 'groups=1 is the layer as written';
      return null;
    }
    case 'width': {
      if (!(t.multiplier > 0) || !Number.isFinite(t.multiplier)) return 'the width multiplier must be a positive number';
      const keepIn = readsModelInput(p.layer, model);
      const inChannels = keepIn ? spec.in_channels : scaledWidth(spec.in_channels, t.multiplier, t.divisor);
      const outChannels = scaledWidth(spec.out_channels, t.multiplier, t.divisor);
      const depthwise = spec.groups > 1n && spec.groups === spec.in_channels && spec.groups === spec.out_channels;
      p.widths = { inChannels, outChannels, groups: depthwise && !keepIn ? inChannels : null };
      if (inChannels === spec.in_channels && outChannels === spec.out_channels) return 'its widths round to themselves';
      return null;
    }
    case 'dropBias':
      if (!spec.bias) return 'it has no bias';
      return followingNorm(p.layer.name, model) ? null : 'no BatchNorm follows it';
  }
}

/**
 * The conv that reads the model's input: the first (in named_modules() order) fed exactly the
 * model's input shape, else the first conv. Its input channels are the data's (3 for RGB), not
 * the model's to change.
 */
function readsModelInput(layer: LayerInstance, model: ModelAnalysis): boolean {
  let first = stems.get(model);
  if (!first) {
    const input = model.input;
    const fed = input ? model.layers.find((l) => sameShape(l.record?.input_shape ?? null, input)) : undefined;
    stems.set(model, (first = fed ?? model.layers[0]));
  }
  return first === layer;
}

const stems = new WeakMap<ModelAnalysis, LayerInstance | undefined>();

function sameShape(a: readonly bigint[] | null, b: readonly bigint[]): boolean {
  return a !== null && a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The BatchNorm registered right after the conv under the same parent (conv1 then bn1, or features.0 then features.1). */
export function followingNorm(name: string, model: ModelAnalysis): ModuleInstance | null {
  const i = moduleIndex(model).get(name);
  const next = i === undefined ? undefined : model.modules[i + 1];
  if (!next || !/^(Sync)?BatchNorm/.test(next.type)) return null;
  return parentOf(next.name) === parentOf(name) ? next : null;
}

const indexes = new WeakMap<ModelAnalysis, Map<string, number>>();

function moduleIndex(model: ModelAnalysis): Map<string, number> {
  let index = indexes.get(model);
  if (!index) indexes.set(model, (index = new Map(model.modules.map((m, i) => [m.name, i]))));
  return index;
}

function parentOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(0, dot);
}

/** Why the code of this conv cannot be rewritten for the transformation, or null. */
function siteProblem(t: Transformation, p: LayerPlan, foreign: ReadonlyMap<string, string>, context: Context): string | null {
  const site = p.site;
  if (p.layer.origin && !p.source) return `it is built in ${p.layer.origin.file}, which cannot be read`;
  if (!site) {
    return p.layer.range.line < 1
      ? 'it is built in another file by code this file calls; change it there'
      : `it is built by the call at line ${p.layer.range.line}, which is not a conv constructor call the what-if can rewrite (a helper, a factory or an alias)`;
  }
  const at = lineOf(p, site.from, context.sources.main.file);
  if (!site.bound) return `its arguments at ${at} are unpacked (*args or **kwargs); their values are not written at the call`;
  const other = foreign.get(p.key!);
  if (other) return `the call at ${at} also builds ${other}, which the what-if leaves as it is`;
  const arg = (name: string): string | undefined => site.bound!.get(name)?.value;
  if (t.kind === 'separable' && !repeatable(arg('in_channels') ?? '')) {
    return `in_channels is computed (\`${arg('in_channels')}\`) and would be evaluated twice; give it a name first`;
  }
  if (t.kind === 'width' && p.widths) return widthProblem(p, context);
  return null;
}

/**
 * A call that builds several layers (a loop, a helper) is one piece of code: it is rewritten
 * only when the transformation applies to every layer it builds, with the same result.
 */
function coherent(plans: LayerPlan[], kind: TransformationKind): void {
  const groups = new Map<string, LayerPlan[]>();
  for (const p of plans) if (p.key !== null) groups.set(p.key, [...(groups.get(p.key) ?? []), p]);
  for (const sharing of groups.values()) {
    if (sharing.length < 2) continue;
    const applied = sharing.filter((p) => p.decisions.get(kind)?.status === 'applied');
    const odd = sharing.find((p) => p.decisions.get(kind)?.status !== 'applied') ?? differentWidths(applied, kind);
    if (applied.length === 0 || !odd) continue;
    const first = sharing[0];
    const line = `${lineAt(first.source!.starts, first.site!.from)}${first.layer.origin ? ` of ${baseName(first.source!.file)}` : ''}`;
    for (const p of applied) {
      if (p === odd) continue;
      const why = odd.decisions.get(kind)?.status === 'applied' ? 'would get other widths' : `is ${odd.decisions.get(kind)?.status}`;
      p.decisions.set(kind, { status: 'ineligible', blocked: true, reason: `the call at line ${line} also builds ${odd.layer.name}, which ${why}; rewriting the call would change both` });
      if (kind === 'width') p.widths = null;
      if (kind === 'groups') p.groups = null;
    }
    if (odd.decisions.get(kind)?.status === 'applied') {
      odd.decisions.set(kind, { status: 'ineligible', blocked: true, reason: `the call at line ${line} builds layers that would get other widths` });
      if (kind === 'width') odd.widths = null;
    }
  }
}

/** For widths, layers sharing a call differ when the literals at that call would get different values. */
function differentWidths(applied: LayerPlan[], kind: TransformationKind): LayerPlan | undefined {
  if (kind !== 'width') return undefined;
  const atSite = (p: LayerPlan): string => p.widthTargets.filter((t) => t.atSite).map((t) => `${t.argument}=${t.target.value}`).join(',');
  const first = applied[0] && atSite(applied[0]);
  return applied.find((p) => atSite(p) !== first);
}

/** One literal that two convs would need at different widths: neither is rewritten. */
function conflictingTargets(plans: LayerPlan[]): void {
  const byOffset = new Map<string, Array<{ p: LayerPlan; value: bigint; offset: number }>>();
  for (const p of plans) {
    if (p.decisions.get('width')?.status !== 'applied') continue;
    for (const t of p.widthTargets) {
      const key = siteKey(p.source!.file, t.target.from);
      byOffset.set(key, [...(byOffset.get(key) ?? []), { p, value: t.target.value, offset: t.target.from }]);
    }
  }
  for (const users of byOffset.values()) {
    const offset = users[0].offset;
    if (users.every((u) => u.value === users[0].value)) continue;
    const names = users.map((u) => u.p.layer.name);
    for (const { p } of users) {
      p.decisions.set('width', { status: 'ineligible', blocked: true, reason: `the literal at line ${lineAt(p.source!.starts, offset)} feeds ${names.join(', ')}, which would need different widths` });
      p.widths = null;
    }
  }
}

function lineAt(starts: readonly number[], offset: number): number {
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
  return line + 1;
}

/** Keeps a layer's width decision from leaving stale widths when another transformation blocked it. */
export function widthsOf(p: LayerPlan): Widths | null {
  const status = p.decisions.get('width')?.status;
  return status === 'applied' || (status === 'excluded' && p.widthTargets.length > 0) ? p.widths : null;
}

/**
 * A conv switched off for a width multiplier keeps its output channels (a head's class count),
 * and its input channels follow the layer before, so the model still fits together.
 */
function widthExcluded(t: Transformation, p: LayerPlan, foreign: ReadonlyMap<string, string>, context: Context): Decision {
  const spec = p.layer.record!.spec;
  const w = p.widths;
  const reason = 'switched off for this layer: its output channels stay as written';
  if (!w || w.inChannels === spec.in_channels) {
    p.widths = null;
    return { status: 'excluded', reason };
  }
  p.widths = { inChannels: w.inChannels, outChannels: spec.out_channels, groups: null };
  const unsafe = siteProblem(t, p, foreign, context);
  if (unsafe) {
    p.widths = null;
    p.widthTargets = [];
    return { status: 'ineligible', reason: `its input channels must follow the layer before, but ${unsafe}`, blocked: true };
  }
  return { status: 'excluded', reason: `${reason}; its input channels follow the layer before (${spec.in_channels} → ${w.inChannels})` };
}

/** A BatchNorm's new width when the conv before it changes width, with its call site. */
export function normWidth(norm: ModuleInstance, text: string, starts: readonly number[], widths: Widths): { site: CallSite; value: bigint } | null {
  if (!norm.range) return null;
  const site = readSite(text, starts, norm.range);
  const arg = site?.bound?.get('num_features');
  if (!site || !arg || intLiteral(arg.value) === null) return null;
  return { site, value: widths.outChannels };
}
