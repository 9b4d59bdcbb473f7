import { ABC_CLASSES, NUMBER_CLASSES, TYPE_CLASSES, WRAPS, abcInstance, inspectModule } from './introspection';
import { itertoolsModule } from './itertools';
import { operatorModule } from './operatorModule';
import { Environment, osModule, urllibParseModule } from './pathModules';
import { SyntaxNode } from '@lezer/common';
import { changedReason } from '../values/unknownContents';
import { CannotEvaluate, PyError } from '../values/errors';
import { ValueTensor, integerIndex, valueScalar } from '../torch/valueTensors';
import { evalBuiltin } from './evalBuiltin';
import { attributeName, deleteAttribute } from './attributes';
import { dataclassReplace, defaultFactory } from './records';
import { reNamespace } from './regex';
import { PARTIAL_TYPE } from './partialAttributes';
import type { Interpreter } from './interpreter';
import { dataclassFields } from './interpreter';
import { binaryOp, compare, polyOf } from './operators';
import { textOf } from './textBuilding';
import { MAX_INT_DIGITS } from './limits';
import { Scope } from '../values/scope';
import { cloneModule } from '../torch/transformer';
import { pyStr } from '../values/strings';
import {
  Args, BoundMethod, Builtin, ClassValue, FunctionValue, Instance, ModuleObject, Namespace, Partial, PyDict, RangeValue, SliceValue, SuperProxy, Tensor,
  Unknown, Value, dequeOf, isDequeValue, isTupleValue, isUnknown, tupleOf, typeName, unknown,
} from '../values/values';

type Fn = (args: Args, ip: Interpreter, call: SyntaxNode | null) => Value;
const b = (name: string, f: Fn): Builtin => new Builtin(name, f);

function anyUnknown(values: Value[]): Unknown | null {
  return (values.find(isUnknown) as Unknown | undefined) ?? null;
}

function toInt(v: Value): Value {
  if (v instanceof ValueTensor) return toInt(valueScalar(v) ?? unknown('int() of a tensor with more than one element'));
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new PyError('ValueError', 'cannot convert float to integer');
    return BigInt(Math.trunc(v));
  }
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '' || [...t].some((c, i) => !(c >= '0' && c <= '9') && !(i === 0 && (c === '-' || c === '+')))) throw new PyError('ValueError', `invalid literal for int() with base 10: '${v}'`);
    const digits = t.length - (t[0] === '-' || t[0] === '+' ? 1 : 0);
    if (digits > MAX_INT_DIGITS) throw new PyError('ValueError', `Exceeds the limit (${MAX_INT_DIGITS} digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit`);
    return BigInt(t);
  }
  if (v instanceof Tensor) return unknown('tensor values are not known statically');
  if (isUnknown(v)) return v;
  throw new PyError('TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${typeName(v)}'`);
}

function toFloat(v: Value): Value {
  if (v instanceof ValueTensor) return toFloat(valueScalar(v) ?? unknown('float() of a tensor with more than one element'));
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return Number(v);
  if (isUnknown(v)) return v;
  return unknown('float() of a non-number');
}

/** Python's round(): banker's rounding to an int, or to `digits` decimals as a float. */
function pyRound(x: Value, digits: Value): Value {
  if (typeof x === 'bigint' || typeof x === 'boolean') return typeof x === 'boolean' ? (x ? 1n : 0n) : x;
  if (typeof x !== 'number') return isUnknown(x) ? x : unknown('round() of a non-number');
  if (digits !== null && digits !== undefined) {
    const f = 10 ** Number(digits);
    return Math.round(x * f) / f;
  }
  const floor = Math.floor(x);
  const diff = x - floor;
  const rounded = diff > 0.5 ? floor + 1 : diff < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  return BigInt(rounded);
}

function extreme(args: Args, ip: Interpreter, op: '<' | '>'): Value {
  const items = args.positional.length === 1 ? ip.iterate(args.positional[0]) : args.positional;
  if (items.length === 0) {
    if (args.keywords.has('default')) return args.keywords.get('default')!;
    throw new PyError('ValueError', 'max() arg is an empty sequence');
  }
  const u = anyUnknown(items);
  if (u) return unknown(u.reason);
  const key = args.keywords.get('key');
  let best = items[0];
  let bestKey = key ? ip.call(key, { positional: [best], keywords: new Map() }, null) : best;
  for (const item of items.slice(1)) {
    const k = key ? ip.call(key, { positional: [item], keywords: new Map() }, null) : item;
    if (compare(op, k, bestKey, ip.budget) === true) {
      best = item;
      bestKey = k;
    }
  }
  return best;
}

function isInstance(ip: Interpreter, obj: Value, spec: Value): Value {
  if (Array.isArray(spec)) {
    const results = spec.map((s) => isInstance(ip, obj, s));
    return results.some((r) => r === true) ? true : results.some(isUnknown) ? unknown('isinstance of an unknown class') : false;
  }
  if (spec instanceof Builtin) {
    const primitive: Record<string, (v: Value) => boolean> = {
      int: (v) => typeof v === 'bigint' || typeof v === 'boolean',
      float: (v) => typeof v === 'number',
      str: (v) => typeof v === 'string',
      bool: (v) => typeof v === 'boolean',
      list: (v) => Array.isArray(v) && !isTupleValue(v),
      tuple: (v) => isTupleValue(v),
      dict: (v) => v instanceof PyDict,
      partial: (v) => v instanceof Partial,
      type: (v) => v instanceof ClassValue,
      MethodType: (v) => v instanceof BoundMethod,
      BuiltinFunctionType: (v) => v instanceof Builtin,
      object: () => true,
      bytes: () => false,
      // torch.Tensor (and nn.Parameter, a subclass): any tensor the analysis holds, shape known or not.
      Tensor: (v) => v instanceof Tensor,
    };
    if (!(spec.name in primitive)) return unknown(`isinstance with ${spec.name}, which the analysis does not model`);
    if (isUnknown(obj)) return unknown(obj.reason);
    return primitive[spec.name]?.(obj) ?? false;
  }
  if (!(spec instanceof ClassValue)) return unknown('isinstance of an unknown class');
  if ((obj instanceof ModuleObject || obj instanceof Instance) && obj.cls.mro().includes(spec)) return true;
  const abstract = isUnknown(obj) ? undefined : abcInstance(obj, spec);
  if (abstract !== undefined) return abstract ?? unknown(`isinstance of a ${typeName(obj)} and ${spec.name}`);
  if (obj instanceof ModuleObject || obj instanceof Instance) return false;
  if (isUnknown(obj)) return unknown(obj.reason);
  return false;
}

function sorted(ip: Interpreter, args: Args): Value[] {
  const items = ip.iterate(args.positional[0]);
  // A sort makes about n log n comparisons, each a call of ours.
  ip.budget.charge(items.length * Math.log2(items.length + 1), 4);
  const key = args.keywords.get('key');
  const order = (x: Value, y: Value): number => (compare('<', x, y, ip.budget) === true ? -1 : compare('>', x, y, ip.budget) === true ? 1 : 0);
  if (!key) return args.keywords.get('reverse') === true ? items.sort(order).reverse() : items.sort(order);
  const keyed = items.map((v) => [ip.call(key, { positional: [v], keywords: new Map() }, null), v] as const);
  keyed.sort((x, y) => order(x[0], y[0]));
  const out = keyed.map(([, v]) => v);
  return args.keywords.get('reverse') === true ? out.reverse() : out;
}

function zip(ip: Interpreter, args: Args): Value[] {
  const lists = args.positional.map((v) => ip.iterate(v));
  const n = Math.min(...lists.map((l) => l.length));
  return Array.from({ length: lists.length ? n : 0 }, (_, i) => tupleOf(lists.map((l) => l[i])));
}

function range(args: Value[]): Value {
  const u = anyUnknown(args);
  if (u) throw new CannotEvaluate(u.reason);
  const ints = args.map((v) => {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'boolean') return v ? 1n : 0n;
    const index = integerIndex(v);
    if (index !== null) return index;
    throw new PyError('TypeError', `'${typeName(v)}' object cannot be interpreted as an integer`);
  });
  const [start, stop, step] = ints.length === 1 ? [0n, ints[0], 1n] : [ints[0], ints[1], ints[2] ?? 1n];
  if (step === 0n) throw new PyError('ValueError', 'range() arg 3 must not be zero');
  return new RangeValue(start, stop, step);
}

/** An exception class: raising it carries its name and message. */
function exceptionClass(name: string): ClassValue {
  return new ClassValue(name, [], null, null, {
    isModule: false,
    init(self, args) {
      (self as Instance).attrs.set('__exception__', name);
      (self as Instance).attrs.set('message', args.positional.length ? pyStr(args.positional[0]) : '');
    },
  });
}

/** str(v): its text is built only when it is within the string limit, and is charged for. */
function strOf(ip: Interpreter, v: Value): Value {
  return isUnknown(v) ? v : textOf(v, ip.budget);
}

function len(v: Value): Value {
  const changed = changedReason(v);
  if (changed !== null) return unknown(changed);
  if (typeof v === 'string' || Array.isArray(v)) return BigInt(v.length);
  if (v instanceof PyDict) return BigInt(v.entries.size);
  if (v instanceof RangeValue) return v.length;
  if (v instanceof ModuleObject) return BigInt(v.modules.size);
  if (v instanceof Tensor) return v.shape && v.shape.length ? v.shape[0] : unknown('len() of a tensor of unknown shape');
  if (isUnknown(v)) return unknown(v.reason);
  throw new PyError('TypeError', `object of type '${typeName(v)}' has no len()`);
}

function sum(ip: Interpreter, args: Args): Value {
  let total: Value = args.positional[1] ?? args.keywords.get('start') ?? 0n;
  for (const v of ip.iterate(args.positional[0])) total = binaryOp('+', total, v, ip.budget);
  return total;
}

export function makeBuiltins(): Scope {
  const s = new Scope(null, 'builtins');
  const set = (name: string, f: Fn): void => {
    s.vars.set(name, b(name, f));
  };
  set('eval', evalBuiltin);
  set('int', (a) => (a.positional.length ? toInt(a.positional[0]) : 0n));
  set('float', (a) => (a.positional.length ? toFloat(a.positional[0]) : 0));
  set('bool', (a, ip) => {
    const t = ip.truthy(a.positional[0] ?? false);
    return t === null ? unknown('truth value unknown') : t;
  });
  set('str', (a, ip) => (a.positional.length ? strOf(ip, a.positional[0]) : ''));
  set('len', (a) => len(a.positional[0]));
  set('abs', (a) => {
    const v = a.positional[0];
    if (typeof v === 'bigint') return v < 0n ? -v : v;
    if (typeof v === 'number') return Math.abs(v);
    return isUnknown(v) ? v : unknown('abs() of a non-number');
  });
  set('round', (a) => pyRound(a.positional[0], a.positional[1] ?? null));
  set('min', (a, ip) => extreme(a, ip, '<'));
  set('max', (a, ip) => extreme(a, ip, '>'));
  set('sum', (a, ip) => sum(ip, a));
  set('pow', (a, ip) => binaryOp('**', a.positional[0], a.positional[1], ip.budget));
  set('divmod', (a, ip) => {
    const [x, y] = a.positional;
    return tupleOf([binaryOp('//', x, y, ip.budget), binaryOp('%', x, y, ip.budget)]);
  });
  set('range', (a) => range(a.positional));
  set('enumerate', (a, ip) => {
    const start = (a.positional[1] ?? a.keywords.get('start') ?? 0n) as bigint;
    return ip.iterate(a.positional[0]).map((v, i) => tupleOf([start + BigInt(i), v]));
  });
  set('zip', (a, ip) => zip(ip, a));
  set('reversed', (a, ip) => ip.iterate(a.positional[0]).reverse());
  set('sorted', (a, ip) => sorted(ip, a));
  set('list', (a, ip) => (a.positional.length ? ip.iterate(a.positional[0]) : []));
  set('tuple', (a, ip) => tupleOf(a.positional.length ? ip.iterate(a.positional[0]) : []));
  set('set', (a, ip) => {
    const d = new PyDict();
    for (const v of a.positional.length ? ip.iterate(a.positional[0]) : []) d.set(v, v);
    return d.keys();
  });
  set('dict', (a, ip) => {
    const d = new PyDict();
    const src = a.positional[0];
    if (src instanceof PyDict) for (const [k, v] of src.entries.values()) d.set(k, v);
    else if (src !== undefined) for (const pair of ip.iterate(src)) {
      const [k, v] = ip.iterate(pair);
      d.set(k, v);
    }
    a.keywords.forEach((v, k) => d.set(k, v));
    return d;
  });
  set('map', (a, ip) => {
    const lists = a.positional.slice(1).map((v) => ip.iterate(v));
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => ip.call(a.positional[0], { positional: lists.map((l) => l[i]), keywords: new Map() }, null));
  });
  set('filter', (a, ip) => {
    const items = ip.iterate(a.positional[1]);
    const kept = items.map((v) => ip.truthy(a.positional[0] === null ? v : ip.call(a.positional[0], { positional: [v], keywords: new Map() }, null)));
    return kept.includes(null) ? unknown('filter() on items whose truth is unknown') : items.filter((_, i) => kept[i]);
  });
  set('any', (a, ip) => anyTruth(ip.iterate(a.positional[0]).map((v) => ip.truthy(v)), true));
  set('all', (a, ip) => anyTruth(ip.iterate(a.positional[0]).map((v) => ip.truthy(v)), false));
  set('isinstance', (a, ip) => isInstance(ip, a.positional[0], a.positional[1]));
  set('issubclass', (a) => isSubclass(a.positional[0], a.positional[1]));
  set('hasattr', (a, ip) => {
    const name = attributeName(a.positional[1]);
    try {
      const v = ip.getAttr(a.positional[0], name);
      return isUnknown(v) && isUnknown(a.positional[0]) ? v : true;
    } catch (e) {
      if (e instanceof PyError) return false;
      throw e;
    }
  });
  set('getattr', (a, ip) => {
    try {
      return ip.getAttr(a.positional[0], attributeName(a.positional[1]));
    } catch (e) {
      if (e instanceof PyError && a.positional.length > 2) return a.positional[2];
      throw e;
    }
  });
  set('setattr', (a, ip) => {
    ip.setAttr(a.positional[0], attributeName(a.positional[1]), a.positional[2]);
    return null;
  });
  set('delattr', (a) => {
    const obj = a.positional[0];
    if (!(obj instanceof ModuleObject || obj instanceof Instance)) throw new CannotEvaluate(`delattr() on ${typeName(obj ?? null)}`);
    deleteAttribute(obj, attributeName(a.positional[1]));
    return null;
  });
  // dir() of a module: its names. For torch's namespaces these are the names the analysis models
  // (feature tests such as timm's `'silu' in dir(torch.nn.functional)` only pick an implementation).
  set('dir', (a) => {
    const v = a.positional[0];
    if (v instanceof Namespace && (!v.open || v.name.startsWith('torch'))) return [...v.members.keys()].sort();
    if (v instanceof Instance) return [...new Set([...v.attrs.keys(), ...v.cls.mro().flatMap((c) => [...c.attrs.keys()])])].sort();
    return unknown('dir() of this value is not modelled');
  });
  set('print', () => null);
  set('id', () => unknown('object identity'));
  set('type', (a) => {
    const v = a.positional[0];
    if (v instanceof ModuleObject || v instanceof Instance) return v.cls;
    if (v instanceof Partial) return PARTIAL_TYPE;
    return unknown('type() of a value');
  });
  set('super', (a, ip) => {
    if (a.positional.length === 2) return new SuperProxy(a.positional[1], a.positional[0] as ClassValue);
    const frame = ip.currentFrame();
    if (!frame || frame.self === undefined || !frame.fn.ownerClass) throw new CannotEvaluate('super() outside a method');
    return new SuperProxy(frame.self, frame.fn.ownerClass);
  });
  set('iter', (a, ip) => ip.iterate(a.positional[0]));
  set('next', (a) => {
    const v = a.positional[0];
    if (Array.isArray(v) && v.length) return v.shift()!;
    return unknown('next() of an iterator');
  });
  set('hash', () => unknown('hash'));
  set('callable', (a) => {
    const v = a.positional[0];
    return v instanceof Builtin || v instanceof FunctionValue || v instanceof ClassValue || v instanceof BoundMethod || v instanceof Partial || v instanceof ModuleObject;
  });
  set('property', (a) => a.positional[0]);
  set('staticmethod', (a) => a.positional[0]);
  set('classmethod', (a) => a.positional[0]);
  set('vars', () => unknown('vars()'));
  // slice(stop), slice(start, stop[, step]): the object `a[start:stop:step]` makes (timm's Swin
  // builds its shifted-window mask with them).
  set('slice', (a) => {
    const [x, y, z] = a.positional;
    if (a.positional.length === 0 || a.positional.length > 3 || a.keywords.size > 0) throw new PyError('TypeError', a.keywords.size > 0 ? 'slice() takes no keyword arguments' : `slice expected at least 1 argument, got ${a.positional.length}`);
    return a.positional.length === 1 ? new SliceValue(null, x, null) : new SliceValue(x, y, z ?? null);
  });
  set('locals', (_a, ip, call) => localsOf(ip, call));
  set('open', () => unknown('files are not read'));
  set('input', () => unknown('input()'));
  for (const name of ['Exception', 'BaseException', 'ValueError', 'TypeError', 'RuntimeError', 'NotImplementedError', 'KeyError', 'IndexError', 'AttributeError', 'AssertionError', 'ImportError', 'ModuleNotFoundError', 'ZeroDivisionError', 'StopIteration', 'NameError', 'OSError', 'Warning', 'UserWarning', 'DeprecationWarning', 'FutureWarning', 'RuntimeWarning', 'PendingDeprecationWarning', 'ArithmeticError', 'LookupError', 'OverflowError', 'FileNotFoundError']) {
    s.vars.set(name, exceptionClass(name));
  }
  s.vars.set('object', new ClassValue('object', [], null, null, { isModule: false, init: () => undefined }));
  s.vars.set('NotImplemented', unknown('NotImplemented'));
  s.vars.set('__file__', unknown('__file__'));
  return s;
}

/**
 * copy.deepcopy: lists, tuples, dicts and plain objects are copied all the way down (timm copies
 * each block's argument dict, then pops keys off each copy), a module is cloned, and values that
 * cannot change (numbers, strings, functions, classes, tensors' shapes) are shared, as Python does.
 */
function deepCopy(v: Value, memo: Map<object, Value>, ip: Interpreter): Value {
  if (v === null || typeof v !== 'object') return v;
  const seen = memo.get(v);
  if (seen !== undefined) return seen;
  ip.budget.charge(1);
  const why = changedReason(v);
  if (why) return unknown(why);
  if (v instanceof ModuleObject) return cloneModule(v);
  if (Array.isArray(v)) {
    const out: Value[] = isDequeValue(v) ? dequeOf([]) : [];
    memo.set(v, out);
    for (const x of v) out.push(deepCopy(x, memo, ip));
    return isTupleValue(v) ? tupleOf(out) : out;
  }
  if (v instanceof PyDict) {
    const out = new PyDict();
    out.defaultFactory = v.defaultFactory;
    memo.set(v, out);
    for (const [k, x] of v.entries.values()) out.set(k, deepCopy(x, memo, ip));
    return out;
  }
  // Enum members are singletons: deepcopy gives the member itself.
  if (v instanceof Instance && v.cls.lookup('__enum__') === undefined) {
    const out = new Instance(v.cls);
    memo.set(v, out);
    v.attrs.forEach((x, k) => out.attrs.set(k, deepCopy(x, memo, ip)));
    return out;
  }
  return v;
}

/** copy.copy: a new list, dict or plain object holding the same items. */
function shallowCopy(v: Value): Value {
  const why = changedReason(v);
  if (why) return unknown(why);
  if (Array.isArray(v)) return isTupleValue(v) ? v : isDequeValue(v) ? dequeOf(v) : [...v];
  if (v instanceof PyDict) {
    const out = new PyDict();
    out.defaultFactory = v.defaultFactory;
    for (const [k, x] of v.entries.values()) out.set(k, x);
    return out;
  }
  if (v instanceof Instance) {
    const out = new Instance(v.cls);
    v.attrs.forEach((x, k) => out.attrs.set(k, x));
    return out;
  }
  return v;
}

/** dataclasses.asdict: fields to a dict, nested dataclasses, lists, tuples and dicts converted as copies. */
function asDict(v: Value, depth: number): Value {
  if (depth > 50) return unknown('dataclasses.asdict of a structure nested too deep');
  const why = changedReason(v);
  if (why) return unknown(why);
  if (v instanceof Instance && v.cls.lookup('__dataclass_fields__') !== undefined) {
    const fields = v.cls.lookup('__dataclass_fields__');
    const out = new PyDict();
    for (const name of Array.isArray(fields) ? fields.map(String) : []) out.set(name, asDict(v.attrs.has(name) ? v.attrs.get(name)! : v.cls.lookup(name) ?? null, depth + 1));
    return out;
  }
  if (depth === 0) return unknown('dataclasses.asdict of a value that is not a known dataclass instance');
  if (Array.isArray(v)) {
    const items = v.map((x) => asDict(x, depth + 1));
    return isTupleValue(v) ? tupleOf(items) : items;
  }
  if (v instanceof PyDict) {
    const out = new PyDict();
    for (const [k, x] of v.entries.values()) out.set(k, asDict(x, depth + 1));
    return out;
  }
  return v;
}

/** math, functools, collections, typing, dataclasses, copy, and the other standard modules model code imports. */
export function standardModules(environment?: Environment): Map<string, Namespace> {
  const out = new Map<string, Namespace>();
  const math = new Map<string, Value>();
  const numeric = (f: (x: number) => number, int: boolean): Fn => (a) => {
    const x = a.positional[0];
    if (isUnknown(x)) return x;
    if (typeof x === 'bigint') return int ? x : f(Number(x));
    if (typeof x !== 'number' && typeof x !== 'boolean') return unknown('math of a non-number');
    const r = f(Number(x));
    return int ? BigInt(r) : r;
  };
  math.set('ceil', b('ceil', numeric(Math.ceil, true)));
  math.set('floor', b('floor', numeric(Math.floor, true)));
  math.set('trunc', b('trunc', numeric(Math.trunc, true)));
  math.set('sqrt', b('sqrt', numeric(Math.sqrt, false)));
  math.set('log', b('log', (a) => {
    const [x, base] = a.positional.map(Number);
    return base ? Math.log(x) / Math.log(base) : Math.log(x);
  }));
  math.set('log2', b('log2', numeric(Math.log2, false)));
  math.set('exp', b('exp', numeric(Math.exp, false)));
  math.set('isqrt', b('isqrt', (a) => {
    const x = a.positional[0];
    if (typeof x !== 'bigint') return unknown('isqrt of a non-int');
    let r = BigInt(Math.floor(Math.sqrt(Number(x))));
    while (r * r > x) r--;
    while ((r + 1n) * (r + 1n) <= x) r++;
    return r;
  }));
  math.set('gcd', b('gcd', (a) => {
    let [x, y] = a.positional.map((v) => (typeof v === 'bigint' ? (v < 0n ? -v : v) : 0n));
    while (y) [x, y] = [y, x % y];
    return x;
  }));
  math.set('comb', b('comb', (a) => {
    const [n, k] = a.positional;
    if (typeof n !== 'bigint' || typeof k !== 'bigint' || n < 0n || k < 0n) return unknown('math.comb of values that are not known non-negative ints');
    if (k > n) return 0n;
    if (n > 10_000n) return unknown('math.comb of an int past 10,000');
    let r = 1n;
    for (let i = 0n; i < k; i++) r = (r * (n - i)) / (i + 1n);
    return r;
  }));
  math.set('prod', b('prod', (a, ip) => ip.iterate(a.positional[0]).reduce((acc: Value, v) => binaryOp('*', acc, v, ip.budget), 1n)));
  math.set('pi', Math.PI);
  math.set('e', Math.E);
  math.set('inf', Infinity);
  out.set('math', new Namespace('math', math));
  out.set('inspect', inspectModule());
  out.set('re', reNamespace());
  out.set('os', osModule(environment));
  out.set('os.path', osModule().members.get('path') as Namespace);
  out.set('urllib.parse', urllibParseModule());
  out.set('itertools', itertoolsModule());
  out.set('operator', operatorModule());

  const functools = new Map<string, Value>();
  functools.set('partial', PARTIAL_TYPE);
  functools.set('wraps', WRAPS);
  functools.set('reduce', b('reduce', (a, ip) => {
    const items = ip.iterate(a.positional[1]);
    let acc = a.positional.length > 2 ? a.positional[2] : items.shift()!;
    for (const v of items) acc = ip.call(a.positional[0], { positional: [acc, v], keywords: new Map() }, null);
    return acc;
  }));
  out.set('functools', new Namespace('functools', functools, true));

  const collections = new Map<string, Value>();
  collections.set('OrderedDict', b('OrderedDict', (a, ip) => (ip.loader.builtins.vars.get('dict') as Builtin).fn(a, ip, null)));
  collections.set('defaultdict', b('defaultdict', (a, ip) => {
    const [factory = null, ...rest] = a.positional;
    if (factory !== null && !isUnknown(factory) && !(ip.loader.builtins.vars.get('callable') as Builtin).fn({ positional: [factory], keywords: new Map() }, ip, null)) throw new PyError('TypeError', 'first argument must be callable or None');
    const d = (ip.loader.builtins.vars.get('dict') as Builtin).fn({ positional: rest, keywords: a.keywords }, ip, null) as PyDict;
    d.defaultFactory = factory;
    return d;
  }));
  collections.set('deque', b('deque', (a, ip) => dequeOf(a.positional.length > 0 ? ip.iterate(a.positional[0]) : [])));
  collections.set('namedtuple', b('namedtuple', (a, ip) => {
    const fieldsArg = a.positional[1];
    const fields = typeof fieldsArg === 'string' ? fieldsArg.split(fieldsArg.includes(',') ? ',' : ' ').map((f) => f.trim()).filter(Boolean) : ip.iterate(fieldsArg).map(String);
    const cls = new ClassValue(String(a.positional[0]), [], null, null);
    cls.attrs.set('__dataclass_fields__', fields);
    cls.attrs.set('__namedtuple__', true);
    const defaults = a.keywords.get('defaults');
    if (defaults) {
      const values = ip.iterate(defaults);
      values.forEach((v, i) => cls.attrs.set(fields[fields.length - values.length + i], v));
    }
    return cls;
  }));
  // `import collections` makes `collections.abc` reachable too: the package imports it itself.
  const collectionsAbc = new Namespace('collections.abc', new Map(ABC_CLASSES), true);
  collections.set('abc', collectionsAbc);
  out.set('collections', new Namespace('collections', collections, true));
  out.set('numbers', new Namespace('numbers', new Map(NUMBER_CLASSES), true));

  const typing = new Map<string, Value>();
  const namedTupleBase = new ClassValue('NamedTuple', [], null, null);
  namedTupleBase.attrs.set('__namedtuple__', true);
  typing.set('NamedTuple', namedTupleBase);
  for (const [name, cls] of ABC_CLASSES) typing.set(name, cls);
  out.set('collections.abc', collectionsAbc);
  typing.set('cast', b('cast', (a) => a.positional[1] ?? null));
  typing.set('TYPE_CHECKING', false);
  // typing.OrderedDict is also callable (torchvision's maxvit builds Sequential(OrderedDict(...)) with it).
  typing.set('OrderedDict', collections.get('OrderedDict')!);
  out.set('typing', new Namespace('typing', typing, true));
  const dataclasses = new Map<string, Value>();
  dataclasses.set('dataclass', b('dataclass', (a) => a.positional[0] ?? null));
  dataclasses.set('field', b('field', (a) => {
    if (a.keywords.has('default')) return a.keywords.get('default')!;
    const factory = a.keywords.get('default_factory');
    return factory === undefined ? unknown('a dataclass field without a default') : defaultFactory(factory);
  }));
  // dataclasses.fields: one Field per field, in order. Only its name is modelled; its other
  // attributes (type, default...) are unknown, through a base the analysis does not read.
  const fieldClass = new ClassValue('Field', [unknown('dataclasses.Field is modelled for its name only')], null, null);
  dataclasses.set('fields', b('fields', (a) => {
    const v = a.positional[0] ?? null;
    const cls = v instanceof Instance ? v.cls : v instanceof ClassValue ? v : null;
    if (!cls || cls.lookup('__dataclass_fields__') === undefined || cls.lookup('__namedtuple__') !== undefined) {
      if (isUnknown(v) || (cls && cls.unknownBase())) return unknown('dataclasses.fields of a class that is not known');
      throw new PyError('TypeError', 'must be called with a dataclass type or instance');
    }
    if (cls.lookup('__dataclass_special__') !== undefined || cls.unknownBase()) return unknown('dataclasses.fields of a dataclass with a ClassVar, an InitVar or a base that is not known');
    return tupleOf(dataclassFields(cls).map((name: string) => {
      const field = new Instance(fieldClass);
      field.attrs.set('name', name);
      return field;
    }));
  }));
  dataclasses.set('asdict', b('asdict', (a) => asDict(a.positional[0] ?? null, 0)));
  dataclasses.set('replace', b('replace', (a, ip) => dataclassReplace(ip, a.positional[0], a.keywords)));
  dataclasses.set('is_dataclass', b('is_dataclass', (a) => {
    const v = a.positional[0];
    const cls = v instanceof Instance ? v.cls : v instanceof ClassValue ? v : null;
    return cls !== null && cls.lookup('__dataclass_fields__') !== undefined && cls.lookup('__namedtuple__') === undefined;
  }));
  out.set('dataclasses', new Namespace('dataclasses', dataclasses, true));
  const types = new Map<string, Value>();
  const simpleNamespace = new ClassValue('SimpleNamespace', [], null, null, {
    isModule: false,
    init(self, args) {
      args.keywords.forEach((v, k) => (self as Instance).attrs.set(k, v));
    },
  });
  types.set('SimpleNamespace', simpleNamespace);
  for (const name of ['MethodType', 'BuiltinFunctionType']) types.set(name, b(name, () => unknown(`types.${name}() is not modelled`)));
  types.set('FunctionType', TYPE_CLASSES.get('FunctionType')!);
  types.set('LambdaType', TYPE_CLASSES.get('FunctionType')!);
  out.set('types', new Namespace('types', types, true));
  const enumModule = new Map<string, Value>();
  for (const name of ['Enum', 'IntEnum', 'Flag', 'IntFlag']) {
    const base = new ClassValue(name, [], null, null);
    base.attrs.set('__enum__', true);
    enumModule.set(name, base);
  }
  enumModule.set('auto', b('auto', () => unknown('enum.auto() values')));
  out.set('enum', new Namespace('enum', enumModule, true));
  const copy = new Map<string, Value>();
  copy.set('deepcopy', b('deepcopy', (a, ip) => deepCopy(a.positional[0] ?? null, new Map(), ip)));
  copy.set('copy', b('copy', (a) => shallowCopy(a.positional[0] ?? null)));
  out.set('copy', new Namespace('copy', copy, true));
  return out;
}

export { polyOf };

/** any() (looking for `wanted` true) and all() (for `wanted` false): unknown when an unknown truth could decide it. */
function anyTruth(truths: Array<boolean | null>, wanted: boolean): Value {
  if (truths.includes(wanted)) return wanted;
  return truths.includes(null) ? unknown(`${wanted ? 'any' : 'all'}() of items whose truth is unknown`) : !wanted;
}

/** issubclass(a, b) for classes of the analysed code, with a tuple of classes for b; unknown otherwise. */
function isSubclass(a: Value, b: Value): Value {
  if (Array.isArray(b) && isTupleValue(b)) {
    const each = b.map((x) => isSubclass(a, x));
    if (each.includes(true)) return true;
    return each.every((x) => x === false) ? false : unknown('issubclass of unknown classes');
  }
  return a instanceof ClassValue && b instanceof ClassValue ? a.mro().includes(b) : unknown('issubclass of unknown classes');
}

/** Where locals() means something other than the running function's own variables, or is version-dependent. */
const NOT_A_FUNCTION_BODY = new Set(['ClassDefinition', 'LambdaExpression', 'ArrayComprehensionExpression', 'DictionaryComprehensionExpression', 'SetComprehensionExpression', 'ComprehensionExpression']);

/**
 * locals() called directly in a def's body: a new dict of the variables bound so far (timm's nest
 * reads its arguments back by name, `locals()[param_name]`). Anywhere else it is unknown: in a
 * comprehension its answer depends on the Python version (3.12 inlines comprehensions), at module
 * or class level it is a namespace the analysis does not hand out, and in a nested def it would
 * also hold the free variables it reads.
 */
function localsOf(ip: Interpreter, call: SyntaxNode | null): Value {
  const frame = ip.currentFrame();
  let node = call?.parent ?? null;
  while (node && node.name !== 'FunctionDefinition' && !NOT_A_FUNCTION_BODY.has(node.name)) node = node.parent;
  if (!frame || !node || node.name !== 'FunctionDefinition' || node !== frame.fn.node) return unknown('locals() outside the body of a def is not modelled');
  if (frame.fn.closure.kind === 'function') return unknown('locals() in a nested def (it would also hold the free variables the def reads) is not modelled');
  // CPython lists the parameters, then the other locals in the order their names first appear
  // in the def, then its cells: `__class__` when the def uses super() or __class__.
  const { fn, scope } = frame;
  const firstSeen = new Map<string, number>();
  const cursor = fn.node.cursor();
  do {
    if (cursor.name !== 'VariableName') continue;
    const name = fn.unit.source.slice(cursor.from, cursor.to);
    if (!firstSeen.has(name)) firstSeen.set(name, firstSeen.size);
  } while (cursor.next() && cursor.from < fn.node.to);
  const params = (fn.params ?? []).map((p) => p.name);
  const rank = (name: string): number => (params.includes(name) ? params.indexOf(name) - params.length : firstSeen.get(name) ?? Number.MAX_SAFE_INTEGER);
  const out = new PyDict();
  for (const name of [...scope.vars.keys()].sort((a, b) => rank(a) - rank(b))) out.set(name, scope.vars.get(name)!);
  if (firstSeen.has('super') || firstSeen.has('__class__')) {
    if (!fn.ownerClass) return unknown('locals() in a def that uses super() outside a class body is not modelled');
    out.set('__class__', fn.ownerClass);
  }
  return out;
}
