import { CannotEvaluate, PyError } from '../values/errors';
import type { CallSite, Interpreter } from './interpreter';
import { binaryOp } from './operators';
import { MAX_ITEMS, tooManyItems } from './limits';
import { PyDict, Value, isListValue, isUnknown, ModuleObject, unknown } from '../values/values';

/**
 * The semantics the evaluator's compiled nodes share: calling a value at a site of the analysed
 * code, spreading `*xs` and `**kw`, unpacking, augmented assignment and truth tests. Kept out of
 * the per-node closures so that what a construct means is written once, here.
 */

/** Calls `fn` from a call written at `site`: the site is on ip.sites while it runs, and the hooks see the result. */
export function callAt(ip: Interpreter, site: CallSite, fn: Value, args: { positional: Value[]; keywords: Map<string, Value> }): Value {
  ip.sites.push(site);
  try {
    const result = ip.call(fn, args, site.node);
    ip.hooks.onCallResult?.(site, fn, result);
    return result;
  } finally {
    ip.sites.pop();
  }
}

/** `f(*xs)`: the items of xs join the positional arguments. */
export function spreadPositional(ip: Interpreter, positional: Value[], value: Value): void {
  // One push per item: spreading a million items into push() overflows the stack.
  for (const item of ip.iterate(value)) positional.push(item);
}

/** `f(**kw)`: a dict's items join the keyword arguments; anything else cannot be read. */
export function spreadKeywords(keywords: Map<string, Value>, value: Value): void {
  if (value instanceof PyDict) for (const [k, v] of value.entries.values()) keywords.set(String(k), v);
  else throw new CannotEvaluate(isUnknown(value) ? value.reason : '** of a non-dict');
}

/** `{**other}` in a dict display: other's items, keys as they are. */
export function spreadIntoDict(dict: PyDict, other: Value): void {
  if (!(other instanceof PyDict)) throw new CannotEvaluate('** of a non-dict');
  for (const [k, v] of other.entries.values()) dict.set(k, v);
}

/**
 * The values `a, *b, c = value` binds, one per target (the starred target, at `starAt`, gets a
 * list), or null when the value is unknown: each target is then unknown for the same reason.
 */
export function unpackValues(ip: Interpreter, value: Value, targets: number, starAt: number): Value[] | null {
  if (isUnknown(value)) return null;
  const items = ip.iterate(value);
  if (starAt < 0) {
    if (items.length !== targets) {
      throw new PyError('ValueError', items.length > targets ? `too many values to unpack (expected ${targets})` : `not enough values to unpack (expected ${targets}, got ${items.length})`);
    }
    return items;
  }
  const after = targets - starAt - 1;
  const out = items.slice(0, starAt);
  // Too few items leave targets unbound, as the analysis always has (Python would raise).
  out.length = starAt;
  out.push(items.slice(starAt, items.length - after));
  for (let i = 0; i < after; i++) out.push(items[items.length - after + i]);
  return out;
}

/**
 * `target op= value`: a list and a ModuleList or Sequential grow in place (`+=`), and undefined
 * is returned; otherwise the value to assign back.
 */
export function augmentedValue(ip: Interpreter, op: string, left: Value, right: Value): Value | undefined {
  if (op === '+' && isListValue(left)) {
    const items = ip.iterate(right);
    if (left.length + items.length > MAX_ITEMS) throw new CannotEvaluate(tooManyItems(left.length + items.length, ip.budget).reason);
    for (const item of items) left.push(item);
    return undefined;
  }
  if (op === '+' && left instanceof ModuleObject && (left.typeName === 'ModuleList' || left.typeName === 'Sequential')) {
    for (const m of ip.iterate(right)) if (m instanceof ModuleObject) left.modules.set(String(left.modules.size), m);
    return undefined;
  }
  return binaryOp(op, left, right, ip.budget);
}

/** `not v`: unknown when v's truth is. */
export function notValue(ip: Interpreter, v: Value): Value {
  const t = ip.truthy(v);
  return t === null ? unknown(isUnknown(v) ? v.reason : 'truth value unknown') : !t;
}
