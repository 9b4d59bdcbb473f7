import { SyntaxNode } from '@lezer/common';
import { ConvRecord, SeparableComparison, isSeparablePair, separablePair, tensorSizeProblem } from '../../core';
import { Budget, BudgetExceeded, Deadline } from '../evaluate/budget';
import { Candidate } from './entries';
import { CannotEvaluate, PyError } from '../values/errors';
import { Interpreter, ModuleCall } from '../evaluate/interpreter';
import { Poly } from '../values/symbolic';
import { eachModule, namedModules, subModules } from '../torch/containers';
import { recordOf } from '../torch/conv';
import type { AnalysisOptions, ForwardCall, FunctionalConvs, InputSource, LayerInstance, ModelAnalysis, ModuleInstance, ModelTotals, ShapeNote } from '../types';
import { evalArgsText, evalSnippet } from '../evaluate/snippet';
import { readParams } from '../parse/params';
import { Args, ClassValue, FunctionValue, ModuleObject, PyDict, Tensor, Unknown, Value, typeName } from '../values/values';
import { Scope } from '../values/scope';
import { skippedWithin } from './skippedBuilds';
import { applySurgery } from './surgery';

/** What the file's own code showed about a model: the instance a call built and the input it was fed. */
export interface Capture {
  instance: ModuleObject;
  input: bigint[] | null;
}

/** Thrown when a captured model is first called, so its forward runs later under our recording. */
export class StopCapture {}

/** The first budget of an analysis; its deadline, if any, starts now and holds for every later phase. */
export function newBudget(options: AnalysisOptions): Budget {
  const deadline = options.deadlineMs !== undefined ? new Deadline(options.deadlineMs, options.clock ?? Date.now) : null;
  return new Budget(options.budget?.steps, options.budget?.depth, deadline);
}

/** The budget for the next phase of the same analysis (its deadline carries over). */
function phaseBudget(ip: Interpreter, options: AnalysisOptions): Budget {
  return ip.budget.renewed(options.budget?.steps, options.budget?.depth);
}

/** Builds one model: from options.args, a call site in the file, or its defaults (unknowns symbolic). */
export function analyzeModel(ip: Interpreter, candidate: Candidate, scope: Scope, capture: Capture | undefined, options: AnalysisOptions): { analysis: ModelAnalysis; names: Map<ModuleObject, string> } {
  ip.budget = phaseBudget(ip, options);
  const unit = ip.main;
  let instance: ModuleObject | null = null;
  let captured: bigint[] | null = null;
  let notBuilt: string | null = null;
  const skippedBefore = ip.skippedBuilders;
  let stopped: string | null = null;
  ip.firstSkippedBuilder = null;
  try {
    let built: Value = null;
    if (options.args !== undefined && options.entry === candidate.name) {
      built = ip.call(candidate.callee ?? candidate.value, evalArgsText(ip, options.args, scope), null);
      captured = capture?.input ?? null;
    } else if (capture) {
      built = capture.instance;
      captured = capture.input;
    } else {
      built = ip.call(candidate.callee ?? candidate.value, defaultArgs(ip, candidate), null);
    }
    if (built instanceof ModuleObject) instance = built;
    else notBuilt = built instanceof Unknown ? built.reason : `${candidate.name} gave ${typeName(built)}, not a module`;
  } catch (e) {
    notBuilt = failed(ip, candidate, e);
    if (e instanceof BudgetExceeded) stopped = e.reason;
  }
  // Statements skipped while building (counted here), and modules that unreadable code may have
  // changed (marked on the modules, which also covers a model the file's own code built before
  // this analysis began).
  const skipped = ip.skippedBuilders > skippedBefore ? ip.firstSkippedBuilder ?? 'a statement was skipped' : null;
  const incomplete = stopped ?? notBuilt ?? skippedWithin(instance) ?? skipped;
  if (incomplete !== null) ip.unresolvedAt(unit, candidate.anchor, `totals unknown: ${incomplete}`, candidate.name);
  const fromComment = commentInput(ip, candidate.top.node, scope) ?? (instance ? classComment(ip, instance, scope) : null);
  const [input, inputSource]: [bigint[] | null, InputSource | null] = options.input
    ? [options.input, 'option']
    : fromComment
      ? [fromComment, 'comment']
      : captured
        ? [captured, 'code']
        : pretrainedInput(instance);
  const notes = new Map<number, ShapeNote>();
  const calls = new Map<number, ModuleCall>();
  // An input PyTorch could not even create (a negative size) is reported and not run.
  const inputProblem = input ? tensorSizeProblem(input) : null;
  if (inputProblem) ip.diagnose({ range: unit.range(candidate.anchor), severity: 'error', message: inputProblem, source: 'forward' });
  let forwardCertain = false;
  let functionalStart: { recorded: number; unrecorded: number } | null = null;
  // A forward the model ran while it was built (timm's HybridEmbed feeds its backbone zeros to
  // learn its feature size) is not the forward measured: PyTorch's counts start here.
  if (instance && options.surgery && options.entry === candidate.name) applySurgery(ip, instance, options.surgery);
  if (instance) forgetEarlierForwards(instance);
  if (instance && input && !inputProblem) {
    ip.budget = phaseBudget(ip, options);
    ip.notes = notes;
    ip.calls = calls;
    const doubts = ip.doubts;
    functionalStart = { recorded: ip.functionalConvs.length, unrecorded: ip.unrecordedFunctionalConvs };
    try {
      const output = ip.callModule(instance, { positional: [new Tensor(input)], keywords: new Map() }, null);
      forwardCertain = incomplete === null && ip.doubts === doubts && !(output instanceof Unknown);
    } catch (e) {
      failed(ip, candidate, e);
    } finally {
      ip.notes = null;
      ip.calls = null;
    }
  }
  const nameNode = candidate.anchor;
  ip.reportLimits(unit, nameNode);
  const { modules, tooLarge } = listModules(ip, candidate, instance);
  const names = new Map<ModuleObject, string>();
  for (const [n, m] of modules) names.set(m, n);
  const params = instance ? subtreeParams(instance, modules) : new Map<ModuleObject, bigint | null>();
  const layers = modules.filter(([, m]) => m.conv).map(([name, m]) => layerOf(ip, name, m, forwardCertain));
  return {
    names,
    analysis: {
      entry: candidate.name,
      range: unit.range(nameNode),
      input,
      inputSource,
      layers,
      modules: modules.map(([name, m]) => moduleOf(ip, name, m, params)),
      totals: totalsOf(instance, layers, modules, modules.filter(([, m]) => m.conv).map(([, m]) => callMacsOf(m, forwardCertain)), tooLarge ?? incomplete, input !== null),
      shapes: [...notes.values()],
      calls: forwardCalls(ip, calls, names),
      separablePairs: separablePairs(layers),
      ...functionalPart(ip, functionalStart, forwardCertain),
    },
  };
}

/** The calls recorded in forward, for the modules of the tree (a module outside it has no name to show). */
function forwardCalls(ip: Interpreter, calls: Map<number, ModuleCall>, names: Map<ModuleObject, string>): ForwardCall[] {
  const out: ForwardCall[] = [];
  for (const call of calls.values()) {
    const module = names.get(call.module);
    if (module === undefined) continue;
    const entry: ForwardCall = { range: ip.main.range(call.node), module, type: call.module.typeName, input: call.input };
    if (call.output !== undefined) entry.output = call.output;
    out.push(entry);
  }
  return out;
}

/** Clears what forward calls made before the measured one left on the model's conv layers. */
function forgetEarlierForwards(instance: ModuleObject): void {
  let modules: ModuleObject[];
  try {
    modules = subModules(instance);
  } catch (e) {
    if (e instanceof CannotEvaluate) return;
    throw e;
  }
  for (const m of modules) {
    const state = m.conv;
    if (!state || (!state.forwardDone && !state.moduleCalled) || state.error?.phase === 'forward') continue;
    state.forwardDone = false;
    state.moduleCalled = false;
    state.callMacs = undefined;
    state.input = null;
    state.moduleInput = undefined;
    state.record = null;
  }
}

/** The model's modules in named_modules() order; none, with the reason, when the tree is too large to list. */
function listModules(ip: Interpreter, candidate: Candidate, instance: ModuleObject | null): { modules: Array<[string, ModuleObject]>; tooLarge: string | null } {
  try {
    return { modules: instance ? namedModules(instance) : [], tooLarge: null };
  } catch (e) {
    if (!(e instanceof CannotEvaluate)) throw e;
    ip.unresolvedAt(ip.main, candidate.anchor, e.message);
    return { modules: [], tooLarge: e.message };
  }
}

/** Required parameters without a call site become named unknowns, so figures stay formulas. */
export function defaultArgs(ip: Interpreter, candidate: Candidate | { name: string; value: Value; callee?: Value }): Args {
  const keywords = new Map<string, Value>();
  const fn = candidate.value instanceof ClassValue ? candidate.value.lookup('__init__') : candidate.value;
  if (!(fn instanceof FunctionValue)) return { positional: [], keywords };
  const owner = candidate.value instanceof ClassValue ? `${fn.ownerClass?.name ?? candidate.name}.__init__` : fn.name;
  const params = readParams(fn.node.getChild('ParamList'), (n) => fn.unit.text(n));
  // A class's __init__ and a classmethod take their first argument from the call.
  const isMethod = candidate.value instanceof ClassValue || candidate.callee !== undefined;
  params.forEach((p, i) => {
    if ((isMethod && i === 0) || p.defaultNode || p.kind === 'varargs' || p.kind === 'kwargs') return;
    keywords.set(p.name, new Unknown(`${p.name}: parameter of ${owner}, no call site found`, Poly.variable(p.name)));
  });
  void ip;
  return { positional: [], keywords };
}

/** Reports why building or running a model stopped, and returns that reason (null for a capture's planned stop). */
function failed(ip: Interpreter, candidate: Candidate, e: unknown): string | null {
  const at = candidate.anchor;
  let why: string | null = null;
  if (e instanceof PyError) why = `${e.pyType}: ${e.message}`;
  else if (e instanceof CannotEvaluate || e instanceof BudgetExceeded) why = e.message;
  else if (!(e instanceof StopCapture)) throw e;
  if (why !== null) ip.unresolvedAt(ip.main, at, why);
  ip.budget.depth = 0;
  return why;
}

/** `# conv-lens: input=(1, 3, 224, 224)` in the comment lines right above the class or def. */
function commentInput(ip: Interpreter, node: SyntaxNode, scope: Scope): bigint[] | null {
  const unit = ip.main;
  const line = unit.position(node.from).line;
  for (let l = line - 1; l >= 1; l--) {
    const text = unit.lineText(l).trim();
    if (!text.startsWith('#')) break;
    const at = text.indexOf('conv-lens:');
    if (at < 0) continue;
    const inputAt = text.indexOf('input=', at);
    if (inputAt < 0) continue;
    try {
      const v = evalSnippet(ip, text.slice(inputAt + 'input='.length).trim(), scope);
      if (Array.isArray(v) && v.every((d) => typeof d === 'bigint')) return v as bigint[];
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * A zoo model's own input size when the file gives none: timm keeps it on the model as
 * `pretrained_cfg` (`default_cfg` before 0.6), a dict whose `input_size` is `(C, H, W)`; the
 * batch is 1, as timm's own `resolve_data_config` assumes.
 */
function pretrainedInput(instance: ModuleObject | null): [bigint[] | null, InputSource | null] {
  for (const key of ['pretrained_cfg', 'default_cfg']) {
    const cfg = instance?.attr(key);
    if (!(cfg instanceof PyDict) || cfg.changedBy !== null) continue;
    const size = cfg.get('input_size');
    if (Array.isArray(size) && size.length >= 2 && size.length <= 4 && size.every((d) => typeof d === 'bigint' && d > 0n)) return [[1n, ...(size as bigint[])], 'pretrained_cfg'];
  }
  return [null, null];
}

/** Line 0: the layer was built with no call in this file on the stack (e.g. from options.args, by imported code). */
const NOWHERE = { line: 0, column: 0, endLine: 0, endColumn: 0 };

/** A factory's model takes the input comment of the class it builds. */
function classComment(ip: Interpreter, instance: ModuleObject, scope: Scope): bigint[] | null {
  const node = instance.cls.unit === ip.main ? instance.cls.node : null;
  if (!node) return null;
  const top = node.parent?.name === 'DecoratedStatement' ? node.parent : node;
  return commentInput(ip, top, scope);
}

/**
 * A conv that a forward which met no doubt never called did no work, as PyTorch's hooks see it
 * (EfficientNet's `_expand_conv` when a block does not expand, NASNet's unused paths): 0 MACs.
 */
function neverCalled(m: ModuleObject, forwardCertain: boolean): boolean {
  const state = m.conv!;
  return forwardCertain && state.callMacs === undefined && !state.forwardDone && !state.moduleCalled && state.spec !== null && state.error === null;
}

function callMacsOf(m: ModuleObject, forwardCertain: boolean): bigint | null | undefined {
  return neverCalled(m, forwardCertain) ? 0n : m.conv!.callMacs;
}

export const NEVER_CALLED = 'never called in forward';

/** The convolutions the measured forward pass ran outside conv layers, if it ran any. */
function functionalPart(ip: Interpreter, start: { recorded: number; unrecorded: number } | null, complete: boolean): { functionalConvs?: FunctionalConvs } {
  if (!start) return {};
  const calls = ip.functionalConvs.slice(start.recorded).filter((f) => !f.owned);
  const unrecorded = ip.unrecordedFunctionalConvs - start.unrecorded;
  if (calls.length === 0 && unrecorded === 0) return {};
  let macs: bigint | null = unrecorded > 0 ? null : 0n;
  for (const c of calls) macs = macs === null || c.record.macs === null ? null : macs + c.record.macs;
  const first = calls.find((c) => c.site)?.site ?? null;
  return { functionalConvs: { calls: calls.length + unrecorded, macs, line: first ? ip.main.range(first).line : null, complete } };
}

function layerOf(ip: Interpreter, name: string, m: ModuleObject, forwardCertain: boolean): LayerInstance {
  const state = m.conv!;
  const site = state.site;
  const record = state.error?.phase === 'construct' ? null : recordOf(state, ip);
  const idle = record !== null && neverCalled(m, forwardCertain);
  const layer: LayerInstance = {
    name,
    type: m.typeName,
    range: site ? ip.main.range(site) : NOWHERE,
    record: idle ? { ...record, input_shape: null, output_shape: null, macs: 0n, flops: 0n, bias_adds: 0n, dense_macs: 0n } : record,
    error: state.error,
  };
  if (idle) layer.note = NEVER_CALLED;
  if (state.origin) layer.origin = state.origin;
  if (state.symbolic) layer.symbolic = state.symbolic;
  const own = layer.record ? m.ownParams() : undefined;
  if (own !== undefined && own !== layer.record!.params) layer.moduleParams = own;
  else if (state.lazy && !state.spec) layer.symbolic = { reasons: ['in_channels is inferred from the input at the first forward (lazy module); no input shape known'] };
  return layer;
}

/**
 * Each module's parameters: its own and all its descendants', a shared module counted once per
 * subtree as parameters() does. A tree without sharing (nearly all) is summed bottom-up in one
 * pass; when a module has two parents or holds an ancestor (`self.me = self`), each module's
 * subtree is walked on its own, within a limit past which its figure is unknown.
 */
function subtreeParams(root: ModuleObject, modules: Array<[string, ModuleObject]>): Map<ModuleObject, bigint | null> {
  const out = new Map<ModuleObject, bigint | null>();
  let edges = 0;
  for (const m of [root, ...modules.map(([, child]) => child)]) m.forEachChild((c) => c && edges++);
  if (edges === modules.length) {
    // Preorder reversed puts every child before its parent.
    for (let i = modules.length - 1; i >= 0; i--) {
      const m = modules[i][1];
      let total = m.ownParams();
      m.forEachChild((c) => {
        if (!c) return;
        const sub = out.get(c) ?? null;
        total = total === null || sub === null ? null : total + sub;
      });
      out.set(m, total);
    }
    return out;
  }
  let walked = 0;
  for (const [, m] of modules) {
    if (walked > SHARED_WALK_LIMIT) {
      out.set(m, null);
      continue;
    }
    let total = m.ownParams();
    eachModule(m, (child) => {
      if (child === m) return;
      walked++;
      const own = child.ownParams();
      total = total === null || own === null ? null : total + own;
    });
    out.set(m, total);
  }
  return out;
}

/** How many modules the per-module walks of a tree with sharing may visit in all. */
const SHARED_WALK_LIMIT = 2_000_000;

function moduleOf(ip: Interpreter, name: string, m: ModuleObject, params: Map<ModuleObject, bigint | null>): ModuleInstance {
  return { name, type: m.typeName, params: params.get(m) ?? null, range: m.site ? ip.main.range(m.site) : null };
}

/**
 * conv MACs count every call of every layer in the forward pass (a shared head runs per level).
 * Every figure is exact or null: a model that may lack layers has no totals at all, and a sum
 * with an unknown term is unknown, never the sum of the known ones.
 */
function totalsOf(
  root: ModuleObject | null, layers: LayerInstance[], modules: Array<[string, ModuleObject]>, calls: Array<bigint | null | undefined>,
  incomplete: string | null, hasInput: boolean,
): ModelTotals {
  if (incomplete !== null) return { conv_layers: null, conv_params: null, conv_macs: null, params: null, incomplete };
  let convParams: bigint | null = 0n;
  let convMacs: bigint | null = 0n;
  let macsWhy: string | undefined;
  layers.forEach((l, i) => {
    const params = l.moduleParams !== undefined ? l.moduleParams : l.record?.params ?? null;
    convParams = convParams === null || params === null ? null : convParams + params;
    const macs = calls[i] ?? null;
    if (convMacs !== null && (macs === null || !l.record)) macsWhy = unknownMacsReason(l, calls[i], hasInput);
    convMacs = convMacs === null || macs === null || !l.record ? null : convMacs + macs;
  });
  let params: bigint | null = 0n;
  let paramsWhy: string | undefined;
  for (const [name, m] of root ? [['', root] as [string, ModuleObject], ...modules] : []) {
    const own = m.ownParams();
    if (params !== null && own === null) paramsWhy = unknownParamReason(name, m);
    params = params === null || own === null ? null : params + own;
  }
  if (!root) params = null;
  const totals: ModelTotals = { conv_layers: layers.length, conv_params: convParams, conv_macs: layers.length ? convMacs : 0n, params };
  if (paramsWhy) totals.params_unknown = paramsWhy;
  if (macsWhy && totals.conv_macs === null) totals.conv_macs_unknown = macsWhy;
  return totals;
}

/** The first layer whose MACs are unknown, and why (the counts are exact or unknown, never partial). */
function unknownMacsReason(layer: LayerInstance, macs: bigint | null | undefined, hasInput: boolean): string {
  if (!layer.record) {
    return layer.error ? `${layer.name}: PyTorch raises building it (${layer.error.exception})` : `${layer.name}: its arguments could not be computed`;
  }
  if (!hasInput) return 'no input shape: give one (--input on the command line, Set Input Shape in the editor)';
  if (macs === undefined) return `${layer.name}: the forward pass stopped before its end, so whether this layer runs, and on what, is unknown`;
  return `${layer.name}: the forward pass reached it with an input whose shape the analysis lost on the way`;
}

/** The first parameter of a module whose shape is unknown. */
function unknownParamReason(name: string, m: ModuleObject): string {
  const param = [...m.params].find(([, count]) => count === null)?.[0];
  const path = [name, param].filter(Boolean).join('.') || 'a parameter';
  return `the shape of ${path} (${m.typeName}) could not be computed`;
}

/** A depthwise conv followed (in named_modules order) by the pointwise conv that consumes its channels. */
function separablePairs(layers: LayerInstance[]): ModelAnalysis['separablePairs'] {
  const out: ModelAnalysis['separablePairs'] = [];
  for (let i = 0; i + 1 < layers.length; i++) {
    const a = layers[i].record;
    const b = layers[i + 1].record;
    if (a && b && isSeparablePair(a, b)) out.push({ depthwise: layers[i].name, pointwise: layers[i + 1].name, comparison: comparisonOf(a, b) });
  }
  return out;
}

/** Comparisons by record pair: identical layers share record objects (see recordOf), so repeated blocks compare once. */
const comparisons = new WeakMap<ConvRecord, WeakMap<ConvRecord, SeparableComparison>>();

function comparisonOf(a: ConvRecord, b: ConvRecord): SeparableComparison {
  let byPointwise = comparisons.get(a);
  if (!byPointwise) comparisons.set(a, (byPointwise = new WeakMap()));
  let comparison = byPointwise.get(b);
  if (!comparison) byPointwise.set(b, (comparison = separablePair(a, b)));
  return comparison;
}

export type { SyntaxNode };
