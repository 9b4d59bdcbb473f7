import type { SyntaxNode } from '@lezer/common';
import { FileUnit, lastChildNamed } from '../parse/unit';
import type { Scope } from '../values/scope';
import { Args, Instance, ModuleObject, PyDict, Unknown, Value, unknown } from '../values/values';
import { markChanged } from '../values/unknownContents';

/**
 * What code the analysis cannot read may have done to the values it was given. Python passes
 * objects by reference, so a call the analysis cannot read may add, change or remove anything
 * in a dict, a list, an object or a module it receives, and in whatever those hold; so may code
 * the analysis skipped. This decides which values are so changed, and why; the marks and what
 * they make unknown are in values/unknownContents.ts.
 */

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

/**
 * What code skipped part-way (a loop given up, the branches of an unknown condition) would have
 * changed is unknown afterwards, never stale: the names it assigns, the attributes it sets on
 * `x.attr`, and the lists, dicts and objects it stores into, calls a mutating method of, or
 * passes to a call. Only the code from offset `from` on counts (the branches after those whose
 * condition was known to be false).
 */
export function forgetEffects(root: SyntaxNode, from: number, scope: Scope, unit: FileUnit, why: string): void {
  const cursor = root.cursor();
  const end = root.to;
  while (cursor.next() && cursor.from < end) {
    if (cursor.from < from) continue;
    const name = cursor.name;
    if (name === 'AssignStatement' || name === 'UpdateStatement' || name === 'ForStatement' || name === 'DeleteStatement') {
      for (let c = cursor.node.firstChild; c && c.name !== 'AssignOp' && c.name !== 'UpdateOp' && c.name !== 'in'; c = c.nextSibling) {
        if (c.name === 'VariableName') scope.set(unit.text(c), unknown(why));
        else if (c.name === 'MemberExpression') forgetMember(c, scope, unit, why);
      }
    } else if (name === 'CallExpression') {
      forgetCallEffects(cursor.node, scope, unit, why);
    }
  }
}

/** Methods by which code changes a list, a dict or a set. */
const MUTATORS = new Set(['append', 'extend', 'insert', 'update', 'pop', 'popitem', 'setdefault', 'remove', 'clear', 'sort', 'reverse', 'add', 'discard']);

/** A skipped call may change its receiver (a mutating method, or any method of an object) and the containers passed to it. */
function forgetCallEffects(call: SyntaxNode, scope: Scope, unit: FileUnit, why: string): void {
  const callee = call.firstChild;
  const method = callee?.name === 'MemberExpression' ? callee.lastChild : null;
  const receiver = callee?.firstChild;
  if (method?.name === 'PropertyName' && receiver?.name === 'VariableName') {
    const value = scope.lookup(unit.text(receiver));
    if (value instanceof Instance || (Array.isArray(value) || value instanceof PyDict) && MUTATORS.has(unit.text(method))) markChanged(value, why);
  }
  for (let arg = call.getChild('ArgList')?.firstChild; arg; arg = arg.nextSibling) {
    if (arg.name !== 'VariableName' || arg.nextSibling?.name === 'AssignOp') continue;
    const value = scope.lookup(unit.text(arg));
    // Modules are left to the skipped-builder count: a call that builds into one is counted there.
    if (value instanceof Instance || Array.isArray(value) || value instanceof PyDict) markChanged(value, why);
  }
}

/** `x.attr` or `x[key]` as a target of skipped code: the attribute becomes unknown, the container changed. */
function forgetMember(target: SyntaxNode, scope: Scope, unit: FileUnit, why: string): void {
  const base = target.firstChild;
  if (base?.name !== 'VariableName') return;
  const value = scope.lookup(unit.text(base));
  const property = lastChildNamed(target, 'PropertyName');
  if (!property || base.nextSibling?.name !== '.') {
    if (value !== undefined) markChanged(value, why);
    return;
  }
  const name = unit.text(property);
  if (value instanceof Instance) value.attrs.set(name, unknown(why));
  // A module's children are counted apart (noteSkippedBuilder); its plain attributes are forgotten.
  else if (value instanceof ModuleObject && value.child(name) === undefined && value.attr(name) !== undefined) value.attrs.set(name, unknown(why));
}
