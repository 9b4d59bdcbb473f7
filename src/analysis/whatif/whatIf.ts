import { analyzeFile } from '../index';
import type { AnalysisDiagnostic, AnalysisOptions, FileAnalysis, LayerInstance, ModelAnalysis, SourceHost } from '../types';
import { decideAll, LayerPlan, siteKey } from './decide';
import type { WhatIfEdit } from './edits';
import { applyEdits } from './edits';
import { editsFor } from './rewrite';
import { Sources, lineStarts, offsetOf } from './sites';
import type { LayerChange, WhatIfPlan, WhatIfResult } from './types';

export { applyEdits } from './edits';

/**
 * The model-wide what-if: the plan's transformations written into the source text (the conv
 * calls' arguments), and the rewritten text analysed again, so every shape is recomputed through
 * forward exactly as for code the user wrote. `entry` is the model's name as the analysis reports
 * it. Never throws: a model that is not found gives a result whose errors say so.
 */
export function whatIfModel(options: AnalysisOptions, source: string, entry: string, plan: WhatIfPlan): WhatIfResult {
  try {
    return whatIf(options, source, entry, plan);
  } catch (e) {
    // A bug of ours met by an input no test foresaw costs the what-if, never the caller's stack.
    const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return notFound(plan, entry, { file: options.file, models: [], declarations: [], diagnostics: [], unresolved: [] }, `the what-if failed (internal error: ${why})`);
  }
}

function whatIf(options: AnalysisOptions, source: string, entry: string, plan: WhatIfPlan): WhatIfResult {
  const { analysed, before } = analyseBefore(options, source, entry);
  if (!before) return notFound(plan, entry, analysed);
  const sources = new Sources({ file: options.file, text: source, starts: lineStarts(source) }, options.host);
  const plans = decideAll(before, plan, sources, otherModelsSites(analysed, before, sources));
  const { edits, notes } = editsFor(plans, before, sources);
  const rewritten = edits.length > 0 ? reanalyse(options, source, entry, edits) : analysed;
  const after = rewritten.models.find((m) => m.entry === entry) ?? emptyModel(before);
  const errors = pytorchErrors(rewritten);
  return { plan, before, after, changes: changesOf(plans, plan, after), errors, edits, notes };
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

function changesOf(plans: LayerPlan[], plan: WhatIfPlan, after: ModelAnalysis): LayerChange[] {
  const byName = new Map(after.layers.map((l) => [l.name, l]));
  const out: LayerChange[] = [];
  for (const p of plans) {
    const separable = p.decisions.get('separable')?.status === 'applied';
    const names = separable ? [`${p.layer.name}.0`, `${p.layer.name}.1`] : [p.layer.name];
    const replacing = names.map((n) => byName.get(n));
    for (const t of plan.transformations) {
      const d = p.decisions.get(t.kind);
      if (!d) continue;
      const change: LayerChange = {
        name: p.layer.name,
        kind: t.kind,
        status: d.status,
        paramsBefore: p.layer.record?.params ?? null,
        paramsAfter: sum(replacing, (l) => l.record?.params ?? null),
        macsBefore: p.layer.record?.macs ?? null,
        macsAfter: sum(replacing, (l) => l.record?.macs ?? null),
      };
      if (d.reason) change.reason = d.reason;
      if (d.blocked) change.blocked = true;
      if (d.status === 'applied') {
        change.replacedBy = names;
        const failed = replacing.find((l) => !l || l.error);
        if (failed !== undefined) {
          change.status = 'rejected';
          change.reason = failed ? failed.error!.message : `${names.join(', ')} not found in the model analysed again`;
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
  return { plan, before: none, after: none, changes: [], errors: [{ range: none.range, severity: 'error', message, source: 'analysis' }], edits: [], notes: [] };
}

/** The model analysed again lost its entry (the rewritten text no longer defines it): nothing is known of it. */
function emptyModel(before: ModelAnalysis): ModelAnalysis {
  return { ...before, layers: [], modules: [], shapes: [], separablePairs: [], totals: { conv_layers: null, conv_params: null, conv_macs: null, params: null, incomplete: 'the transformed model could not be analysed' } };
}
