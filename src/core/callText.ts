/**
 * Reads a Python call's source text without a parser: where its arguments start and end, and
 * which are keywords. Enough for quick fixes, which must keep each argument's own text.
 */

/** One argument of a call; offsets are relative to the call text. */
export interface CallArgument {
  /** The keyword for `name=value` arguments, undefined for positional ones. */
  keyword?: string;
  start: number;
  end: number;
  valueStart: number;
  valueEnd: number;
  /** The value's source text, trimmed. */
  value: string;
}

/**
 * The arguments bound to the parameter names they fill, each with its own text; null when that
 * cannot be told from the text (a `*args` or `**kwargs`, a name filled twice, too many arguments).
 */
export function bindCallArguments(names: readonly string[], args: readonly CallArgument[]): Map<string, CallArgument> | null {
  const bound = new Map<string, CallArgument>();
  let position = 0;
  for (const arg of args) {
    if (arg.value.startsWith('*')) return null;
    const name = arg.keyword ?? names[position++];
    if (name === undefined || bound.has(name)) return null;
    bound.set(name, arg);
  }
  return bound;
}

export interface CallText {
  /** The callee's text, e.g. `nn.Conv2d`. */
  callee: string;
  /** Offset of the call's opening and closing parentheses. */
  open: number;
  close: number;
  args: CallArgument[];
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/** Splits `callee(arg, kw=value, ...)`, or returns null when the text is not one whole call. */
export function readCall(text: string): CallText | null {
  const open = text.indexOf('(');
  if (open <= 0) return null;
  const callee = text.slice(0, open).trim();
  const pieces: Array<[number, number]> = [];
  const stack: string[] = [];
  let pieceStart = open + 1;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = skipString(text, i);
      continue;
    }
    if (c === '#') {
      i = skipComment(text, i);
      continue;
    }
    if (OPENERS[c]) stack.push(OPENERS[c]);
    else if (stack.length > 0 && c === stack[stack.length - 1]) stack.pop();
    else if (stack.length === 0 && c === ',') {
      pieces.push([pieceStart, i]);
      pieceStart = i + 1;
    } else if (stack.length === 0 && c === ')') {
      pieces.push([pieceStart, i]);
      return { callee, open, close: i, args: pieces.map(([s, e]) => argument(text, s, e)).filter((a): a is CallArgument => a !== null) };
    }
  }
  return null;
}

function argument(text: string, start: number, end: number): CallArgument | null {
  const from = skipBlanksAndComments(text, start, end);
  if (from >= end) return null;
  const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/.exec(text.slice(from, end));
  const valueStart = match ? skipBlanksAndComments(text, from + match[0].length, end) : from;
  const valueEnd = valueStart + trimTrailing(text.slice(valueStart, end)).length;
  return { keyword: match?.[1], start, end, valueStart, valueEnd, value: text.slice(valueStart, valueEnd) };
}

/** The offset of the first character that is neither blank nor inside a comment. */
function skipBlanksAndComments(text: string, from: number, end: number): number {
  let i = from;
  while (i < end) {
    if (/\s/.test(text[i])) i++;
    else if (text[i] === '#') i = skipComment(text, i) + 1;
    else break;
  }
  return i;
}

/** Drops trailing blanks and comments (a comment may follow the last argument on its line). */
function trimTrailing(value: string): string {
  return value.split('\n').map((line, i, lines) => (i === lines.length - 1 || /#/.test(line) ? withoutComment(line) : line)).join('\n').trimEnd();
}

function withoutComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"' || line[i] === "'") i = skipString(line, i);
    else if (line[i] === '#') return line.slice(0, i);
  }
  return line;
}

/** The index of a string literal's closing quote (triple quotes included). */
function skipString(text: string, at: number): number {
  const quote = text[at];
  const triple = text.startsWith(quote.repeat(3), at);
  const closing = triple ? quote.repeat(3) : quote;
  for (let i = at + closing.length; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
      continue;
    }
    if (text.startsWith(closing, i)) return i + closing.length - 1;
  }
  return text.length;
}

function skipComment(text: string, at: number): number {
  const end = text.indexOf('\n', at);
  return end < 0 ? text.length : end;
}
