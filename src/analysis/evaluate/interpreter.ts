import { SyntaxNode } from '@lezer/common';
import type { AnalysisDiagnostic, ShapeNote, Unresolved } from '../types';
import { ValueTensor } from '../torch/valueTensors';
import type { BuildResult, ConvRecord } from '../../core';
import { Budget, BudgetExceeded, LOOP_LIMIT, chargeArguments } from './budget';
import { MAX_ITEMS, tooManyItems } from './limits';
import { CannotEvaluate, MAX_MESSAGE_CHARS, PyError, cutMessage } from '../values/errors';
import { readParams } from '../parse/params';
import { Scope } from '../values/scope';
import { FileUnit, lastChildNamed } from '../parse/unit';
import {
  Args, BoundMethod, Builtin, ClassValue, FunctionValue, Instance, ModuleObject, Namespace, Partial, PyDict,
  NO_KEYWORDS, RangeValue, SuperProxy, Tensor, Unknown, Value, isTupleValue, isUnknown, tupleOf, typeName, unknown,
} from '../values/values';
import { execBody } from './statements';
import { evalExpr } from './expressions';
import { getAttribute, setAttribute } from './attributes';
import { fieldDefault } from './records';
import type { ModuleLoader } from './imports';
import { passedToUnknownCall } from './unknownEffects';
import { changedReason, markChanged } from '../values/unknownContents';
import type { Evaluator } from './evaluator';
import { pyEquals } from './operators';
import { pyReprValue } from '../values/strings';

export interface CallSite {
  unit: FileUnit;
  node: SyntaxNode;
}

/** A module called from the analyzed file's code during a forward run; output undefined while it runs or when it raised. */
export interface ModuleCall {
  node: SyntaxNode;
  module: ModuleObject;
  input: bigint[] | null;
  output: bigint[] | null | undefined;
}

/** Observers the model builder installs to capture a call site's instance and its first input. */
export interface Hooks {
  onCallResult?(site: CallSite, callee: Value, result: Value): void;
  onModuleCall?(module: ModuleObject, args: Args): void;
}

interface Frame {
  fn: FunctionValue;
  self: Value | undefined;
  /** The call's local variables (locals()). */
  scope: Scope;
}

/**
 * A bounded evaluator for the Python that builds and runs models. It executes statements over
 * static values, turning what it cannot know into Unknown values with reasons.
 */
/** Steps one module object costs to make (see instantiate); a large real model makes a few thousand. */
const MODULE_STEPS = 64;

export class Interpreter implements Evaluator {
  readonly sites: CallSite[] = [];
  readonly frames: Frame[] = [];
  readonly diagnostics: AnalysisDiagnostic[] = [];
  readonly unresolved: Unresolved[] = [];
  /** How many user-written nn.Module __init__ calls are running (a skipped statement there may lose modules). */
  moduleInitDepth = 0;
  /** Statements skipped so far that could have built or registered modules (see statements.ts). */
  skippedBuilders = 0;
  /** Why the first of those was skipped, for the model's totals. */
  firstSkippedBuilder: string | null = null;
  readonly convModules: ModuleObject[] = [];
  /** F.convNd calls with a known weight shape, and the record each produced. */
  readonly functionalConvs: Array<{ site: SyntaxNode | null; record: ConvRecord; owned?: boolean }> = [];
  unrecordedFunctionalConvs = 0;
  hooks: Hooks = {};
  /** Shape notes of forward() assignments in the analyzed file, keyed by offset; null when not recording. */
  notes: Map<number, ShapeNote> | null = null;
  /** Module calls written in the analyzed file during the forward run, keyed by offset (the first call at each); null when not recording. */
  calls: Map<number, ModuleCall> | null = null;
  tryDepth = 0;
  /** Where statements have failed in this analysis (offsets per file), so a failure repeated in a loop is told apart. */
  readonly failedAt = new WeakMap<FileUnit, Set<number>>();
  /**
   * How often the run met something it could not decide or read (a truth value, a statement, a
   * call of unreadable code). A forward that met none ran every call PyTorch would: a conv it
   * never called is then known to do no work (see model.ts).
   */
  doubts = 0;
  expressionDepth = 0;
  /** Layers built in this analysis, by their arguments (many layers repeat). */
  readonly builds = new Map<string, BuildResult>();
  /** Keys of the diagnostics and unresolved entries already reported. */
  private readonly seen = new Set<string>();
  /** For each constructor call in progress, the innermost call in the analyzed file at that moment. */
  readonly constructing: Array<SyntaxNode | null> = [];

  /** The first limit met (limits.ts) where no call of the analyzed file was running, for the statement or model that met it. */
  private limitsMet: string[] = [];

  constructor(readonly main: FileUnit, readonly loader: ModuleLoader, public budget: Budget) {
    budget.onLimit = (reason) => this.limitMet(reason);
  }

  /** A value became unknown for passing a size limit: said at the innermost call of the analyzed file, or kept for its statement. */
  private limitMet(reason: string): void {
    const site = this.mainSite();
    if (site) this.unresolvedAt(this.main, site, reason);
    else if (this.limitsMet.length === 0) this.limitsMet.push(reason);
  }

  /** The limits met since the last call, said at `node` (a top-level statement, a model's name). */
  reportLimits(unit: FileUnit, node: SyntaxNode): void {
    for (const reason of this.limitsMet) this.unresolvedAt(unit, node, reason);
    this.limitsMet = [];
  }

  evaluate(node: SyntaxNode, scope: Scope, unit: FileUnit): Value {
    return evalExpr(this, node, scope, unit);
  }

  /** The innermost call being evaluated that is written in the analyzed file. */
  mainSite(): SyntaxNode | null {
    for (let i = this.sites.length - 1; i >= 0; i--) if (this.sites[i].unit === this.main) return this.sites[i].node;
    return null;
  }

  /** Where the module being constructed was called from (a subclass's super().__init__ is not a new site). */
  constructionSite(): SyntaxNode | null {
    return this.constructing.length ? this.constructing[this.constructing.length - 1] : this.mainSite();
  }

  innermostSite(): CallSite | null {
    return this.sites[this.sites.length - 1] ?? null;
  }

  currentFrame(): Frame | undefined {
    return this.frames[this.frames.length - 1];
  }

  enclosingSelf(): Value | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) if (this.frames[i].self !== undefined) return this.frames[i].self;
    return undefined;
  }

  call(fn: Value, args: Args, node: SyntaxNode | null): Value {
    this.budget.tick();
    if (fn instanceof Builtin) {
      chargeArguments(this.budget, args, fn.library);
      return fn.fn(args, this, node);
    }
    if (fn instanceof FunctionValue) return this.invoke(fn, args, undefined);
    if (fn instanceof BoundMethod) {
      if (fn.fn instanceof FunctionValue) return this.invoke(fn.fn, args, fn.self);
      return fn.fn.fn({ positional: [fn.self, ...args.positional], keywords: args.keywords }, this, node);
    }
    if (fn instanceof ClassValue) return this.instantiate(fn, args, node);
    if (fn instanceof ModuleObject) return this.callModule(fn, args, node);
    if (fn instanceof Partial) {
      const keywords = new Map([...fn.args.keywords, ...args.keywords]);
      return this.call(fn.fn, { positional: [...fn.args.positional, ...args.positional], keywords }, node);
    }
    if (fn instanceof Unknown) {
      this.doubts++;
      const site = this.sites[this.sites.length - 1];
      passedToUnknownCall(fn, args, site?.node === node ? site : undefined);
      return unknown(fn.reason);
    }
    if (fn instanceof Instance) {
      const method = fn.cls.lookup('__call__');
      if (method instanceof FunctionValue) return this.invoke(method, args, fn);
    }
    throw new PyError('TypeError', `'${typeName(fn)}' object is not callable`);
  }

  instantiate(cls: ClassValue, args: Args, node: SyntaxNode | null): Value {
    const members = cls.attrs.get('__enum_members__');
    if (Array.isArray(members)) return enumLookup(cls, members, args, this.budget);
    const native = cls.nativeBase()?.native ?? null;
    // A class built on one the analysis could not read may be a module: it is made one, so the
    // layers its own code builds are found, and its totals are unknown (its base may add more).
    const unreadBase = cls.unknownBase();
    const obj = cls.isModuleClass() || unreadBase ? new ModuleObject(cls) : new Instance(cls);
    // A module holds several maps (children, parameters, buffers, attributes): a loop making
    // 100,000 of them spends its time collecting garbage, so each is charged as the memory it is.
    if (obj instanceof ModuleObject) this.budget.tick(MODULE_STEPS);
    const site = this.mainSite();
    if (obj instanceof ModuleObject) obj.site = site;
    if (unreadBase && obj instanceof ModuleObject) markChanged(obj, `${cls.name} is built on a base class that could not be read: ${unreadBase.reason}`);
    const init = cls.lookup('__init__');
    this.constructing.push(site);
    try {
      if (init instanceof FunctionValue) this.invokeInit(init, args, obj);
      else if (native) {
        chargeArguments(this.budget, args, true);
        native.init(obj, args, this, node);
      }
      else if (cls.lookup('__dataclass_fields__') !== undefined) initFields(this, obj as Instance, cls, args);
    } finally {
      this.constructing.pop();
    }
    return obj;
  }

  private invokeInit(init: FunctionValue, args: Args, obj: Instance | ModuleObject): void {
    const isModule = obj instanceof ModuleObject;
    if (isModule) this.moduleInitDepth++;
    try {
      this.invoke(init, args, obj);
    } finally {
      if (isModule) this.moduleInitDepth--;
    }
  }

  callModule(mod: ModuleObject, args: Args, node: SyntaxNode | null): Value {
    this.hooks.onModuleCall?.(mod, args);
    const call = node && this.calls ? this.recordCall(mod, args, node) : null;
    const result = this.forwardModule(mod, args, node);
    if (call) call.output = result instanceof Tensor ? result.shape : null;
    return result;
  }

  /** The first call of a module at a call written in the analyzed file, to be completed with its output. */
  private recordCall(mod: ModuleObject, args: Args, node: SyntaxNode): ModuleCall | null {
    const site = this.sites[this.sites.length - 1];
    if (!site || site.unit !== this.main || site.node !== node || this.calls!.has(node.from)) return null;
    const x = args.positional[0];
    const call: ModuleCall = { node, module: mod, input: x instanceof Tensor ? x.shape : null, output: undefined };
    this.calls!.set(node.from, call);
    return call;
  }

  private forwardModule(mod: ModuleObject, args: Args, node: SyntaxNode | null): Value {
    // PyTorch's __call__ runs `self.forward`, so an instance attribute wins over the class's
    // method: timm's fasternet picks its forward in __init__ (`self.forward = self.forward_slicing`).
    const own = mod.attr('forward');
    if (own !== undefined) {
      this.markModuleCall(mod, args);
      return this.call(own, args, node);
    }
    const forward = mod.cls.lookup('forward');
    if (forward instanceof FunctionValue) {
      this.markModuleCall(mod, args);
      return this.invoke(forward, args, mod);
    }
    const native = mod.cls.nativeBase()?.native;
    if (native?.forward) {
      chargeArguments(this.budget, args, true);
      return native.forward(mod, args, this, node);
    }
    // A forward that could not be run may have called any of the module's children: none of
    // them may then be taken as never called.
    this.doubts++;
    return unknown(`${mod.typeName}.forward is not modelled`);
  }

  /** A conv module whose forward is Python code (a subclass of a conv) was called with this input. */
  private markModuleCall(mod: ModuleObject, args: Args): void {
    if (!mod.conv) return;
    const x = args.positional[0];
    if (!mod.conv.forwardDone && x instanceof Tensor) mod.conv.moduleInput = x.shape;
    mod.conv.moduleCalled = true;
  }

  invoke(fn: FunctionValue, args: Args, self: Value | undefined): Value {
    this.budget.enter();
    const scope = new Scope(fn.closure, 'function');
    this.frames.push({ fn, self, scope });
    try {
      this.bind(fn, scope, self, args.positional, args.keywords);
      if (fn.node.name === 'LambdaExpression') return this.evaluate(fn.node.lastChild!, scope, fn.unit);
      if (fn.body === undefined) fn.body = lastChildNamed(fn.node, 'Body');
      const body = fn.body;
      if (!body) return null;
      const signal = execBody(this, body, scope, fn.unit);
      return signal?.type === 'return' ? signal.value : null;
    } finally {
      this.frames.pop();
      this.budget.leave();
    }
  }

  /**
   * Python's argument binding for a def: positional, *args, keyword-only, **kwargs and defaults.
   * A method's `self` is its first positional argument (kept apart so that no array is built per call).
   */
  private bind(fn: FunctionValue, scope: Scope, self: Value | undefined, given: Value[], keywords: ReadonlyMap<string, Value>): void {
    const params = (fn.params ??= readParams(fn.node.getChild('ParamList'), (n) => fn.unit.text(n)));
    // Most calls pass no keywords; the shared empty map is only read and cleared, never added to.
    const remaining = keywords.size ? new Map(keywords) : NO_KEYWORDS;
    const offset = self === undefined ? 0 : 1;
    const count = given.length + offset;
    let next = 0;
    for (const p of params) {
      if (p.kind === 'positional') {
        if (next < count) {
          if (remaining.has(p.name)) throw new PyError('TypeError', `${fn.name}() got multiple values for argument '${p.name}'`);
          scope.vars.set(p.name, next < offset ? self! : given[next - offset]);
          next++;
          continue;
        }
      }
      if (p.kind === 'varargs') {
        scope.vars.set(p.name, tupleOf(next >= offset ? given.slice(next - offset) : [self!, ...given]));
        next = count;
        continue;
      }
      if (p.kind === 'kwargs') {
        const dict = new PyDict();
        for (const [k, v] of remaining) dict.set(k, v);
        remaining.clear();
        scope.vars.set(p.name, dict);
        continue;
      }
      if (remaining.has(p.name)) {
        scope.vars.set(p.name, remaining.get(p.name)!);
        remaining.delete(p.name);
      } else if (fn.defaults.has(p.name)) {
        scope.vars.set(p.name, fn.defaults.get(p.name)!);
      } else {
        throw new PyError('TypeError', `${fn.name}() missing 1 required positional argument: '${p.name}'`);
      }
    }
    if (next < count) throw new PyError('TypeError', `${fn.name}() takes ${next} positional arguments but ${count} were given`);
    const extra = remaining.size ? remaining.keys().next().value : undefined;
    if (extra !== undefined) throw new PyError('TypeError', `${fn.name}() got an unexpected keyword argument '${extra}'`);
  }

  getAttr(obj: Value, name: string): Value {
    return getAttribute(this, obj, name);
  }

  setAttr(obj: Value, name: string, value: Value): void {
    setAttribute(this, obj, name, value);
  }

  /** The items a for loop or list() would see, materialized within the loop limit. */
  iterate(v: Value): Value[] {
    const changed = changedReason(v);
    if (changed !== null) throw new CannotEvaluate(changed);
    if (Array.isArray(v)) {
      this.budget.charge(v.length);
      return v.slice();
    }
    if (typeof v === 'string') {
      if (v.length > MAX_ITEMS) throw new CannotEvaluate(tooManyItems(v.length, this.budget).reason);
      // Each character becomes a string of its own: far dearer than copying a list.
      this.budget.charge(v.length, 4);
      return [...v];
    }
    if (v instanceof PyDict) return v.keys();
    if (v instanceof RangeValue) {
      const n = v.length;
      if (n > BigInt(LOOP_LIMIT)) throw new CannotEvaluate('step budget exceeded');
      this.budget.tick(Number(n));
      const out: Value[] = [];
      for (let i = 0n; i < n; i++) out.push(v.at(i));
      return out;
    }
    if (v instanceof ModuleObject) {
      if (v.typeName === 'ModuleDict') return [...v.modules.keys()];
      return [...v.modules.values()].filter((m): m is ModuleObject => m !== null);
    }
    if (v instanceof ValueTensor && !v.scalar) return v.items();
    if (v instanceof Tensor && v.shape && v.shape.length > 0 && v.shape[0] <= 4096n) {
      return Array.from({ length: Number(v.shape[0]) }, () => new Tensor(v.shape!.slice(1)));
    }
    if (v instanceof Instance) {
      const fields = v.cls.lookup('__dataclass_fields__');
      if (Array.isArray(fields) && v.cls.attrs.has('__namedtuple__')) return fields.map((f) => v.attrs.get(String(f)) ?? null);
    }
    if (v instanceof Unknown) throw new CannotEvaluate(v.reason || 'iterating over an unknown value');
    throw new CannotEvaluate(`cannot iterate over ${typeName(v)}`);
  }

  /** Python truthiness, or null when the value is unknown. */
  truthy(v: Value): boolean | null {
    const t = this.truthOf(v);
    if (t === null) this.doubts++;
    return t;
  }

  private truthOf(v: Value): boolean | null {
    if (v === null || v === false) return false;
    if (v === true) return true;
    if (typeof v === 'bigint') return v !== 0n;
    if (typeof v === 'number') return v !== 0;
    if (changedReason(v) !== null) return null;
    if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
    if (v instanceof PyDict) return v.entries.size > 0;
    if (v instanceof RangeValue) return v.length > 0n;
    if (v instanceof Unknown) return v.poly && v.poly.isConstant() ? v.poly.constantValue() !== 0n : null;
    if (v instanceof ModuleObject) return v.typeName === 'Sequential' || v.typeName === 'ModuleList' || v.typeName === 'ModuleDict' ? v.modules.size > 0 : true;
    // A one-element tensor of known value is its value's truth (`if dpr[i] > 0.:`); any other
    // tensor's is unknown (PyTorch refuses the truth of a tensor of several values).
    if (v instanceof ValueTensor) return v.values.length === 1 ? v.values[0] !== 0 : null;
    if (v instanceof Tensor) return null;
    return true;
  }

  unresolvedAt(unit: FileUnit, node: SyntaxNode, why: string, what?: string): void {
    this.doubts++;
    if (unit !== this.main) return;
    const { line, column } = unit.position(node.from);
    const key = `${line}:${column}:${why}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const text = what ?? firstLine(unit.text(node));
    this.unresolved.push({ line, column, what: text.length > 80 ? `${text.slice(0, 77)}...` : text, why: cutMessage(why) });
  }

  diagnose(given: AnalysisDiagnostic): void {
    const diagnostic = given.message.length > MAX_MESSAGE_CHARS ? { ...given, message: cutMessage(given.message) } : given;
    const r = diagnostic.range;
    const key = `diagnostic:${r.line}:${r.column}:${diagnostic.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push(diagnostic);
  }

  /** Runs work that may hit a limit; a limit only ends this piece of work, which becomes unresolved. */
  guarded(unit: FileUnit, node: SyntaxNode, work: () => void): void {
    try {
      work();
    } catch (e) {
      if (e instanceof BudgetExceeded && e.reason === 'recursion limit exceeded') this.unresolvedAt(unit, node, e.reason);
      else throw e;
    }
  }

  /** A copy of what this run has recorded so far, to start another run of the same file there (evaluate/importReuse.ts). */
  records(units: readonly FileUnit[]): InterpreterRecords {
    return {
      diagnostics: [...this.diagnostics], unresolved: [...this.unresolved], seen: [...this.seen], limitsMet: [...this.limitsMet],
      convModules: [...this.convModules], functionalConvs: [...this.functionalConvs], unrecordedFunctionalConvs: this.unrecordedFunctionalConvs, doubts: this.doubts,
      skippedBuilders: this.skippedBuilders, firstSkippedBuilder: this.firstSkippedBuilder,
      failedAt: [this.main, ...units].flatMap((unit) => {
        const failed = this.failedAt.get(unit);
        return failed ? [[unit === this.main ? null : unit, [...failed]] as const] : [];
      }),
    };
  }

  /** Starts this (new) run where the recorded one stood. */
  restoreRecords(r: InterpreterRecords): void {
    this.diagnostics.push(...r.diagnostics);
    this.unresolved.push(...r.unresolved);
    for (const key of r.seen) this.seen.add(key);
    this.limitsMet = [...r.limitsMet];
    this.convModules.push(...r.convModules);
    this.functionalConvs.push(...r.functionalConvs);
    this.unrecordedFunctionalConvs = r.unrecordedFunctionalConvs;
    this.doubts = r.doubts;
    this.skippedBuilders = r.skippedBuilders;
    this.firstSkippedBuilder = r.firstSkippedBuilder;
    for (const [unit, offsets] of r.failedAt) this.failedAt.set(unit ?? this.main, new Set(offsets));
  }

  /** Whether nothing is running: no call, frame, construction or nested expression. */
  get atRest(): boolean {
    return this.sites.length === 0 && this.frames.length === 0 && this.constructing.length === 0 && this.budget.depth === 0 &&
      this.moduleInitDepth === 0 && this.tryDepth === 0 && this.expressionDepth === 0 && this.notes === null && this.calls === null;
  }
}

/** What an Interpreter has recorded (see records); the analysed file's failures are under null. */
export interface InterpreterRecords {
  diagnostics: AnalysisDiagnostic[];
  unresolved: Unresolved[];
  seen: string[];
  limitsMet: string[];
  convModules: ModuleObject[];
  functionalConvs: Interpreter['functionalConvs'];
  unrecordedFunctionalConvs: number;
  doubts: number;
  skippedBuilders: number;
  firstSkippedBuilder: string | null;
  failedAt: ReadonlyArray<readonly [FileUnit | null, number[]]>;
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}

/** A dataclass's or NamedTuple's generated __init__: fields in declaration order, with defaults. */
/**
 * A dataclass's generated __init__: its fields are those of every dataclass in its MRO, bases
 * first (a field a subclass redeclares keeps its place), then __post_init__ runs.
 */
export function initFields(ip: Interpreter, obj: Instance, cls: ClassValue, args: Args): void {
  const names = dataclassFields(cls);
  names.forEach((name, i) => {
    const value = i < args.positional.length ? args.positional[i] : args.keywords.has(name) ? args.keywords.get(name)! : cls.lookup(name);
    if (value === undefined) throw new PyError('TypeError', `__init__() missing 1 required positional argument: '${name}'`);
    obj.attrs.set(name, fieldDefault(ip, value));
  });
  if (args.positional.length > names.length) throw new PyError('TypeError', `__init__() takes ${names.length + 1} positional arguments but ${args.positional.length + 1} were given`);
  for (const k of args.keywords.keys()) {
    if (!names.includes(k)) throw new PyError('TypeError', `__init__() got an unexpected keyword argument '${k}'`);
  }
  const postInit = cls.lookup('__post_init__');
  if (postInit instanceof FunctionValue) ip.invoke(postInit, { positional: [], keywords: new Map() }, obj);
}

export function dataclassFields(cls: ClassValue): string[] {
  const names: string[] = [];
  for (const c of [...cls.mro()].reverse()) {
    const own = c.attrs.get('__dataclass_fields__');
    if (!Array.isArray(own)) continue;
    for (const f of own) if (!names.includes(String(f))) names.push(String(f));
  }
  return names;
}

export function namespaceMember(ns: Namespace, name: string): Value {
  const v = ns.members.get(name);
  if (v !== undefined) return v;
  if (ns.open) return unknown(ns.why ? `${ns.name}.${name} could not be read: ${ns.why}` : `${ns.name}.${name} is outside the analyzed code`);
  throw new PyError('AttributeError', `module '${ns.name}' has no attribute '${name}'`);
}

export { SuperProxy, isTupleValue };

/**
 * Calling an Enum class with a value gives its member of that value (`Format('NHWC')` is
 * `Format.NHWC`), or Python's ValueError; a class with `_missing_` may answer otherwise, so its
 * misses are unknown.
 */
function enumLookup(cls: ClassValue, members: Value[], args: Args, budget: Budget): Value {
  const wanted = args.positional[0] ?? null;
  if (args.positional.length !== 1 || args.keywords.size > 0) return unknown(`${cls.name}(...) with other arguments than one value is not modelled`);
  if (isUnknown(wanted)) return unknown(wanted.reason);
  if (members.includes(wanted)) return wanted;
  let unknownValue: string | null = null;
  for (const member of members) {
    const value = (member as Instance).attrs.get('value') ?? null;
    if (isUnknown(value)) unknownValue ??= value.reason;
    else if (pyEquals(value, wanted, budget)) return member;
  }
  if (unknownValue !== null) return unknown(`a member of ${cls.name} has a value that is not known (${unknownValue})`);
  if (cls.lookup('_missing_') !== undefined) return unknown(`${cls.name}._missing_ is not modelled`);
  throw new PyError('ValueError', `${pyReprValue(wanted)} is not a valid ${cls.name}`);
}
