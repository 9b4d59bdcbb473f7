import { SyntaxNode } from '@lezer/common';
import type { ConvError, ConvRecord, ConvSpec } from '../../core';
import { Poly } from './symbolic';
import { CannotEvaluate } from './errors';
import type { Scope } from './scope';
import type { FileUnit } from '../parse/unit';
import type { SourceRange } from '../types';
import type { Interpreter } from '../evaluate/interpreter';
import type { ParamSpec } from '../parse/params';

/**
 * Python values as the evaluator sees them. ints are bigints, floats numbers, None is null,
 * lists are JS arrays (mutable, shared by identity like Python's) and tuples arrays marked
 * `isTuple`; everything else is one of the classes below.
 */
export type Value = bigint | number | string | boolean | null | Value[] | PyObject;

export type PyObject = PyDict | Unknown | FunctionValue | BoundMethod | ClassValue | Instance | ModuleObject | Builtin | Namespace | Tensor | RangeValue | Partial | SuperProxy | SliceValue;

export type Args = { positional: Value[]; keywords: Map<string, Value> };

/**
 * The keywords of calls that pass none, shared: callees only read the keywords they are given
 * (binding copies them before consuming), so one empty map serves every such call.
 */
export const NO_KEYWORDS: Map<string, Value> = new Map();

export function tupleOf(items: Value[]): Value[] {
  const tuple = items.slice() as Value[] & { isTuple?: true };
  tuple.isTuple = true;
  return tuple;
}

export function isTupleValue(v: Value): boolean {
  return Array.isArray(v) && (v as { isTuple?: boolean }).isTuple === true;
}

export function isListValue(v: Value): v is Value[] {
  return Array.isArray(v) && !isTupleValue(v);
}

/** A `collections.deque`: a list that also has appendleft/popleft (timm's DefaultCfg keeps its tags in one). */
export function dequeOf(items: Value[]): Value[] {
  const deque = items.slice() as Value[] & { isDeque?: true };
  deque.isDeque = true;
  return deque;
}

export function isDequeValue(v: Value): boolean {
  return Array.isArray(v) && (v as { isDeque?: boolean }).isDeque === true;
}

/** A value the evaluator could not know statically; `poly` is set when it is a known formula of unknowns. */
export class Unknown {
  constructor(readonly reason: string, readonly poly: Poly | null = null) {}
}

/**
 * A Python number whose value is not modelled (a complex literal such as `-1j`): unknown, but a
 * number, so a tensor times it keeps the tensor's shape and torch.tensor of it is 0-d. Any other
 * unknown beside a tensor may itself be a tensor, whose broadcast would change the shape.
 */
export class UnknownNumber extends Unknown {}

/** A Python number, or an unknown known to be one (a symbolic int, an UnknownNumber): never a tensor. */
export function isNumberLike(v: Value): boolean {
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return true;
  return v instanceof Unknown && (v.poly !== null || v instanceof UnknownNumber);
}

/**
 * Python's Ellipsis (`...`), whose one use here is in a tensor's index (`x[..., :-1]`); anywhere
 * else it is an unknown value. It is told apart by identity: an unknown derived from it (`... + 1`)
 * is another object, whose reason only happens to read the same.
 */
export const ELLIPSIS = new Unknown('Ellipsis');

export class PyDict {
  protected readonly items = new Map<string, [Value, Value]>();
  /**
   * Why the contents are unknown: the dict went through code the analysis could not read, which
   * may have added, changed or removed any entry (see evaluate/unknownEffects.ts). Every read then fails
   * with this reason, so nothing derived from the stale contents is ever shown.
   */
  changedBy: string | null = null;
  /** A `collections.defaultdict`'s factory: reading a missing key calls it and stores its result. */
  defaultFactory: Value = null;

  get entries(): Map<string, [Value, Value]> {
    if (this.changedBy !== null) throw new CannotEvaluate(this.changedBy);
    return this.items;
  }

  get(key: Value): Value | undefined {
    // Any entry, or none, may be the one an unknown key names.
    if (key instanceof Unknown) throw new CannotEvaluate(`a dict read with an unknown key: ${key.reason}`);
    return this.entries.get(dictKey(key))?.[1];
  }
  set(key: Value, value: Value): void {
    if (key instanceof Unknown) {
      this.changedBy ??= `an item was set under an unknown key: ${key.reason}`;
      return;
    }
    const k = dictKey(key);
    const existing = this.entries.get(k);
    if (existing) existing[1] = value;
    else this.entries.set(k, [key, value]);
  }
  delete(key: Value): boolean {
    if (key instanceof Unknown) {
      this.changedBy ??= `an item was deleted under an unknown key: ${key.reason}`;
      return false;
    }
    return this.entries.delete(dictKey(key));
  }
  keys(): Value[] {
    return [...this.entries.values()].map(([k]) => k);
  }
  values(): Value[] {
    return [...this.entries.values()].map(([, v]) => v);
  }
}

/** The unknown a dict key is or holds (a tuple with an unknown item): no entry can be told from another by it. */
export function unknownInKey(key: Value, allowed: Unknown | null = null): Unknown | null {
  if (key instanceof Unknown) return key === allowed ? null : key;
  if (Array.isArray(key)) {
    for (const item of key) {
      const found = unknownInKey(item, allowed);
      if (found) return found;
    }
  }
  return null;
}

/** Python's hash equality for the keys configs use: True == 1 == 1.0. */
export function dictKey(key: Value): string {
  const mixed = mixinValue(key);
  if (mixed !== undefined) return dictKey(mixed);
  if (typeof key === 'boolean') return `n:${key ? 1 : 0}`;
  if (typeof key === 'bigint') return `n:${key}`;
  if (typeof key === 'number') return Number.isInteger(key) ? `n:${key}` : `f:${key}`;
  if (typeof key === 'string') return `s:${key}`;
  if (key === null) return 'None';
  if (Array.isArray(key)) return `t:(${key.map(dictKey).join(',')})`;
  return `o:${objectId(key)}`;
}

const ids = new WeakMap<object, number>();
let nextId = 1;
export function objectId(o: object): number {
  let id = ids.get(o);
  if (id === undefined) {
    id = nextId++;
    ids.set(o, id);
  }
  return id;
}

export class FunctionValue {
  /** The class whose body defined this function, for zero-argument super(). */
  ownerClass: ClassValue | null = null;
  /** The parameter list, read once. */
  params: ParamSpec[] | null = null;
  /** The def's Body, found once (undefined until then; null for a lambda or a def without one). */
  body: SyntaxNode | null | undefined = undefined;
  /** Attributes set on the function (`fn.x = ...`, what functools.wraps copies); null until one is. */
  attrs: Map<string, Value> | null = null;
  constructor(
    readonly name: string,
    readonly qualname: string,
    readonly node: SyntaxNode,
    readonly unit: FileUnit,
    readonly closure: Scope,
    readonly defaults: Map<string, Value>,
    readonly decorators: string[] = [],
  ) {}
}

export class BoundMethod {
  constructor(readonly fn: FunctionValue | Builtin, readonly self: Value) {}
}

export class ClassValue {
  readonly attrs = new Map<string, Value>();
  constructor(
    readonly name: string,
    readonly bases: Value[],
    readonly unit: FileUnit | null,
    readonly node: SyntaxNode | null,
    /** Built-in torch classes: how their instances are initialized and run. */
    readonly native: NativeClass | null = null,
  ) {}

  private linearization: ClassValue[] | null = null;

  /** Python's MRO, simplified to depth-first left-to-right without duplicates; bases never change, so it is computed once. */
  mro(): ClassValue[] {
    return (this.linearization ??= this.computeMro());
  }

  private computeMro(): ClassValue[] {
    const out: ClassValue[] = [];
    const visit = (c: ClassValue): void => {
      if (out.includes(c)) return;
      out.push(c);
      for (const b of c.bases) if (b instanceof ClassValue) visit(b);
    };
    visit(this);
    return out;
  }

  lookup(name: string): Value | undefined {
    for (const c of this.mro()) {
      const v = c.attrs.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  nativeBase(): ClassValue | null {
    if (this.nativeClass === undefined) this.nativeClass = this.mro().find((c) => c.native) ?? null;
    return this.nativeClass;
  }

  private nativeClass: ClassValue | null | undefined = undefined;

  isModuleClass(): boolean {
    return this.nativeBase()?.native?.isModule === true;
  }

  /** The first base, here or up the MRO, that the analysis could not read (a class from a failed import). */
  unknownBase(): Unknown | null {
    for (const c of this.mro()) for (const b of c.bases) if (b instanceof Unknown) return b;
    return null;
  }
}

/** How a torch class builds its instances (`init`) and runs them (`forward`). */
export interface NativeClass {
  isModule: boolean;
  init(self: ModuleObject | Instance, args: Args, ip: Interpreter, call: SyntaxNode | null): void;
  forward?(self: ModuleObject, args: Args, ip: Interpreter, call: SyntaxNode | null): Value;
}

/** An instance of a plain (non-Module) class: configs, dataclasses, NamedTuples. */
export class Instance {
  readonly attrs = new Map<string, Value>();
  constructor(readonly cls: ClassValue) {}
}

/**
 * The plain value of a member of an Enum mixed with str, int or float (`class Format(str, Enum)`,
 * IntEnum): such a member is that str or int to ==, hashing and ordering, as in Python. Undefined
 * for anything else, a plain Enum's members among them (they compare by identity).
 */
export function mixinValue(v: Value): Value | undefined {
  if (!(v instanceof Instance) || v.cls.lookup('__enum_mixin__') === undefined) return undefined;
  return v.attrs.get('value');
}

/** A conv layer's numbers as built, or why they are not known. */
export interface ConvState {
  /** The built layer; its record is computed once, when first asked for (see recordOf). */
  spec: ConvSpec | null;
  /** The constructor arguments' key, shared by identical layers (records are cached by it). */
  specKey?: string;
  /** The input of the first forward, when one ran. */
  input: bigint[] | null;
  /** MACs of every forward call so far (a shared layer runs several times); null when one was unknown. */
  callMacs?: bigint | null;
  /** The module's own input when its forward (a subclass's) padded it before the conv ran. */
  moduleInput?: bigint[] | null;
  /** The module's own Python forward ran (a subclass's, which may compute with F.conv2d rather than run the conv): it was called. */
  moduleCalled?: boolean;
  record: ConvRecord | null;
  /** Parameters the layer gained beyond weight and bias (weight_norm's weight_g); null when unknown. */
  extraParams?: bigint | null;
  error: ConvError | null;
  symbolic?: { params?: string; macs?: string; reasons: string[] };
  /** Calls that built the layer, innermost first; the first one in the analyzed file is its range. */
  site: SyntaxNode | null;
  /** The conv's own constructor call when it is written in another file than the analysed one (its path and range there). */
  origin?: { file: string; range: SourceRange } | null;
  lazy: boolean;
  forwardDone: boolean;
}

/**
 * What a native constructor gave a module, kept aside until code first touches the module's maps:
 * most layers are built and counted but their attributes never read, and three Maps per module
 * were the bulk of what an analysis allocates. `write` replays the constructor's writes in order.
 */
export interface DeferredInit {
  /** The sum of the parameters `write` registers, or null when one is unknown (what ownParams says). */
  readonly params: bigint | null;
  write(self: ModuleObject): void;
  /** An attribute `write` sets to a value it already holds (not a tensor it would make), else undefined. */
  peek(name: string): Value | undefined;
  /** Whether `write` sets an attribute of that name. */
  writes(name: string): boolean;
}

/**
 * An nn.Module instance: its registered children in `_modules` order, and its own parameters.
 * Its maps are made when first used (see DeferredInit); code that only reads can ask `child`,
 * `children` and `ownParams`, which never make them.
 */
export class ModuleObject {
  private attrMap: Map<string, Value> | null = null;
  private moduleMap: Map<string, ModuleObject | null> | null = null;
  private paramMap: Map<string, bigint | null> | null = null;
  private deferred: DeferredInit | null = null;
  conv: ConvState | null = null;
  /** The call in the analyzed file that built this module. */
  site: SyntaxNode | null = null;
  /** Lazy modules become their eager class at the first forward (PyTorch's cls_to_become). */
  becomes: string | null = null;
  /** The last tree walk that reached this module (namedModules' memo, without a Set). */
  walkMark = 0;
  constructor(readonly cls: ClassValue) {}
  get typeName(): string {
    return this.becomes ?? this.cls.name;
  }

  get attrs(): Map<string, Value> {
    if (this.deferred) this.replay();
    return (this.attrMap ??= new Map());
  }

  get modules(): Map<string, ModuleObject | null> {
    return (this.moduleMap ??= new Map());
  }

  /** Parameters registered on this module itself (not children), by name; a count is null when unknown. */
  get params(): Map<string, bigint | null> {
    if (this.deferred) this.replay();
    return (this.paramMap ??= new Map());
  }

  /** A native constructor's writes, done now if the maps are already in use, else when first needed. */
  defer(init: DeferredInit): void {
    if (this.deferred) this.replay();
    if (this.attrMap || this.paramMap) init.write(this);
    else this.deferred = init;
  }

  private replay(): void {
    const init = this.deferred!;
    this.deferred = null;
    init.write(this);
  }

  /** A plain attribute or parameter tensor (what `attrs.get` gives), read without making the maps when it can be. */
  attr(name: string): Value | undefined {
    const deferred = this.deferred;
    if (deferred) {
      const value = deferred.peek(name);
      if (value !== undefined || !deferred.writes(name)) return value;
      this.replay();
    }
    return this.attrMap?.get(name);
  }

  /** A registered child (null when set to None), or undefined when there is none by that name. */
  child(name: string): ModuleObject | null | undefined {
    return this.moduleMap?.get(name);
  }

  /** How many children are registered. */
  childCount(): number {
    return this.moduleMap ? this.moduleMap.size : 0;
  }

  /** Calls `visit` on each registered child in order (with no entry arrays, unlike iterating). */
  forEachChild(visit: (child: ModuleObject | null, name: string) => void): void {
    this.moduleMap?.forEach(visit);
  }

  /** The registered children in order, with their names. */
  children(): Iterable<[string, ModuleObject | null]> {
    return this.moduleMap ?? NO_CHILDREN;
  }

  /** The names of the registered children in order (no entry pairs made, unlike children()). */
  childNames(): Iterator<string> {
    return (this.moduleMap ?? NO_CHILD_NAMES).keys();
  }

  /** Whether a parameter of that name is registered on this module itself. */
  hasParam(name: string): boolean {
    if (this.deferred) this.replay();
    return this.paramMap ? this.paramMap.has(name) : false;
  }

  /** Drops a plain attribute and a parameter of that name (a module assigned over them). */
  forget(name: string): void {
    if (this.deferred) this.replay();
    this.attrMap?.delete(name);
    this.paramMap?.delete(name);
  }

  /** The sum of this module's own parameters, or null when one is unknown. */
  ownParams(): bigint | null {
    // Deferred writes wait only while both maps are unmade (see defer), so they are all the parameters.
    if (this.deferred) return this.deferred.params;
    if (!this.paramMap) return 0n;
    let total = 0n;
    for (const c of this.paramMap.values()) {
      if (c === null) return null;
      total += c;
    }
    return total;
  }
}

const NO_CHILDREN: ReadonlyArray<[string, ModuleObject | null]> = [];
const NO_CHILD_NAMES: ReadonlyMap<string, ModuleObject | null> = new Map();

export class Builtin {
  constructor(
    readonly name: string,
    readonly fn: (args: Args, ip: Interpreter, call: SyntaxNode | null) => Value,
    /** Torch library code, which reads each item of the sequences it is given (see chargeArguments). */
    readonly library = false,
  ) {}
}

/** A Python module (torch, torch.nn, math, or a project file): attribute access only. */
export class Namespace {
  constructor(
    readonly name: string,
    readonly members: Map<string, Value>,
    /** Unknown libraries answer every attribute with an Unknown value. */
    readonly open = false,
    /** Why an open namespace could not be read, and what would let the analysis read it. */
    readonly why: string | null = null,
  ) {}

  /** The reason any member of an open namespace is unknown. */
  unknownMember(name: string): string {
    return this.why ? `${this.name}.${name} is unknown: ${this.why}` : `${this.name}.${name} is outside the analyzed code`;
  }
}

/** A tensor, of which only the shape matters; null when the shape is unknown. */
export class Tensor {
  constructor(readonly shape: bigint[] | null, readonly parameter = false) {}
}

export class RangeValue {
  constructor(readonly start: bigint, readonly stop: bigint, readonly step: bigint) {}
  get length(): bigint {
    const { start, stop, step } = this;
    if (step > 0n) return stop > start ? (stop - start + step - 1n) / step : 0n;
    return start > stop ? (start - stop - step - 1n) / -step : 0n;
  }
  at(i: bigint): bigint {
    return this.start + i * this.step;
  }
}

export class Partial {
  constructor(readonly fn: Value, readonly args: Args) {}
}

export class SuperProxy {
  constructor(readonly self: Value, readonly after: ClassValue) {}
}

export class SliceValue {
  constructor(readonly start: Value, readonly stop: Value, readonly step: Value) {}
}

export function unknown(reason: string): Unknown {
  return new Unknown(reason);
}

export function isUnknown(v: Value): v is Unknown {
  return v instanceof Unknown;
}

export function typeName(v: Value): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return isTupleValue(v) ? 'tuple' : isDequeValue(v) ? 'deque' : 'list';
  if (v instanceof PyDict) return v.defaultFactory !== null ? 'collections.defaultdict' : 'dict';
  if (v instanceof ModuleObject) return v.typeName;
  if (v instanceof Instance) return v.cls.name;
  if (v instanceof Tensor) return 'Tensor';
  if (v instanceof RangeValue) return 'range';
  if (v instanceof ClassValue) return 'type';
  return 'object';
}
