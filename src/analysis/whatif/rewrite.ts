import type { ModelAnalysis } from '../types';
import { followingNorm, LayerPlan, normWidth, widthsOf } from './decide';
import type { WhatIfEdit } from './edits';
import { CallSite, Sources, intLiteral, rangeOf, readSite as readSiteOf } from './sites';

/** The text edits that carry out every applied decision, one call at a time; and notes on the other modules they change. */
export function editsFor(plans: LayerPlan[], model: ModelAnalysis, sources: Sources): { edits: WhatIfEdit[]; notes: string[] } {
  const edits: WhatIfEdit[] = [];
  const notes: string[] = [];
  const done = new Set<string>();
  const { file, text, starts } = sources.main;
  for (const p of plans) {
    if (!p.site || done.has(p.key!)) continue;
    const applied = (k: string): boolean => p.decisions.get(k as never)?.status === 'applied';
    if (!['separable', 'groups', 'width', 'dropBias'].some(applied)) continue;
    done.add(p.key!);
    const at = p.source!;
    const pieces = applied('separable') ? [separable(p, at.text, applied('dropBias'))] : [...argumentEdits(p, applied('dropBias')), ...atSite(p)];
    for (const e of pieces) edits.push({ file: at.file, from: e.from, to: e.to, range: rangeOf(at.starts, e.from, e.to), text: e.text, replaced: at.text.slice(e.from, e.to) });
  }
  // Literals one level up (`DepthwiseSeparable(64, 128)`), once each: several convs may read one.
  const remote = new Map<number, Piece>();
  for (const p of plans) {
    if (!widthsOf(p)) continue;
    for (const t of p.widthTargets) if (!t.atSite) remote.set(t.target.from, { from: t.target.from, to: t.target.to, text: t.target.value.toString() });
  }
  for (const e of remote.values()) edits.push({ file, from: e.from, to: e.to, range: rangeOf(starts, e.from, e.to), text: e.text, replaced: text.slice(e.from, e.to) });
  normEdits(plans, model, file, text, starts, edits, notes);
  return { edits, notes };
}

interface Piece {
  from: number;
  to: number;
  text: string;
}

/** Small edits inside the call: values replaced, keywords appended; the rest of the call keeps its own text. */
function argumentEdits(p: LayerPlan, dropBias: boolean): Piece[] {
  const site = p.site!;
  const values = new Map<string, string>();
  if (p.groups !== null && p.decisions.get('groups')?.status === 'applied') values.set('groups', p.groups.toString());
  if (dropBias) values.set('bias', 'False');
  return setArguments(site, values);
}

/** The width literals written at the conv's own call. */
function atSite(p: LayerPlan): Piece[] {
  if (!widthsOf(p)) return [];
  return p.widthTargets.filter((t) => t.atSite).map((t) => ({ from: t.target.from, to: t.target.to, text: t.target.value.toString() }));
}

/** Replaces the bound arguments' values, appends the missing ones as keywords. */
function setArguments(site: CallSite, values: ReadonlyMap<string, string>): Piece[] {
  const out: Piece[] = [];
  const appended: string[] = [];
  for (const [name, value] of values) {
    const arg = site.bound!.get(name);
    if (!arg) appended.push(`${name}=${value}`);
    else if (arg.value !== value) out.push({ from: site.from + arg.valueStart, to: site.from + arg.valueEnd, text: value });
  }
  if (appended.length > 0) {
    const last = site.call.args[site.call.args.length - 1];
    const at = site.from + (last ? last.valueEnd : site.call.open + 1);
    out.push({ from: at, to: at, text: `${last ? ', ' : ''}${appended.join(', ')}` });
  }
  return out;
}

/**
 * The whole call becomes `nn.Sequential(depthwise k×k, pointwise 1×1)`, over lines: the
 * depthwise conv keeps the spatial arguments and has no bias; the pointwise conv keeps the bias
 * (unless it is dropped). The layer's weights move to `name.0` and `name.1`.
 */
function separable(p: LayerPlan, text: string, dropBias: boolean): Piece {
  const site = p.site!;
  const b = site.bound!;
  // A width written at this call is written into both convs; one written further up reaches them through its name.
  const scaled = new Map((widthsOf(p) ? p.widthTargets : []).filter((t) => t.atSite).map((t) => [t.argument, t.target.value.toString()]));
  const arg = (name: string): string | undefined => scaled.get(name) ?? b.get(name)?.value;
  const cin = arg('in_channels')!;
  const cout = arg('out_channels')!;
  const keep = (names: string[]): string[] => names.filter((n) => b.has(n)).map((n) => `${n}=${arg(n)}`);
  const callee = site.call.callee;
  const depthwise = `${callee}(${[cin, cin, arg('kernel_size')!, ...keep(['stride', 'padding', 'dilation']), `groups=${cin}`, 'bias=False', ...keep(['padding_mode', 'device', 'dtype'])].join(', ')})`;
  const bias = dropBias ? ['bias=False'] : keep(['bias']);
  const pointwise = `${callee}(${[cin, cout, '1', ...bias, ...keep(['device', 'dtype'])].join(', ')})`;
  const inner = `${site.indent}    `;
  return { from: site.from, to: site.to, text: `${sequentialCallee(callee, text)}(\n${inner}${depthwise},\n${inner}${pointwise},\n${site.indent})` };
}

/** Sequential spelled as the conv is: `nn.Conv2d` gives `nn.Sequential`; a bare `Conv2d` the spelling the file imports. */
function sequentialCallee(callee: string, text: string): string {
  const dot = callee.lastIndexOf('.');
  if (dot > 0) return `${callee.slice(0, dot)}.Sequential`;
  if (/^\s*from\s+torch\.nn\s+import\s+[^\n]*\bSequential\b/m.test(text) || /^\s*from\s+torch\.nn\s+import\s+\*/m.test(text)) return 'Sequential';
  if (/^\s*(import\s+torch\.nn\s+as\s+nn|from\s+torch\s+import\s+[^\n]*\bnn\b)/m.test(text)) return 'nn.Sequential';
  return 'torch.nn.Sequential';
}

/**
 * A width multiplier changes the BatchNorm right after a conv with it, and the classifier's
 * Linear after the last conv, when their widths are literals; anything else that no longer
 * matches is left to the re-analysis, which raises PyTorch's error.
 */
function normEdits(plans: LayerPlan[], model: ModelAnalysis, file: string, text: string, starts: readonly number[], edits: WhatIfEdit[], notes: string[]): void {
  const values = new Map<number, { site: CallSite; value: bigint; old: bigint; names: string[]; conflict: boolean }>();
  const add = (site: CallSite, argName: string, value: bigint, name: string): void => {
    const old = intLiteral(site.bound!.get(argName)!.value)!;
    const seen = values.get(site.from);
    if (seen) {
      seen.names.push(name);
      if (seen.value !== value) seen.conflict = true;
    } else values.set(site.from, { site, value, old, names: [name], conflict: false });
  };
  for (const p of plans) {
    const widths = widthsOf(p);
    if (!widths) continue;
    const norm = followingNorm(p.layer.name, model);
    const found = norm && normWidth(norm, text, starts, widths);
    if (found) add(found.site, 'num_features', found.value, `${norm!.name} (${norm!.type})`);
  }
  const last = plans[plans.length - 1];
  const lastWidths = last && widthsOf(last);
  if (lastWidths) {
    const old = last.layer.record!.spec.out_channels;
    for (const m of model.modules.filter((x) => x.type === 'Linear' && x.range)) {
      const site = readLinear(m.range!, text, starts);
      if (site && intLiteral(site.bound!.get('in_features')!.value) === old) add(site, 'in_features', lastWidths.outChannels, `${m.name} (Linear)`);
    }
  }
  for (const v of values.values()) {
    if (v.conflict || v.value === v.old) continue;
    const argName = v.site.type === 'Linear' ? 'in_features' : 'num_features';
    const arg = v.site.bound!.get(argName)!;
    const from = v.site.from + arg.valueStart;
    const to = v.site.from + arg.valueEnd;
    edits.push({ file, from, to, range: rangeOf(starts, from, to), text: v.value.toString(), replaced: text.slice(from, to) });
    notes.push(`${v.names.join(', ')}: ${argName} ${v.old} → ${v.value}`);
  }
}

function readLinear(range: NonNullable<ModelAnalysis['modules'][number]['range']>, text: string, starts: readonly number[]): CallSite | null {
  const site = readSiteOf(text, starts, range);
  const arg = site?.bound?.get('in_features');
  return site && arg && intLiteral(arg.value) !== null ? site : null;
}
