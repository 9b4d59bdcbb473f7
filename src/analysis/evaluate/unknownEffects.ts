import type { SyntaxNode } from '@lezer/common';
import { noteSkippedIn } from '../model/skippedBuilds';
import type { FileUnit } from '../parse/unit';
import { Args, Instance, ModuleObject, PyDict, Tensor, Unknown, Value, isTupleValue } from '../values/values';

/**
 * What code the analysis cannot read may have done to the values it was given. Python passes
 * objects by reference, so a call the analysis cannot read may add, change or remove anything
 * in a dict, a list, an object or a module it receives, and in whatever those hold. Such values
 * are marked here; every later read of them is unknown with the reason (a dict refuses reads
 * itself, see PyDict.changedBy), and a module so marked makes its model's totals unknown
 * (skippedBuilds.ts), since its tree may have gained or lost layers.
 */

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

/**
 * Marks every mutable value an unreadable call receives, each with a reason that names the
 * argument, the callee and why the callee could not be read.
 */
export function passedToUnknownCall(callee: Unknown, args: Args, site: { unit: FileUnit; node: SyntaxNode } | undefined): void {
  const calleeText = site ? shorten(site.unit.text(site.node.firstChild ?? site.node)) : 'a call';
  const texts = site ? argumentTexts(site.unit, site.node, args) : new Map<Value, string>();
  const seen = new Set<object>();
  const mark = (v: Value): void => {
    const text = texts.get(v);
    const what = text ? `\`${text}\`` : `an argument of \`${calleeText}\``;
    markChanged(v, `${what} went through \`${calleeText}\`, which could not be read: ${callee.reason}`, seen);
  };
  for (const v of args.positional) mark(v);
  for (const v of args.keywords.values()) mark(v);
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

/** The source text of each argument value, for reasons: `kwargs` rather than "an argument". */
function argumentTexts(unit: FileUnit, call: SyntaxNode, args: Args): Map<Value, string> {
  const out = new Map<Value, string>();
  const argList = call.getChild('ArgList');
  if (!argList) return out;
  // After `*xs`, positions no longer say which value is which: those stay "an argument".
  let positional: number | null = 0;
  for (let c = argList.firstChild; c; c = c.nextSibling) {
    if (c.name === '(' || c.name === ')' || c.name === ',' || c.name === 'Comment') continue;
    if (c.name === '*' || c.name === '**') {
      if (c.name === '*') positional = null;
      c = c.nextSibling;
      if (!c) break;
      continue;
    }
    if (c.name === 'VariableName' && c.nextSibling?.name === 'AssignOp') {
      const name = unit.text(c);
      c = c.nextSibling.nextSibling;
      if (!c) break;
      const v = args.keywords.get(name);
      if (v !== undefined && !out.has(v)) out.set(v, shorten(unit.text(c)));
      continue;
    }
    if (positional === null) continue;
    const v = args.positional[positional++];
    if (v !== undefined && !out.has(v)) out.set(v, shorten(unit.text(c)));
  }
  return out;
}

function shorten(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
