import { SyntaxNode, Tree, TreeFragment } from '@lezer/common';
import { BudgetExceeded, MAX_SOURCE_CHARS, tooLargeReason } from './evaluate/budget';
import { declarationFacts, mergeDeclarations, positionKey, reachUnvisited } from './model/declarations';
import { ModelCache, ModelKeys } from './model/cache';
import { Candidate, findCandidates, importedCandidate, methodCandidate } from './model/entries';
import { CannotEvaluate, PyError } from './values/errors';
import { ModuleLoader } from './evaluate/imports';
import { ImportReuse, SealedImports, importWindowEnd, inWindow } from './evaluate/importReuse';
import { Interpreter } from './evaluate/interpreter';
import { Capture, StopCapture, analyzeModel, defaultArgs, newBudget } from './model/model';
import { TopLevelBuilds, isZooBuild, moduleLevelModels, unbuiltModuleLevel } from './model/moduleLevel';
import { outline as outlineOf, Outline, topIndexAt } from './model/outline';
import { Scope } from './values/scope';
import { execGuarded } from './evaluate/statements';
import type { AnalysisDiagnostic, AnalysisOptions, ConvDeclaration, EnvironmentUse, FileAnalysis, ModelAnalysis, Unresolved } from './types';
import { parseSource } from './parse/parse';
import { FileUnit, lastChildNamed } from './parse/unit';
import { ClassValue, FunctionValue, ModuleObject, Tensor } from './values/values';

export * from './types';
export { parseLayerExpression } from './model/layerExpression';
export { fastParse } from './parse/fastparse';

/** Analyzes one Python file statically: its models, every conv declaration, diagnostics. */
export function analyzeFile(source: string, options: AnalysisOptions, tree?: Tree): FileAnalysis {
  const refused = refusal(source, options);
  if (refused) return refused;
  return neverThrowing(options, () => analyzeTree(new FileUnit(options.file, source, tree ?? parseSource(source)), options, null).result);
}

/** A file too large to analyze gets no analysis, only the reason. */
function refusal(source: string, options: AnalysisOptions): FileAnalysis | null {
  return source.length > MAX_SOURCE_CHARS ? notAnalyzed(options, tooLargeReason(source.length, 'characters')) : null;
}

/**
 * The analysis of a file never throws: whatever escapes every statement's own guard (a bug of
 * ours met by an input no test foresaw) costs the file's figures, which become one unresolved
 * entry saying why, never the caller's stack.
 */
function neverThrowing(options: AnalysisOptions, analyze: () => FileAnalysis): FileAnalysis {
  try {
    return analyze();
  } catch (e) {
    const why = e instanceof BudgetExceeded ? e.reason : e instanceof Error ? `${e.name}: ${e.message}` : String((e as { message?: unknown })?.message ?? e);
    return notAnalyzed(options, `not analyzed (internal error: ${why})`);
  }
}

function notAnalyzed(options: AnalysisOptions, why: string): FileAnalysis {
  return { file: options.file, models: [], declarations: [], diagnostics: [], unresolved: [{ line: 1, column: 0, what: 'the whole file', why }] };
}

/** An edit of the previous text, in the previous text's offsets: `insert` or `insertLength` new characters. */
export interface TextChange {
  from: number;
  to: number;
  insert?: string;
  insertLength?: number;
}

/**
 * Keeps the previous parse of an editor document so an edit reparses only what changed
 * (lezer TreeFragments), and the previous models, so only the models whose code changed are
 * analyzed again.
 */
export class DocumentAnalyzer {
  private fragments: readonly TreeFragment[] = [];
  private text: string | null = null;
  private cache: ModelCache = new Map();
  private result: FileAnalysis | null = null;
  /** The modules the file's leading imports ran, for the next analysis (evaluate/importReuse.ts). */
  private readonly imports = new ImportReuse();

  constructor(private options: AnalysisOptions) {}

  /** `changes` are the edits from the previous text, in order; without them the text is parsed afresh. */
  update(text: string, changes?: readonly TextChange[], options?: AnalysisOptions): FileAnalysis {
    if (options && options !== this.options) {
      this.options = options;
      this.cache = new Map();
      this.imports.clear();
    }
    if (this.text !== null && changes) {
      let shift = 0;
      const ranges = changes.map((c) => {
        const length = c.insert?.length ?? c.insertLength ?? 0;
        const range = { fromA: c.from, toA: c.to, fromB: c.from + shift, toB: c.from + shift + length };
        shift += length - (c.to - c.from);
        return range;
      });
      this.fragments = TreeFragment.applyChanges(this.fragments, ranges);
    } else {
      this.fragments = [];
    }
    const refused = refusal(text, this.options);
    if (refused) {
      this.fragments = [];
      this.text = null;
      this.cache = new Map();
      return (this.result = refused);
    }
    const result = neverThrowing(this.options, () => {
      const tree = parseSource(text, this.fragments);
      this.fragments = TreeFragment.addTree(tree, this.fragments);
      this.text = text;
      const analyzed = analyzeTree(new FileUnit(this.options.file, text, tree), this.options, this.cache, this.imports);
      this.cache = analyzed.cache;
      return analyzed.result;
    });
    if (result.models.length === 0 && result.unresolved[0]?.what === 'the whole file') {
      // A failed analysis leaves no state a later edit could build on.
      this.fragments = [];
      this.text = null;
      this.cache = new Map();
    }
    this.result = result;
    return result;
  }

  get analysis(): FileAnalysis | null {
    return this.result;
  }

  /**
   * Work the last update left for later, done now: the check that the imports it used are as
   * they were, so the next update may use them again (evaluate/importReuse.ts). Call it when
   * idle, after the result is shown; the next update otherwise does it first.
   */
  settle(): void {
    this.imports.settle();
  }

  /** How many updates started after the imports an earlier one ran (see evaluate/importReuse.ts). */
  get importsReused(): number {
    return this.imports.reuses;
  }
}

/** The incremental entry under a factory name: `createIncrementalAnalyzer(options).update(text, changes)`. */
export function createIncrementalAnalyzer(options: AnalysisOptions): DocumentAnalyzer {
  return new DocumentAnalyzer(options);
}

function analyzeTree(unit: FileUnit, options: AnalysisOptions, previous: ModelCache | null, imports: ImportReuse | null = null): { result: FileAnalysis; cache: ModelCache } {
  const outline = outlineOf(unit);
  const reused = imports?.take(unit, options.host) ?? null;
  const loader = reused?.loader ?? new ModuleLoader(options.host, options.searchRoots ?? [], options.libraryRoots ?? [], options.environment);
  const ip = new Interpreter(unit, loader, newBudget(options));
  const scope = new Scope(loader.builtins, 'module');
  scope.vars.set('__name__', '__main__');
  loader.registerMain(scope);
  unit.scope = scope;
  if (reused) ImportReuse.resume(reused, ip, scope);
  const builds: TopLevelBuilds = new Map();
  const window = { end: importWindowEnd(unit), reused: reused !== null, sealed: reused };
  const captures = runMain(ip, unit, outline, scope, builds, imports ? window : null);
  const result = analyzeRest(ip, unit, outline, scope, builds, captures, options, previous);
  imports?.finish(window.sealed, scope, unit);
  return result;
}

function analyzeRest(
  ip: Interpreter, unit: FileUnit, outline: Outline, scope: Scope, builds: TopLevelBuilds,
  captures: Map<ClassValue | FunctionValue, Capture>, options: AnalysisOptions, previous: ModelCache | null,
): { result: FileAnalysis; cache: ModelCache } {
  const { all, models } = findCandidates(outline, scope);
  const ownInstances = new Set(all.flatMap((c) => captures.get(c.value)?.instance ?? []));
  const topLevel = moduleLevelModels(unit, outline, scope, builds, ownInstances);
  for (const unbuilt of unbuiltModuleLevel(unit, outline, scope)) ip.unresolvedAt(unit, unbuilt.node, unbuilt.why, unbuilt.name);
  const topCaptures = new Map(topLevel.map((m) => [m.candidate, m.capture]));
  const chosen = options.entry ? [...all, ...topLevel.map((m) => m.candidate)].filter((c) => c.name === options.entry) : [...models, ...topLevel.map((m) => m.candidate)];
  if (options.entry && chosen.length === 0) {
    const named = importedCandidate(outline, scope, options.entry, (n) => unit.text(n)) ?? methodCandidate(outline, scope, options.entry, (n) => unit.text(n));
    if (named) chosen.push(named);
  }
  if (!options.entry && chosen.length === 0) chosen.push(...capturedImports(outline, scope, captures, unit));
  const keys = previous ? new ModelKeys(outline, unit) : null;
  const keyed = new Map(chosen.map((c) => [c, keys?.keyOf(c) ?? null]));
  // Callers run every time: construction diagnostics of the models they build come from them.
  runCallers(ip, outline, scope, chosen, captures);
  const cache: ModelCache = new Map();
  const results: ModelAnalysis[] = [];
  const cachedFacts: ConvDeclaration[] = [];
  const cachedDiagnostics: AnalysisDiagnostic[] = [];
  const cachedUnresolved: Unresolved[] = [];
  const cachedEnvironment: EnvironmentUse[] = [];
  for (const candidate of chosen) {
    const capture = topCaptures.get(candidate) ?? captures.get(candidate.value);
    const key = keyed.get(candidate) ?? null;
    const hit = key ? previous?.get(key) : undefined;
    if (hit) {
      cache.set(key!, hit);
      results.push(hit.analysis);
      cachedFacts.push(...hit.declarations);
      cachedDiagnostics.push(...hit.diagnostics);
      cachedUnresolved.push(...hit.unresolved);
      if (hit.environment) cachedEnvironment.push(hit.environment);
      continue;
    }
    const before = { modules: ip.convModules.length, functional: ip.functionalConvs.length, diagnostics: ip.diagnostics.length, unresolved: ip.unresolved.length };
    const { analysis, names } = analyzeModel(ip, candidate, scope, capture, options);
    results.push(analysis);
    if (key) {
      // The model's layers may have been built before (by the file's own code that called it).
      const built = new Set([...ip.convModules.slice(before.modules), ...[...names.keys()].filter((m) => m.conv)]);
      cache.set(key, {
        analysis,
        declarations: declarationFacts(ip, outline, [...built], ip.functionalConvs.slice(before.functional)),
        diagnostics: ip.diagnostics.slice(before.diagnostics),
        unresolved: ip.unresolved.slice(before.unresolved),
        environment: environmentUse(ip.loader, []),
      });
    }
  }
  const cachedSites = new Set(cachedFacts.map((d) => positionKey(d.range)));
  reachUnvisited(ip, outline, scope, cachedSites);
  const facts = [...declarationFacts(ip, outline, ip.convModules, ip.functionalConvs), ...cachedFacts];
  const environment = environmentUse(ip.loader, cachedEnvironment);
  return {
    cache,
    result: {
      ...(environment ? { environment } : {}),
      file: options.file,
      models: results,
      declarations: mergeDeclarations(ip, outline, facts, results),
      diagnostics: dedupe([...syntaxDiagnostics(unit, outline), ...ip.diagnostics, ...cachedDiagnostics], (d) => `${d.range.line}:${d.range.column}:${d.message}`),
      unresolved: dedupe([...ip.unresolved, ...cachedUnresolved], (u) => `${u.line}:${u.column}:${u.why}`),
    },
  };
}

/** What the loader's runs read of the environment, with what cached models' analyses had read; undefined when nothing was. */
function environmentUse(loader: ModuleLoader, cached: EnvironmentUse[]): EnvironmentUse | undefined {
  const variables = new Map(loader.environmentReads);
  for (const use of cached) for (const v of use.variables) if (!variables.has(v.name)) variables.set(v.name, v.set);
  const listed = loader.environmentListed || cached.some((use) => use.listed);
  if (variables.size === 0 && !listed) return undefined;
  return { variables: [...variables].map(([name, set]) => ({ name, set })), listed };
}

function dedupe<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Runs the module's top level as `__main__`, watching for the first call that builds one of the
 * file's classes or factories outside their own definitions, and the first input that call's
 * model is fed; the model's forward is then left for later, under our recording.
 */
/** The file's leading imports (importReuse.ts): skipped when `reused`, else sealed for reuse once they have run. */
interface Window {
  end: number;
  reused: boolean;
  sealed: SealedImports | null;
}

function runMain(ip: Interpreter, unit: FileUnit, outline: Outline, scope: Scope, builds: TopLevelBuilds, window: Window | null): Map<ClassValue | FunctionValue, Capture> {
  const captures = new Map<ClassValue | FunctionValue, Capture>();
  const definition = outline.top.map((t) => t.kind === 'class' || (t.kind === 'def' && t.def !== null && isFactoryLike(t.def, unit)));
  const insideDefinition = (offset: number): boolean => {
    const i = topIndexAt(outline, offset);
    return i >= 0 && definition[i];
  };
  ip.hooks = {
    onCallResult(site, callee, result) {
      if (site.unit !== unit || !(result instanceof ModuleObject)) return;
      if (insideDefinition(site.node.from)) return;
      if (!builds.has(result)) builds.set(result, { callee, capture: { instance: result, input: null } });
      if (!(callee instanceof ClassValue || callee instanceof FunctionValue) || captures.has(callee)) return;
      captures.set(callee, { instance: result, input: null });
    },
    onModuleCall(module, args) {
      const x = args.positional[0];
      const shape = x instanceof Tensor ? x.shape : null;
      let stop = false;
      for (const capture of captures.values()) {
        if (capture.instance !== module || capture.input) continue;
        capture.input = shape;
        stop ||= shape !== null;
      }
      const built = builds.get(module);
      if (built && !built.capture.input) {
        built.capture.input = shape;
        // A zoo model's forward runs later, under our recording, as a captured model's does.
        stop ||= shape !== null && isZooBuild(unit, module, built.callee);
      }
      if (stop) throw new StopCapture();
    },
  };
  let windowOpen = window !== null && !window.reused;
  for (let stmt = unit.tree.topNode.firstChild; stmt; stmt = stmt.nextSibling) {
    if (window && inWindow(stmt, window.end)) {
      if (window.reused) continue;
    } else if (window && windowOpen) {
      windowOpen = false;
      window.sealed = ImportReuse.seal(ip, ip.loader, unit, scope, window.end);
    }
    try {
      execGuarded(ip, stmt, scope, unit);
      ip.reportLimits(unit, stmt);
    } catch (e) {
      if (!(e instanceof StopCapture || e instanceof BudgetExceeded)) throw e;
      // A window a limit cut short is never reused.
      windowOpen = false;
      ip.budget.depth = 0;
      if (!(e instanceof BudgetExceeded)) continue;
      if (!e.spent) {
        ip.unresolvedAt(unit, stmt, e.reason);
        continue;
      }
      skipRest(ip, unit, stmt, e.reason);
      break;
    }
  }
  if (window && windowOpen) window.sealed = ImportReuse.seal(ip, ip.loader, unit, scope, window.end);
  return captures;
}

/** Once the budget is spent, the statement it ran out in and every one after it are one skipped entry. */
function skipRest(ip: Interpreter, unit: FileUnit, from: SyntaxNode, reason: string): void {
  let count = 0;
  let last = from;
  for (let s: SyntaxNode | null = from; s; s = s.nextSibling) {
    if (s.name === 'Comment') continue;
    count++;
    last = s;
  }
  const first = unit.position(from.from).line;
  const end = unit.position(Math.max(last.from, last.to - 1)).line;
  const lines = first === end ? `line ${first}` : `lines ${first}-${end}`;
  ip.unresolvedAt(unit, from, reason, `skipped: ${count} top-level statement${count === 1 ? '' : 's'}, ${lines}`);
}

/** Defs that build models (factories) are definitions; defs like main() or test() are call sites. */
function isFactoryLike(def: import('@lezer/common').SyntaxNode, unit: FileUnit): boolean {
  const body = lastChildNamed(def, 'Body');
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
    ip.budget = ip.budget.renewed(200_000, 32);
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
  const out: AnalysisDiagnostic[] = [];
  const seen = new Set<number>();
  for (const node of outline.errors) {
    const open = unclosedBracket(node);
    const from = open ? open.from : node.from;
    if (seen.has(from)) continue;
    seen.add(from);
    out.push({
      range: unit.range({ from, to: open ? from + 1 : Math.max(node.to, from + 1) }),
      severity: 'error',
      // Python reports an unclosed bracket at the bracket, not where the parser gave up.
      message: open ? `'${unit.source[open.from]}' was never closed` : 'invalid syntax',
      source: 'syntax',
    });
    // Python reports the first syntax error only; later ones are often the same mistake.
    break;
  }
  return out;
}

const BRACKETED = new Set(['ArgList', 'ParamList', 'ParenthesizedExpression', 'TupleExpression', 'ArrayExpression', 'DictionaryExpression', 'SetExpression', 'ArrayComprehensionExpression']);

/** The opening bracket of an enclosing call or display the error leaves without its closing bracket. */
function unclosedBracket(error: import('@lezer/common').SyntaxNode): { from: number } | null {
  for (let p = error.parent; p; p = p.parent) {
    if (!BRACKETED.has(p.name)) continue;
    const first = p.firstChild;
    const last = p.lastChild;
    if (first && ['(', '[', '{'].includes(first.name) && !(last && [')', ']', '}'].includes(last.name))) return { from: first.from };
  }
  return null;
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
