import { PyDict, Unknown, Value, isDequeValue, typeName } from '../values/values';
import { changedReason } from '../values/unknownContents';
import { pyReprValue, pyStr } from '../values/strings';
import type { Budget } from './budget';
import { MAX_CHARS, nestedItems, tooLongString } from './limits';

/**
 * Text built from values: str(), repr(), f-strings, `%` and str.format. Each value's text is
 * charged before it is made, a step for each item it holds (formatting an item and joining it
 * takes about 0.3 µs), and text past MAX_CHARS is unknown with the reason instead of being built.
 */

/** str(v), or repr(v) with `repr`; unknown when it would pass MAX_CHARS. */
export function textOf(v: Value, budget: Budget | undefined, repr = false): string | Unknown {
  // A string's str() is itself; joining it is charged by the builder, by length.
  if (typeof v === 'string' && !repr) return v;
  const blocked = textBlocker(v);
  if (blocked !== null) return new Unknown(blocked);
  const size = nestedItems(v, MAX_CHARS);
  if (size >= MAX_CHARS) return tooLongString(`more than ${MAX_CHARS.toLocaleString('en-US')}`, budget);
  budget?.charge(size, 1);
  const text = repr ? pyReprValue(v) : pyStr(v);
  return text.length > MAX_CHARS ? tooLongString(text.length, budget) : text;
}

/**
 * Why the text of `v` cannot be given, if it cannot: a list or dict inside it may have been
 * changed by code the analysis could not follow (its text would be stale), or it holds a value
 * whose text the analysis does not make as Python would (an object, a module, a tensor, a value
 * that is not known). Only None, bools, numbers, strings, lists, tuples and dicts of them have one.
 */
function textBlocker(v: Value): string | null {
  const stack: Value[] = [v];
  for (let seen = 0; stack.length && seen < MAX_CHARS; seen++) {
    const top = stack.pop()!;
    const why = changedReason(top);
    if (why !== null) return why;
    if (isDequeValue(top) || (top instanceof PyDict && top.defaultFactory !== null)) return `the text of a ${typeName(top)} is not modelled`;
    if (Array.isArray(top)) for (const item of top) stack.push(item);
    else if (top instanceof PyDict) for (const [k, item] of top.entries.values()) stack.push(k, item);
    else if (top instanceof Unknown) return top.reason;
    else if (top !== null && typeof top === 'object') return `the text of a ${typeName(top)} is not modelled`;
  }
  return null;
}

/** Text joined from pieces, charged by its length, and unknown as soon as it passes MAX_CHARS. */
export class TextBuilder {
  private text = '';
  private over: Unknown | null = null;

  constructor(private readonly budget: Budget | undefined) {}

  /** Adds a piece (a string, or a value's str()/repr()); false once the text is unknown. */
  add(piece: Value, repr = false): boolean {
    if (this.over) return false;
    const part = typeof piece === 'string' && !repr ? piece : textOf(piece, this.budget, repr);
    if (part instanceof Unknown) {
      this.over = part;
      return false;
    }
    if (this.text.length + part.length > MAX_CHARS) {
      this.over = tooLongString(this.text.length + part.length, this.budget);
      return false;
    }
    this.budget?.charge(part.length);
    this.text += part;
    return true;
  }

  get result(): string | Unknown {
    return this.over ?? this.text;
  }
}
