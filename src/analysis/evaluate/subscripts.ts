import { CannotEvaluate, PyError } from '../values/errors';
import { changedReason, markChanged } from '../values/unknownContents';
import type { Interpreter } from './interpreter';
import { ValueTensor, integerIf, integerIndex, valueIndex } from '../torch/valueTensors';
import { tensorIndex } from './tensorShapes';
import { ClassValue, ELLIPSIS, Instance, ModuleObject, PyDict, RangeValue, SliceValue, Tensor, Value, isTupleValue, isUnknown, tupleOf, typeName, unknown, unknownInKey } from '../values/values';
import { newContainer } from '../torch/containers';
import type { Budget } from './budget';
import { MAX_ITEMS, tooManyItems } from './limits';

function toIndex(v: Value): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return integerIndex(v);
}

/** Python's slice.indices(): concrete start, stop and step for a sequence of `length`. */
export function sliceIndices(s: SliceValue, length: number): number[] {
  const step = s.step === null ? 1 : Number(toIndex(s.step) ?? 1n);
  if (step === 0) throw new PyError('ValueError', 'slice step cannot be zero');
  const clamp = (v: Value, dflt: number): number => {
    if (v === null) return dflt;
    let i = Number(toIndex(v) ?? 0n);
    if (i < 0) i += length;
    return step > 0 ? Math.min(Math.max(i, 0), length) : Math.min(Math.max(i, -1), length - 1);
  };
  const start = clamp(s.start, step > 0 ? 0 : length - 1);
  const stop = clamp(s.stop, step > 0 ? length : -1);
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

function normalize(index: bigint, length: number, what: string): number {
  const i = Number(index < 0n ? index + BigInt(length) : index);
  if (i < 0 || i >= length) throw new PyError('IndexError', `${what} index out of range`);
  return i;
}

export function getItem(ip: Interpreter, obj: Value, key: Value): Value {
  if (isUnknown(obj)) return unknown(obj.reason);
  // A tensor's index may hold `...` (tensorIndex); any other unknown in a key makes the item unknown.
  const unknownKey = unknownInKey(key, obj instanceof Tensor ? ELLIPSIS : null);
  if (unknownKey) return unknown(unknownKey.reason);
  const changed = changedReason(obj);
  if (changed !== null) return unknown(changed);
  if (obj instanceof ValueTensor) {
    const known = valueIndex(obj, key, (n) => (key instanceof SliceValue ? sliceIndices(key, n) : null));
    if (known !== undefined) return known;
  }
  if (obj instanceof Tensor) return integerIf(tensorIndex(obj, key), [obj]);
  if (Array.isArray(obj) || typeof obj === 'string') {
    const items: Value[] = typeof obj === 'string' ? [...obj] : obj;
    if (key instanceof SliceValue) {
      const picked = sliceIndices(key, items.length).map((i) => items[i]);
      if (typeof obj === 'string') return picked.join('');
      return isTupleValue(obj) ? tupleOf(picked) : picked;
    }
    const i = toIndex(key);
    if (i === null) throw new PyError('TypeError', `${typeName(obj)} indices must be integers or slices, not ${typeName(key)}`);
    return items[normalize(i, items.length, typeName(obj))];
  }
  if (obj instanceof PyDict) {
    const v = obj.get(key);
    if (v !== undefined) return v;
    if (obj.defaultFactory === null) throw new PyError('KeyError', String(key));
    // defaultdict's __missing__: the factory's value is stored under the key, then returned.
    const made = ip.call(obj.defaultFactory, { positional: [], keywords: new Map() }, null);
    obj.set(key, made);
    return made;
  }
  if (obj instanceof RangeValue) {
    const i = toIndex(key);
    if (i !== null) return obj.at(BigInt(normalize(i, Number(obj.length), 'range')));
  }
  if (obj instanceof ModuleObject) return moduleItem(ip, obj, key);
  if (obj instanceof Instance && obj.cls.attrs.has('__namedtuple__')) {
    return getItem(ip, ip.iterate(obj), key);
  }
  if (obj instanceof ClassValue) return obj;
  throw new CannotEvaluate(`cannot index ${typeName(obj)}`);
}

function moduleItem(ip: Interpreter, mod: ModuleObject, key: Value): Value {
  if (mod.typeName === 'ModuleDict' || typeof key === 'string') {
    const m = mod.modules.get(String(key));
    if (m === undefined) throw new PyError('KeyError', String(key));
    return m;
  }
  const entries = [...mod.modules.entries()];
  if (key instanceof SliceValue) {
    const picked = sliceIndices(key, entries.length).map((i) => entries[i]);
    // Sequential slices keep their children's names; ModuleList slices renumber them.
    const out = newContainer(ip, mod.typeName === 'ModuleList' ? 'ModuleList' : 'Sequential');
    picked.forEach(([name, m], i) => out.modules.set(mod.typeName === 'ModuleList' ? String(i) : name, m));
    return out;
  }
  const i = toIndex(key);
  if (i === null) throw new CannotEvaluate(`cannot index ${mod.typeName} with ${typeName(key)}`);
  return entries[normalize(i, entries.length, mod.typeName)][1];
}

export function setItem(obj: Value, key: Value, value: Value, budget?: Budget): void {
  if (Array.isArray(obj) && !isTupleValue(obj)) {
    if (key instanceof SliceValue) return setSlice(obj, key, value, budget);
    const i = toIndex(key);
    if (i === null) {
      // Which item an unknown index names cannot be told: any of them may have changed.
      markChanged(obj, `an item was set at an index that is not known (${isUnknown(key) ? key.reason : typeName(key)})`);
      throw new CannotEvaluate('list assignment at an index that is not known');
    }
    obj[normalize(i, obj.length, 'list assignment')] = value;
    return;
  }
  if (obj instanceof PyDict) {
    // An entry under a key that is not known may have replaced any entry.
    const unknownKey = unknownInKey(key);
    if (unknownKey) obj.changedBy ??= `an entry was set under an unknown key (${unknownKey.reason})`;
    else obj.set(key, value);
    return;
  }
  if (obj instanceof ModuleObject && value instanceof ModuleObject) {
    const i = toIndex(key);
    const name = i !== null ? [...obj.modules.keys()][normalize(i, obj.modules.size, obj.typeName)] : String(key);
    obj.modules.set(name, value);
    return;
  }
  if (obj instanceof Tensor || isUnknown(obj)) return;
  throw new CannotEvaluate(`cannot assign an item of ${typeName(obj)}`);
}

export function delItem(obj: Value, key: Value): void {
  if (obj instanceof PyDict) obj.delete(key);
  else if (Array.isArray(obj)) {
    if (key instanceof SliceValue && knownSlice(key)) {
      // Highest index first, so that each removal leaves the others' positions as they were.
      for (const i of sliceIndices(key, obj.length).sort((a, b) => b - a)) obj.splice(i, 1);
      return;
    }
    const i = toIndex(key);
    if (i === null) {
      markChanged(obj, 'items were deleted at indices that are not known');
      throw new CannotEvaluate('list deletion at indices that are not known');
    }
    obj.splice(normalize(i, obj.length, 'list assignment'), 1);
  } else if (obj instanceof ModuleObject) obj.modules.delete(String(key));
}

function knownSlice(s: SliceValue): boolean {
  return [s.start, s.stop, s.step].every((v) => v === null || toIndex(v) !== null);
}

/**
 * `items[a:b] = values` as Python does it: a plain slice is replaced by however many values
 * there are (`x[i:i] = [...]` inserts, as timm's val2tuple does); an extended slice (a step
 * other than 1) takes exactly as many values as it selects.
 */
function setSlice(list: Value[], s: SliceValue, value: Value, budget?: Budget): void {
  if (!knownSlice(s) || !Array.isArray(value)) {
    markChanged(list, 'a slice of it was assigned with bounds or values that are not known');
    throw new CannotEvaluate('list slice assignment with bounds or values that are not known');
  }
  // Moving the items costs work in proportion to the list, as list.insert does.
  budget?.charge(list.length + value.length);
  const step = s.step === null ? 1n : toIndex(s.step)!;
  if (step === 1n) {
    const n = list.length;
    const at = (v: Value, dflt: number): number => {
      if (v === null) return dflt;
      const i = Number(toIndex(v)!);
      return Math.min(Math.max(i < 0 ? i + n : i, 0), n);
    };
    const start = at(s.start, 0);
    const stop = Math.max(at(s.stop, n), start);
    if (n - (stop - start) + value.length > MAX_ITEMS) {
      markChanged(list, tooManyItems(n - (stop - start) + value.length, budget).reason);
      throw new CannotEvaluate(tooManyItems(n - (stop - start) + value.length, budget).reason);
    }
    const tail = list.slice(stop);
    list.length = start;
    for (const v of [...value, ...tail]) list.push(v);
    return;
  }
  const indices = sliceIndices(s, list.length);
  if (indices.length !== value.length) throw new PyError('ValueError', `attempt to assign sequence of size ${value.length} to extended slice of size ${indices.length}`);
  indices.forEach((i, k) => (list[i] = value[k]));
}
