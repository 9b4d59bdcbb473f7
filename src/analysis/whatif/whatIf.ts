import { analyzeFile } from '../index';
import type { AnalysisDiagnostic, AnalysisOptions, FileAnalysis, LayerInstance, LayerSurgery, ModelAnalysis, ModuleSurgery, SourceHost } from '../types';
import { appliesInWhatIf, decideAll, LayerPlan, siteKey } from './decide';
import type { WhatIfEdit } from './edits';
import { applyEdits } from './edits';
import { editsFor } from './rewrite';
import { Sources, lineStarts, offsetOf } from './sites';
import type { LayerChange, TransformationKind, WhatIfPlan, WhatIfResult } from './types';

export { applyEdits } from './edits';

/** How the what-if may be worked out (the worker passes what it already holds). */
export interface WhatIfExtras {
  /**
   * The analysis of `source` with the same options the caller already has (the worker's last
   * result for the document): the model as written is read from it instead of analysing again.
   */
  held?: FileAnalysis | null;
  /** 'rewrite' forces the older way (the rewritten text analysed again), for the benchmark. */
  method?: 'auto' | 'rewrite';
}

/**
 * The model-wide what-if. The channel-preserving transformations (separable, groups, bias) are
 * computed by the evaluator itself: the model is built as written, the chosen convs are replaced
 * by module surgery, and forward runs, so every shape is recomputed as PyTorch would after that
 * surgery, whatever the conv's arguments are written as. A width multiplier changes channels that
 * flow into other layers (BatchNorms, Linears, code that reads a width): it stays a rewrite of
 * the source text, analysed again. Apply is always a source rewrite; the changes it cannot write
 * are marked `blocked` and left out of `applyTotals`. `entry` is the model's name as the analysis
 * reports it. Never throws: a model that is not found gives a result whose errors say so.
 */
export function whatIfModel(options: AnalysisOptions, source: string, entry: string, plan: WhatIfPlan, extras: WhatIfExtras = {}): WhatIfResult {
  try {
    return whatIf(options, source, entry, plan, extras);
  } catch (e) {
    // A bug of ours met by an input no test foresaw costs the what-if, never the caller's stack.
    const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return notFound(plan, entry, { file: options.file, models: [], declarations: [], diagnostics: [], unresolved: [] }, `the what-if failed (internal error: ${why})`);
  }
}

function whatIf(options: AnalysisOptions, source: string, entry: string, plan: WhatIfPlan, extras: WhatIfExtras): WhatIfResult {
  const { analysed, before } = heldBefore(options, extras.held, entry) ?? analyseBefore(options, source, entry);
  if (!before) return notFound(plan, entry, analysed);
  const sources = new Sources({ file: options.file, text: source, starts: lineStarts(source) }, options.host);
  const bySurgery = extras.method !== 'rewrite' && !plan.transformations.some((t) => t.kind === 'width');
  const plans = decideAll(before, plan, sources, otherModelsSites(analysed, before, sources), bySurgery);
  const { edits, notes } = editsFor(plans, before, sources);
  if (bySurgery) return withSurgery(options, source, entry, plan, before, plans, edits, notes);
  const rewritten = edits.length > 0 ? reanalyse(options, source, entry, edits) : analysed;
  const after = rewritten.models.find((m) => m.entry === entry) ?? emptyModel(before);
  const errors = pytorchErrors(rewritten);
  return { plan, before, after, applyTotals: after.totals, changes: changesOf(plans, plan, after, null), errors, edits, notes };
}

/** The what-if by module surgery: one analysis of the entry, a second only when Apply would write less than the what-if shows. */
function withSurgery(options: AnalysisOptions, source: string, entry: string, plan: WhatIfPlan, before: ModelAnalysis, plans: LayerPlan[], edits: WhatIfEdit[], notes: string[]): WhatIfResult {
  const groups = plan.transformations.find((t) => t.kind === 'groups');
  const g = groups?.kind === 'groups' ? BigInt(groups.groups) : null;
  const shown = surgeryOf(plans, g, true);
  const written = surgeryOf(plans, g, false);
  const analyse = (layers: Map<string, LayerSurgery>): { file: FileAnalysis; model: ModelAnalysis; failed: Map<string, string> } => {
    const surgery: ModuleSurgery = { layers, failed: new Map() };
    const file = analyzeFile(source, { ...options, entry, surgery });
    return { file, model: file.models.find((m) => m.entry === entry) ?? emptyModel(before), failed: surgery.failed };
  };
  const result = shown.size > 0 ? analyse(shown) : null;
  const after = result?.model ?? before;
  const applyTotals = written.size === 0 ? before.totals : written.size === shown.size ? after.totals : analyse(written).model.totals;
  const errors = result ? pytorchErrors(result.file) : [];
  return { plan, before, after, applyTotals, changes: changesOf(plans, plan, after, result?.failed ?? new Map()), errors, edits, notes };
}

/** Each conv's surgery: what the what-if shows (`shown`), or only what Apply writes. */
function surgeryOf(plans: LayerPlan[], groups: bigint | null, shown: boolean): Map<string, LayerSurgery> {
  const out = new Map<string, LayerSurgery>();
  for (const p of plans) {
    const on = (kind: TransformationKind): boolean => appliesInWhatIf(p.decisions.get(kind), shown);
    const change: LayerSurgery = {};
    if (on('separable')) change.separable = true;
    if (on('groups') && groups !== null) change.groups = groups;
    if (on('dropBias')) change.dropBias = true;
    if (change.separable || change.groups !== undefined || change.dropBias) out.set(p.layer.name, change);
  }
  return out;
}

/** The model as written, from the caller's analysis of the same text and options, when it has the model. */
function heldBefore(options: AnalysisOptions, held: FileAnalysis | null | undefined, entry: string): { analysed: FileAnalysis; before: ModelAnalysis } | null {
  if (!held || options.args !== undefined || held.file !== options.file) return null;
  const before = held.models.find((m) => m.entry === entry);
  return before ? { analysed: held, before } : null;
}

/** The model analysed again with the edits applied: the analysed file's text, and the other files' through the host. */
function reanalyse(options: AnalysisOptions, source: string, entry: string, edits: WhatIfEdit[]): FileAnalysis {
  const texts = new Map<string, string>();
  for (const file of new Set(edits.map((e) => e.file))) {
    const original = file === options.file ? source : options.host.readFile(file);
    if (typeof original === 'string') texts.set(file, applyEdits(original, edits.filter((e) => e.file === file)));
  }
  const host: SourceHost = { readFile: (path) => texts.get(path) ?? options.host.readFile(path) };
  return analyzeFile(texts.get(options.file) ?? source, { ...options, host, entry });
}

/**
 * The model as written, from an analysis of the whole file when the model is one the file's
 * own analysis finds (so the calls other models share are known), else of the entry alone.
 */
function analyseBefore(options: AnalysisOptions, source: string, entry: string): { analysed: FileAnalysis; before: ModelAnalysis | null } {
  if (options.args === undefined) {
    const whole: AnalysisOptions = { ...options };
    delete whole.entry;
    const analysed = analyzeFile(source, whole);
    const before = analysed.models.find((m) => m.entry === entry);
    if (before) return { analysed, before };
  }
  const analysed = analyzeFile(source, { ...options, entry });
  return { analysed, before: analysed.models.find((m) => m.entry === entry) ?? null };
}

/** The calls (by offset) that build layers of the file's other models: rewriting them would change those models too. */
function otherModelsSites(analysed: FileAnalysis, model: ModelAnalysis, sources: Sources): Map<string, string> {
  const out = new Map<string, string>();
  for (const other of analysed.models) {
    if (other === model) continue;
    for (const layer of other.layers) {
      const source = layer.origin ? sources.get(layer.origin.file) : sources.main;
      const range = layer.origin?.range ?? layer.range;
      const at = source ? offsetOf(source.starts, range.line, range.column) : null;
      const key = at === null ? null : siteKey(source!.file, at);
      if (key && !out.has(key)) out.set(key, `${other.entry}'s ${layer.name}`);
    }
  }
  return out;
}

/** `failed` is null for the rewrite, else the layers the surgery could not replace. */
function changesOf(plans: LayerPlan[], plan: WhatIfPlan, after: ModelAnalysis, failed: ReadonlyMap<string, string> | null): LayerChange[] {
  const byName = new Map(after.layers.map((l) => [l.name, l]));
  const out: LayerChange[] = [];
  const surgery = failed !== null;
  for (const p of plans) {
    const separable = appliesInWhatIf(p.decisions.get('separable'), surgery);
    const names = separable ? [`${p.layer.name}.0`, `${p.layer.name}.1`] : [p.layer.name];
    const replacing = names.map((n) => byName.get(n));
    for (const t of plan.transformations) {
      const d = p.decisions.get(t.kind);
      if (!d) continue;
      const change: LayerChange = {
        name: p.layer.name,
        kind: t.kind,
        status: appliesInWhatIf(d, surgery) ? 'applied' : d.status,
        paramsBefore: p.layer.record?.params ?? null,
        paramsAfter: sum(replacing, (l) => l.record?.params ?? null),
        macsBefore: p.layer.record?.macs ?? null,
        macsAfter: sum(replacing, (l) => l.record?.macs ?? null),
      };
      if (d.reason) change.reason = d.reason;
      if (d.blocked) change.blocked = true;
      if (change.status === 'applied') {
        change.replacedBy = names;
        const refused = failed?.get(p.layer.name);
        const broken = replacing.find((l) => !l || l.error);
        if (refused !== undefined || broken !== undefined) {
          change.status = 'rejected';
          change.reason = refused ?? (broken ? broken.error!.message : `${names.join(', ')} not found in the model analysed again`);
        }
      }
      out.push(change);
    }
  }
  return out;
}

function sum(layers: Array<LayerInstance | undefined>, figure: (l: LayerInstance) => bigint | null): bigint | null {
  let total = 0n;
  for (const l of layers) {
    const v = l ? figure(l) : null;
    if (v === null) return null;
    total += v;
  }
  return total;
}

const PYTHON_ERROR = /\b([A-Z]\w*(Error|Exception)): (.*)$/;

/** PyTorch's errors for the model: construction and forward diagnostics, and errors raised by layers other than convs. */
function pytorchErrors(file: FileAnalysis): AnalysisDiagnostic[] {
  const out = file.diagnostics.filter((d) => d.source === 'construct' || d.source === 'forward');
  for (const u of file.unresolved) {
    const m = PYTHON_ERROR.exec(u.why);
    if (!m) continue;
    out.push({ range: { line: u.line, column: u.column, endLine: u.line, endColumn: u.column }, severity: 'error', message: `${m[1]}: ${m[3]}`, source: 'forward' });
  }
  return out;
}

function notFound(plan: WhatIfPlan, entry: string, file: FileAnalysis, failure?: string): WhatIfResult {
  const none: ModelAnalysis = {
    entry,
    range: { line: 1, column: 0, endLine: 1, endColumn: 0 },
    input: null,
    inputSource: null,
    layers: [],
    modules: [],
    calls: [],
    totals: { conv_layers: null, conv_params: null, conv_macs: null, params: null, incomplete: `no model named ${entry} in the file` },
    shapes: [],
    separablePairs: [],
  };
  const why = file.unresolved[0]?.why;
  const message = failure ?? `no model named ${entry} was found in ${file.file}${why ? ` (${why})` : ''}`;
  return { plan, before: none, after: none, applyTotals: none.totals, changes: [], errors: [{ range: none.range, severity: 'error', message, source: 'analysis' }], edits: [], notes: [] };
}

/** The model analysed again lost its entry (the rewritten text no longer defines it): nothing is known of it. */
function emptyModel(before: ModelAnalysis): ModelAnalysis {
  return { ...before, layers: [], modules: [], shapes: [], separablePairs: [], totals: { conv_layers: null, conv_params: null, conv_macs: null, params: null, incomplete: 'the transformed model could not be analysed' } };
}
