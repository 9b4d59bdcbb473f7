import { Instance, ModuleObject, PyDict, Tensor, Unknown, Value, isTupleValue } from './values';

/**
 * Values whose contents code the analysis could not read may have changed (see
 * evaluate/unknownEffects.ts, which decides when): a list, a dict or an object so marked gives
 * only unknown reads afterwards (a dict refuses reads itself, see PyDict.changedBy), and a module
 * so marked may hold layers and parameters the analysis did not see, so its model's totals are
 * unknown. Each mark keeps the first reason given.
 */

const skippedModules = new WeakMap<ModuleObject, string>();

/** Marks a module whose tree may lack what code the analysis could not run or read would have built. */
export function noteSkippedIn(module: ModuleObject, why: string): void {
  if (!skippedModules.has(module)) skippedModules.set(module, why);
}

/** Why a module's own tree may lack layers or parameters, or null. */
export function skippedReason(module: ModuleObject): string | null {
  return skippedModules.get(module) ?? null;
}

const changedObjects = new WeakMap<object, string>();

/** At most this many objects are marked per call: a huge structure is marked as far as this goes. */
const MARK_LIMIT = 10_000;

const changedModules = new WeakMap<ModuleObject, string>();

/** Why a module may have attributes the analysis did not see set, or null. */
export function moduleChangedBy(m: ModuleObject): string | null {
  return changedModules.get(m) ?? null;
}

/** Why a list or an object holds unknown contents, or null when its contents are as computed. */
export function changedReason(v: Value): string | null {
  if (v instanceof PyDict) return v.changedBy;
  if (Array.isArray(v) || v instanceof Instance) return changedObjects.get(v) ?? null;
  return null;
}

/** Whether a value may be an object (a module among them) rather than a number: no known formula. */
export function mayBeObject(v: Value): v is Unknown {
  return v instanceof Unknown && v.poly === null;
}

/** Marks a value and everything it holds as changed by unreadable code. */
export function markChanged(v: Value, reason: string, seen: Set<object> = new Set()): void {
  if (v === null || typeof v !== 'object' || seen.has(v) || seen.size >= MARK_LIMIT) return;
  seen.add(v);
  if (v instanceof ModuleObject) {
    noteSkippedIn(v, reason);
    if (!changedModules.has(v)) changedModules.set(v, reason);
    // Its plain attributes may hold anything now; tensors are taken to keep their shapes (the
    // in-place initializers such code runs do not resize them).
    for (const [name, value] of v.attrs) {
      if (value instanceof Tensor) continue;
      markChanged(value, reason, seen);
      v.attrs.set(name, new Unknown(reason));
    }
    v.forEachChild((child) => {
      if (child) markChanged(child, reason, seen);
    });
    return;
  }
  if (Array.isArray(v)) {
    // A tuple cannot change, but what it holds can.
    if (!isTupleValue(v) && !changedObjects.has(v)) changedObjects.set(v, reason);
    for (const item of v) markChanged(item, reason, seen);
    return;
  }
  if (v instanceof PyDict) {
    if (v.changedBy !== null) return;
    const values = v.values();
    v.changedBy = reason;
    for (const item of values) markChanged(item, reason, seen);
    return;
  }
  if (v instanceof Instance) {
    if (!changedObjects.has(v)) changedObjects.set(v, reason);
    for (const item of v.attrs.values()) markChanged(item, reason, seen);
  }
}

/** The mark this file keeps aside for a list or an object, if any (a change of its state, for evaluate/graphPrint.ts). */
export function changedMark(o: object): string | undefined {
  return changedObjects.get(o);
}
