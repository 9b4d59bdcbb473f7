import { Tree, TreeFragment } from '@lezer/common';
import { parser } from '@lezer/python';
import { Budget, BudgetExceeded } from './budget';
import { declarationsOf, reachUnvisited } from './declarations';
import { Candidate, findCandidates, importedCandidate } from './entries';
import { CannotEvaluate, PyError } from './errors';
import { ModuleLoader } from './imports';
import { Interpreter } from './interpreter';
import { Capture, StopCapture, analyzeModel, defaultArgs, newBudget } from './model';
import { outline as outlineOf, Outline, topIndexAt } from './outline';
import { Scope } from './scope';
import { execGuarded } from './statements';
import type { AnalysisDiagnostic, AnalysisOptions, FileAnalysis, ModelAnalysis } from './types';
import { FileUnit } from './unit';
import { ClassValue, FunctionValue, ModuleObject, Tensor } from './values';

export * from './types';
export { parseLayerExpression } from './layerExpression';

/** Analyzes one Python file statically: its models, every conv declaration, diagnostics. */
export function analyzeFile(source: string, options: AnalysisOptions, tree?: Tree): FileAnalysis {
  return analyzeTree(new FileUnit(options.file, source, tree ?? parser.parse(source)), options);
}

/**
 * Keeps the previous parse of an editor document so an edit reparses only what changed
 * (lezer TreeFragments), then re-analyzes.
 */
export class DocumentAnalyzer {
  private tree: Tree | null = null;
  private fragments: readonly TreeFragment[] = [];
  private text = '';
  private result: FileAnalysis | null = null;

  constructor(private options: AnalysisOptions) {}

  /** `changes` are the edits from the previous text, in the previous text's offsets, in order. */
  update(text: string, changes?: ReadonlyArray<{ from: number; to: number; insertLength: number }>, options?: AnalysisOptions): FileAnalysis {
    if (options) this.options = options;
    if (this.tree && changes) {
      const ranges = changes.map((c) => ({ fromA: c.from, toA: c.to, fromB: c.from, toB: c.from + c.insertLength }));
      let shift = 0;
      for (const r of ranges) {
        r.fromB += shift;
        r.toB += shift;
        shift += r.toB - r.fromB - (r.toA - r.fromA);
      }
      this.fragments = TreeFragment.applyChanges(this.fragments, ranges);
    } else if (text !== this.text) {
      this.fragments = [];
    }
    this.tree = parser.parse(text, this.fragments);
    this.fragments = TreeFragment.addTree(this.tree, this.fragments);
    this.text = text;
    this.result = analyzeFile(text, this.options, this.tree);
    return this.result;
  }

  get analysis(): FileAnalysis | null {
    return this.result;
  }
}

function analyzeTree(unit: FileUnit, options: AnalysisOptions): FileAnalysis {
  const outline = outlineOf(unit);
  const loader = new ModuleLoader(options.host, options.searchRoots ?? []);
  const ip = new Interpreter(unit, loader, newBudget(options));
  const scope = new Scope(loader.builtins, 'module');
  scope.vars.set('__name__', '__main__');
  unit.scope = scope;
  const captures = runMain(ip, unit, outline, scope);
  const { all, models } = findCandidates(outline, scope);
  const chosen = options.entry ? all.filter((c) => c.name === options.entry) : models;
  if (options.entry && chosen.length === 0) {
    const imported = importedCandidate(outline, scope, options.entry, (n) => unit.text(n));
    if (imported) chosen.push(imported);
  }
  if (!options.entry && chosen.length === 0) chosen.push(...capturedImports(outline, scope, captures, unit));
  runCallers(ip, outline, scope, chosen, captures);
  const results: ModelAnalysis[] = [];
  const names: Array<Map<ModuleObject, string>> = [];
  for (const candidate of chosen) {
    const { analysis, names: map } = analyzeModel(ip, candidate, scope, captures.get(candidate.value), options);
    results.push(analysis);
    names.push(map);
  }
  reachUnvisited(ip, outline, scope);
  return {
    file: options.file,
    models: results,
    declarations: declarationsOf(ip, outline, names),
    diagnostics: [...syntaxDiagnostics(unit, outline), ...ip.diagnostics],
    unresolved: ip.unresolved,
  };
}

/**
 * Runs the module's top level as `__main__`, watching for the first call that builds one of the
 * file's classes or factories outside their own definitions, and the first input that call's
 * model is fed; the model's forward is then left for later, under our recording.
 */
function runMain(ip: Interpreter, unit: FileUnit, outline: Outline, scope: Scope): Map<ClassValue | FunctionValue, Capture> {
  const captures = new Map<ClassValue | FunctionValue, Capture>();
  const definition = outline.top.map((t) => t.kind === 'class' || (t.kind === 'def' && t.def !== null && isFactoryLike(t.def, unit)));
  const insideDefinition = (offset: number): boolean => {
    const i = topIndexAt(outline, offset);
    return i >= 0 && definition[i];
  };
  ip.hooks = {
    onCallResult(site, callee, result) {
      if (site.unit !== unit || !(result instanceof ModuleObject)) return;
      if (!(callee instanceof ClassValue || callee instanceof FunctionValue) || captures.has(callee)) return;
      if (insideDefinition(site.node.from)) return;
      captures.set(callee, { instance: result, input: null });
    },
    onModuleCall(module, args) {
      for (const capture of captures.values()) {
        if (capture.instance !== module || capture.input) continue;
        const x = args.positional[0];
        capture.input = x instanceof Tensor ? x.shape : null;
        if (capture.input) throw new StopCapture();
      }
    },
  };
  for (let stmt = unit.tree.topNode.firstChild; stmt; stmt = stmt.nextSibling) {
    try {
      execGuarded(ip, stmt, scope, unit);
    } catch (e) {
      if (!(e instanceof StopCapture || e instanceof BudgetExceeded)) throw e;
      ip.budget.depth = 0;
      if (e instanceof BudgetExceeded) ip.unresolvedAt(unit, stmt, e.reason);
    }
  }
  return captures;
}

/** Defs that build models (factories) are definitions; defs like main() or test() are call sites. */
function isFactoryLike(def: import('@lezer/common').SyntaxNode, unit: FileUnit): boolean {
  const body = def.getChild('Body');
  for (let s = body?.firstChild; s; s = s.nextSibling) {
    if (s.name === 'ReturnStatement' && s.firstChild?.nextSibling) return true;
  }
  void unit;
  return false;
}

/** Runs top-level defs (test(), main()) that mention a model no top-level code built, to find its call site. */
function runCallers(ip: Interpreter, outline: Outline, scope: Scope, chosen: Candidate[], captures: Map<ClassValue | FunctionValue, Capture>): void {
  const missing = chosen.filter((c) => !captures.has(c.value));
  for (const t of outline.top) {
    if (t.kind !== 'def' || !t.name || chosen.some((c) => c.name === t.name)) continue;
    if (!missing.some((c) => t.refs.has(c.name) && !captures.has(c.value))) continue;
    const fn = scope.vars.get(t.name);
    if (!(fn instanceof FunctionValue) || isFactoryLike(t.def!, ip.main)) continue;
    ip.budget = new Budget(200_000, 32);
    try {
      ip.invoke(fn, defaultArgs(ip, { name: t.name, value: fn }), undefined);
    } catch (e) {
      if (!(e instanceof StopCapture || e instanceof PyError || e instanceof CannotEvaluate || e instanceof BudgetExceeded)) throw e;
    }
    ip.budget.depth = 0;
  }
  ip.hooks = {};
}

function syntaxDiagnostics(unit: FileUnit, outline: Outline): AnalysisDiagnostic[] {
  return outline.errors.slice(0, 20).map((node) => ({
    range: unit.range({ from: node.from, to: Math.max(node.to, node.from + 1) }),
    severity: 'error' as const,
    message: 'invalid syntax',
    source: 'syntax' as const,
  }));
}

/** With no model of its own, a file's models are the imported ones its code builds (a training script). */
function capturedImports(outline: Outline, scope: Scope, captures: Map<ClassValue | FunctionValue, Capture>, unit: FileUnit): Candidate[] {
  const out: Candidate[] = [];
  for (const [name, v] of scope.vars) {
    if (!(v instanceof ClassValue || v instanceof FunctionValue) || !captures.has(v)) continue;
    const c = importedCandidate(outline, scope, name, (n) => unit.text(n));
    if (c) out.push(c);
  }
  return out;
}
