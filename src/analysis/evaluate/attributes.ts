import { functionAttribute } from './introspection';
import { CannotEvaluate, PyError } from '../values/errors';
import { changedReason, markChanged, mayBeObject, moduleChangedBy } from '../values/unknownContents';
import { initFields, namespaceMember, type Interpreter } from './interpreter';
import { pyStr } from '../values/strings';
import { moduleMethod } from '../torch/containers';
import { tensorMethod } from '../torch/tensorOps';
import { Poly1d } from '../torch/numpyPoly';
import { ValueTensor } from '../torch/valueTensors';
import { setConvAttribute } from '../torch/conv';
import { partialAttribute } from './partialAttributes';
import { MORE_STRING_METHODS, moreStringMethod } from './stringMethods';
import { namedTupleMember } from './records';
import {
  BoundMethod, Builtin, ClassValue, FunctionValue, Instance, ModuleObject, Namespace, Partial, PyDict, SuperProxy, Tensor, Unknown, Value,
  isDequeValue, isListValue, isTupleValue, tupleOf, typeName, unknown, unknownInKey,
} from '../values/values';
import { MAX_CHARS, MAX_ITEMS, tooLongString, tooManyItems } from './limits';
import { TextBuilder } from './textBuilding';
import { ITEMS_PER_STEP, type Budget } from './budget';

function method(name: string, f: (args: Value[], kw: Map<string, Value>) => Value): Builtin {
  return new Builtin(name, (a) => f(a.positional, a.keywords));
}

/** Binds a class attribute to an instance the way Python's descriptors do for def, property, staticmethod, classmethod. */
function bindClassAttr(ip: Interpreter, owner: ClassValue, value: Value, self: Value): Value {
  if (!(value instanceof FunctionValue)) return value;
  if (value.decorators.includes('staticmethod')) return value;
  if (value.decorators.includes('classmethod')) return new BoundMethod(value, owner);
  if (value.decorators.includes('property')) return ip.invoke(value, { positional: [], keywords: new Map() }, self);
  return new BoundMethod(value, self);
}

export function getAttribute(ip: Interpreter, obj: Value, name: string): Value {
  if (obj instanceof Unknown) return unknown(obj.reason);
  const changed = changedReason(obj);
  if (changed !== null) return unknown(changed);
  if (obj instanceof Namespace) return namespaceMember(obj, name);
  if (obj instanceof ModuleObject) return moduleAttribute(ip, obj, name);
  if (obj instanceof Instance) {
    if (obj.attrs.has(name)) return obj.attrs.get(name)!;
    const v = obj.cls.lookup(name);
    if (v !== undefined) return bindClassAttr(ip, obj.cls, v, obj);
    if (name === '__class__') return obj.cls;
    const record = namedTupleMember(ip, obj, name);
    if (record !== undefined) return record;
    throw new PyError('AttributeError', `'${obj.cls.name}' object has no attribute '${name}'`);
  }
  if (obj instanceof ClassValue) {
    const native = obj.native;
    // nn.Module.__init__(self) and the like, called through the class.
    if (name === '__init__' && native && !obj.attrs.has('__init__')) {
      return new Builtin('__init__', (a, inner, call) => {
        native.init(a.positional[0] as ModuleObject, { positional: a.positional.slice(1), keywords: a.keywords }, inner, call);
        return null;
      });
    }
    const v = obj.lookup(name);
    if (v !== undefined) return v instanceof FunctionValue && v.decorators.includes('classmethod') ? new BoundMethod(v, obj) : v;
    if (name === '__name__') return obj.name;
    const unreadBase = obj.unknownBase();
    if (unreadBase) return unknown(`${obj.name}.${name} may come from a base class that could not be read: ${unreadBase.reason}`);
    throw new PyError('AttributeError', `type object '${obj.name}' has no attribute '${name}'`);
  }
  if (obj instanceof SuperProxy) return superAttribute(ip, obj, name);
  if (obj instanceof Partial) return partialAttribute(obj, name);
  if (obj instanceof Tensor) return tensorAttribute(obj, name);
  if (Array.isArray(obj)) return sequenceMethod(ip, obj, name);
  if (obj instanceof PyDict) return dictMethod(ip, obj, name);
  if (typeof obj === 'string') return stringMethod(ip, obj, name);
  if (typeof obj === 'number' && name === 'is_integer') return method(name, () => Number.isInteger(obj));
  if (obj instanceof FunctionValue) {
    const v = functionAttribute(obj, name);
    if (v !== undefined) return v;
  }
  if (typeof obj === 'bigint' && (name === 'real' || name === 'numerator')) return obj;
  throw new PyError('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`);
}

function moduleAttribute(ip: Interpreter, mod: ModuleObject, name: string): Value {
  // No Value is undefined (None is null), so one get per map tells whether the name is there.
  const child = mod.child(name);
  if (child !== undefined) return child;
  const own = mod.attr(name);
  if (own !== undefined) return own;
  const v = mod.cls.lookup(name);
  if (v !== undefined) return bindClassAttr(ip, mod.cls, v, mod);
  const dunder = moduleDunder(ip, mod, name);
  if (dunder) return dunder;
  const m = moduleMethod(ip, mod, name);
  if (m) return method(name, m);
  if (name === 'forward') return new Builtin('forward', (a, inner, call) => inner.callModule(mod, a, call));
  if (name === 'training') return true;
  if (name === '__class__') return mod.cls;
  if (mod.conv || mod.cls.nativeBase() !== mod.cls) {
    if (mod.conv && (mod.conv.symbolic || mod.conv.error || mod.conv.lazy)) return unknown(`${mod.typeName}.${name} is not known`);
  }
  // Code the analysis could not read may have set it (or a base class it could not read has it).
  const changed = moduleChangedBy(mod);
  if (changed !== null) return unknown(changed);
  throw new PyError('AttributeError', `'${mod.typeName}' object has no attribute '${name}'`);
}

/** An attribute name given as a value: a str, or the statement cannot say which attribute it names. */
export function attributeName(v: Value | undefined): string {
  if (typeof v === 'string') return v;
  if (v instanceof Unknown) throw new CannotEvaluate(`an attribute named by an unknown value (${v.reason})`);
  throw new PyError('TypeError', `attribute name must be string, not '${typeName(v ?? null)}'`);
}

/**
 * nn.Module's own `__setattr__`, `__getattr__` and `__delattr__`, called by name as DLA-style code
 * does (`self.__setattr__('level%d' % i, tree)`). Module.__getattr__ is only reached for
 * parameters, buffers and submodules; a plain attribute is not found there in PyTorch, and since
 * buffers are not told apart from plain attributes here, those reads are unknown.
 */
function moduleDunder(ip: Interpreter, mod: ModuleObject, name: string): Builtin | null {
  switch (name) {
    case '__setattr__':
      return method(name, ([n, v]) => {
        setAttribute(ip, mod, attributeName(n), v ?? null);
        return null;
      });
    case '__delattr__':
      return method(name, ([n]) => {
        deleteAttribute(mod, attributeName(n));
        return null;
      });
    case '__getattr__':
      return method(name, ([n]) => {
        const key = attributeName(n);
        const child = mod.child(key);
        if (child !== undefined) return child;
        if (mod.params.has(key)) return moduleAttribute(ip, mod, key);
        if (mod.attr(key) !== undefined) return unknown(`${mod.typeName}.__getattr__('${key}') finds buffers but not plain attributes, which are not told apart here`);
        throw new PyError('AttributeError', `'${mod.typeName}' object has no attribute '${key}'`);
      });
  }
  return null;
}

/** super().name: the attribute from the classes after the method's own class in the MRO. */
function superAttribute(ip: Interpreter, proxy: SuperProxy, name: string): Value {
  const self = proxy.self;
  const cls = self instanceof ModuleObject || self instanceof Instance ? self.cls : self instanceof ClassValue ? self : null;
  if (!cls) throw new CannotEvaluate('super() of an unknown object');
  const mro = cls.mro();
  for (const c of mro.slice(mro.indexOf(proxy.after) + 1)) {
    if (c.attrs.has(name)) return bindClassAttr(ip, c, c.attrs.get(name)!, self);
    if (name === '__init__' && c.attrs.has('__dataclass_fields__') && self instanceof Instance) {
      // A dataclass base's generated __init__.
      return new Builtin('__init__', (a) => {
        initFields(ip, self, c, a);
        return null;
      });
    }
    if (c.native && name === '__init__') {
      const native = c.native;
      return new Builtin('__init__', (a, inner, call) => {
        native.init(self as ModuleObject, a, inner, call);
        return null;
      });
    }
    if (c.native?.forward && name === 'forward') {
      const forward = c.native.forward;
      return new Builtin('forward', (a, inner, call) => forward(self as ModuleObject, a, inner, call));
    }
  }
  if (name === '__init__') return new Builtin('__init__', () => null);
  throw new PyError('AttributeError', `'super' object has no attribute '${name}'`);
}

function tensorAttribute(t: Tensor, name: string): Value {
  if (t instanceof Poly1d) return t.attribute(name) ?? unknown(`numpy.poly1d.${name} is not modelled`);
  switch (name) {
    case 'shape':
      return t.shape ? tupleOf(t.shape) : unknown('tensor shape unknown');
    case 'ndim':
      return t.shape ? BigInt(t.shape.length) : unknown('tensor rank unknown');
    case 'T':
    case 'mT':
      return tensorMethod(t, 't', [], new Map());
    case 'data':
      return t;
    // The real part has the tensor's shape, complex or not (of a real tensor, PyTorch gives the tensor itself).
    case 'real':
      return t instanceof ValueTensor ? t : new Tensor(t.shape);
    case 'dtype':
    case 'device':
    case 'grad':
      return unknown(`tensor.${name}`);
    case 'requires_grad':
    case 'is_cuda':
      return false;
  }
  return new Builtin(name, (a) => tensorMethod(t, name, a.positional, a.keywords), true);
}

function sequenceMethod(ip: Interpreter, list: Value[], name: string): Value {
  const mutable = isListValue(list);
  switch (name) {
    case 'append':
      if (mutable) return method(name, ([v]) => {
          list.push(v);
          return null;
        });
      break;
    case 'extend':
      if (mutable) return method(name, ([v]) => {
          const items = ip.iterate(v);
          if (list.length + items.length > MAX_ITEMS) throw new CannotEvaluate(tooManyItems(list.length + items.length, ip.budget).reason);
          for (const item of items) list.push(item);
          return null;
        });
      break;
    case 'appendleft':
      if (isDequeValue(list)) return method(name, ([v]) => {
          list.unshift(v);
          return null;
        });
      break;
    case 'popleft':
      if (isDequeValue(list)) return method(name, () => {
          if (list.length === 0) throw new PyError('IndexError', 'pop from an empty deque');
          return list.shift()!;
        });
      break;
    case 'insert':
      if (mutable) return method(name, ([i, v]) => {
          list.splice(Number(i), 0, v);
          return null;
        });
      break;
    case 'pop':
      if (mutable) {
        return method(name, ([i]) => {
          if (list.length === 0) throw new PyError('IndexError', 'pop from empty list');
          const at = i === undefined ? list.length - 1 : Number(i) < 0 ? list.length + Number(i) : Number(i);
          return list.splice(at, 1)[0];
        });
      }
      break;
    case 'reverse':
      if (mutable) {
        return method(name, () => {
          list.reverse();
          return null;
        });
      }
      break;
    case 'copy':
      return method(name, () => [...list]);
    case 'index':
      return method(name, ([v]) => BigInt(list.findIndex((x) => pyStr(x) === pyStr(v))));
    case 'count':
      return method(name, ([v]) => BigInt(list.filter((x) => pyStr(x) === pyStr(v)).length));
    case 'sort':
      return method(name, () => null);
  }
  throw new PyError('AttributeError', `'${isTupleValue(list) ? 'tuple' : 'list'}' object has no attribute '${name}'`);
}

function dictMethod(ip: Interpreter, d: PyDict, name: string): Value {
  if (name === 'get' || name === 'pop' || name === 'setdefault') {
    // Which entry a key that is not known names cannot be told: the read is unknown, and `pop` or
    // `setdefault` may have changed any entry.
    return method(name, (args) => {
      const unknownKey = unknownInKey(args[0] ?? null);
      if (!unknownKey) return keyedDictMethod(d, name, args);
      if (name !== 'get') d.changedBy ??= `${name}() was called with an unknown key (${unknownKey.reason})`;
      return unknown(unknownKey.reason);
    });
  }
  switch (name) {
    case 'items':
      return method(name, () => [...d.entries.values()].map(([k, v]) => tupleOf([k, v])));
    case 'keys':
      return method(name, () => d.keys());
    case 'values':
      return method(name, () => d.values());
    case 'update':
      return method(name, ([other], kw) => {
        if (other instanceof PyDict) for (const [k, v] of other.entries.values()) d.set(k, v);
        else if (other !== undefined) for (const pair of ip.iterate(other)) d.set(...(ip.iterate(pair) as [Value, Value]));
        for (const [k, v] of kw) d.set(k, v);
        return null;
      });
    case 'copy':
      return method(name, () => {
        const out = new PyDict();
        out.defaultFactory = d.defaultFactory;
        for (const [k, v] of d.entries.values()) out.set(k, v);
        return out;
      });
  }
  throw new PyError('AttributeError', `'dict' object has no attribute '${name}'`);
}

/** A key holding None gives None, not the default: only a missing key (undefined) falls back. */
function keyedDictMethod(d: PyDict, name: string, [k, dflt]: Value[]): Value {
  const v = d.get(k);
  if (name === 'get') return v !== undefined ? v : dflt ?? null;
  if (name === 'pop') {
    d.delete(k);
    if (v === undefined && dflt === undefined) throw new PyError('KeyError', pyStr(k));
    return v !== undefined ? v : dflt ?? null;
  }
  if (d.get(k) === undefined) d.set(k, dflt ?? null);
  return d.get(k)!;
}

function stringMethod(ip: Interpreter, s: string, name: string): Value {
  switch (name) {
    case 'format':
      return method(name, (args, kw) => formatString(s, args, kw, ip.budget));
    case 'join':
      return method(name, ([items]) => {
        const parts = ip.iterate(items).map(pyStr);
        const length = parts.reduce((n, p) => n + p.length, s.length * Math.max(0, parts.length - 1));
        if (length > MAX_CHARS) return tooLongString(length, ip.budget);
        ip.budget.charge(length);
        return parts.join(s);
      });
    case 'lower':
      return method(name, () => s.toLowerCase());
    case 'upper':
      return method(name, () => s.toUpperCase());
    case 'startswith':
      return method(name, ([p]) => (Array.isArray(p) ? p.some((x) => s.startsWith(String(x))) : s.startsWith(String(p))));
    case 'endswith':
      return method(name, ([p]) => (Array.isArray(p) ? p.some((x) => s.endsWith(String(x))) : s.endsWith(String(p))));
    case 'replace':
      return method(name, ([a, b]) => {
        const count = chargeOccurrences(s, String(a), ip.budget);
        const length = s.length + count * (String(b).length - String(a).length);
        if (length > MAX_CHARS) return tooLongString(length, ip.budget);
        ip.budget.charge(length);
        return s.split(String(a)).join(String(b));
      });
    case 'isdigit':
      return method(name, () => s.length > 0 && [...s].every((c) => c >= '0' && c <= '9'));
  }
  if (MORE_STRING_METHODS.has(name)) {
    return method(name, (args, kw) => {
      const sep = args[0] ?? kw.get('sep');
      if ((name === 'split' || name === 'rsplit') && typeof sep === 'string') {
        // Pieces are charged, and too many refused, before the array of them is made.
        const pieces = chargeOccurrences(s, sep, ip.budget) + 1;
        if (pieces > MAX_ITEMS) return tooManyItems(pieces, ip.budget);
      } else ip.budget.charge(s.length);
      const v = moreStringMethod(s, name, args, kw);
      if (v === undefined) throw new CannotEvaluate(`str.${name} with these arguments is not modelled`);
      return Array.isArray(v) && v.length > MAX_ITEMS ? tooManyItems(v.length, ip.budget) : v;
    });
  }
  if (PYTHON_STR_METHODS.has(name)) return method(name, () => unknown(`str.${name}, which the analysis does not model`));
  throw new PyError('AttributeError', `'str' object has no attribute '${name}'`);
}

/**
 * How many times `sep` occurs in `s`, found without building the pieces, and charged a step for
 * each: splitting a string makes a piece per occurrence (fuzz seed 2026: `"x" * 3000000` replaced
 * in a loop made three million pieces before its result was found too long, and ran 5.6 s).
 */
function chargeOccurrences(s: string, sep: string, budget: Budget): number {
  budget.charge(s.length);
  let count = sep === '' ? s.length + 1 : 0;
  if (sep !== '') for (let at = s.indexOf(sep); at >= 0; at = s.indexOf(sep, at + sep.length)) count++;
  budget.charge(count, ITEMS_PER_STEP);
  return count;
}

/** str.format with `{}`, `{0}` and `{name}` fields (format specs are ignored). */
function formatString(template: string, args: Value[], kw: Map<string, Value>, budget: Budget): Value {
  const out = new TextBuilder(budget);
  budget.charge(template.length);
  let auto = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === '{' && template[i + 1] === '{') {
      out.add('{');
      i++;
    } else if (ch === '}' && template[i + 1] === '}') {
      out.add('}');
      i++;
    } else if (ch === '{') {
      const end = template.indexOf('}', i);
      const field = template.slice(i + 1, end).split(':')[0].split('!')[0];
      const v = field === '' ? args[auto++] : field[0] >= '0' && field[0] <= '9' ? args[Number(field)] : kw.get(field);
      if (v === undefined) throw new PyError('KeyError', field);
      if (v instanceof Unknown) return unknown(v.reason);
      if (!out.add(v)) break;
      i = end;
    } else {
      out.add(ch);
    }
  }
  return out.result;
}

export function setAttribute(ip: Interpreter, obj: Value, name: string, value: Value): void {
  if (obj instanceof ModuleObject) {
    if (!setConvAttribute(obj, name, value)) setModuleAttribute(obj, name, value);
    return;
  }
  if (obj instanceof Instance || obj instanceof ClassValue) {
    obj.attrs.set(name, value);
    return;
  }
  if (obj instanceof FunctionValue) {
    (obj.attrs ??= new Map()).set(name, value);
    return;
  }
  // `module.__all__ = [...]` on a module the analysis read (a registry listing a model file's entries).
  if (obj instanceof Namespace && !obj.open) {
    obj.members.set(name, value);
    return;
  }
  if (obj instanceof Unknown || obj instanceof Tensor) return;
  void ip;
  throw new CannotEvaluate(`cannot set an attribute on ${typeName(obj)}`);
}

/** `del obj.name`: a module forgets a child or attribute of that name, an instance its attribute; nothing else changes. */
export function deleteAttribute(obj: Value, name: string): void {
  if (obj instanceof ModuleObject) {
    obj.modules.delete(name);
    obj.attrs.delete(name);
  } else if (obj instanceof Instance) obj.attrs.delete(name);
}

/**
 * nn.Module.__setattr__: modules go to _modules (a re-assigned name keeps its place), Parameters
 * to _parameters, anything else is a plain attribute; None re-assigned to a module slot keeps it.
 */
function setModuleAttribute(mod: ModuleObject, name: string, value: Value): void {
  if (mayBeObject(value)) {
    // An object the analysis could not make may be a module: the tree may hold more than is seen.
    markChanged(mod, `self.${name} is set to a value that could not be computed: ${value.reason}`);
    if (mod.child(name) !== undefined) mod.modules.set(name, null);
    else mod.attrs.set(name, value);
    return;
  }
  if (value instanceof ModuleObject) {
    mod.forget(name);
    mod.modules.set(name, value);
    return;
  }
  if (value instanceof Tensor && value.parameter) {
    mod.attrs.set(name, value);
    mod.params.set(name, value.shape ? value.shape.reduce((a, b) => a * b, 1n) : null);
    return;
  }
  if (mod.child(name) !== undefined) {
    if (value === null) mod.modules.set(name, null);
    else throw new PyError('TypeError', `cannot assign '${typeName(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
    return;
  }
  if (value === null && mod.hasParam(name)) {
    mod.params.delete(name);
  }
  mod.attrs.set(name, value);
}

/** Python's str methods the analysis does not model: calling one gives an unknown, never an AttributeError Python would not raise. */
const PYTHON_STR_METHODS = new Set([
  'casefold', 'center', 'encode', 'expandtabs', 'format_map', 'index', 'isalnum', 'isascii', 'isdecimal',
  'isidentifier', 'islower', 'isnumeric', 'isprintable', 'isspace', 'istitle', 'isupper', 'ljust', 'maketrans',
  'rindex', 'rjust', 'swapcase', 'translate', 'removeprefix', 'removesuffix',
]);
