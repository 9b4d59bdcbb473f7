import { PyDict, Unknown, Value } from '../values/values';
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
  const changed = changeWithin(v);
  if (changed !== null) return new Unknown(changed);
  const size = nestedItems(v, MAX_CHARS);
  if (size >= MAX_CHARS) return tooLongString(`more than ${MAX_CHARS.toLocaleString('en-US')}`, budget);
  budget?.charge(size, 1);
  const text = repr ? pyReprValue(v) : pyStr(v);
  return text.length > MAX_CHARS ? tooLongString(text.length, budget) : text;
}

/** Why a list or object inside `v` holds what code the analysis could not follow may have changed, if one does (its text would be stale). */
function changeWithin(v: Value): string | null {
  const stack: Value[] = [v];
  for (let seen = 0; stack.length && seen < MAX_CHARS; seen++) {
    const top = stack.pop()!;
    const why = changedReason(top);
    if (why !== null) return why;
    if (Array.isArray(top)) for (const item of top) stack.push(item);
    else if (top instanceof PyDict) for (const [k, item] of top.entries.values()) stack.push(k, item);
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
