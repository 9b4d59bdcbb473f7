// The tokenizer of the fast parser. It mirrors @lezer/python's tokens (including its external
// tokenizers for newlines, indentation and strings) for the subset of Python the fast parser
// accepts, and throws Bail on anything else, so that the caller falls back to lezer.

/** Thrown when the input leaves the subset the fast parser reproduces exactly. */
export class Bail extends Error {}

export const bail = (): never => {
  throw new Bail('fastparse: unsupported input');
};

// Token kinds. Keywords are specialized identifiers in lezer, so they get their own kinds.
export const T = {
  EOF: 0, NEWLINE: 1, INDENT: 2, DEDENT: 3, NAME: 4, NUMBER: 5, STRING: 6,
  LPAREN: 7, RPAREN: 8, LBRACKET: 9, RBRACKET: 10, LBRACE: 11, RBRACE: 12,
  COMMA: 13, COLON: 14, SEMI: 15, DOT: 16, ELLIPSIS: 17, ASSIGN: 18, ARROW: 19, UPDATE: 20, FCONV: 21, WALRUS: 37,
  PLUS: 22, MINUS: 23, STAR: 24, DSTAR: 25, SLASH: 26, DSLASH: 27, PERCENT: 28, AT: 29,
  PIPE: 30, CARET: 31, AMP: 32, LSHIFT: 33, RSHIFT: 34, TILDE: 35, CMP: 36,
  // Keywords.
  AND: 40, AS: 41, ASSERT: 42, ASYNC: 43, AWAIT: 44, BREAK: 45, CLASS: 46, CONTINUE: 47, DEF: 48,
  DEL: 49, ELIF: 50, ELSE: 51, EXCEPT: 52, FALSE: 53, FINALLY: 54, FOR: 55, FROM: 56, GLOBAL: 57,
  IF: 58, IMPORT: 59, IN: 60, IS: 61, LAMBDA: 62, NONE: 63, NONLOCAL: 64, NOT: 65, OR: 66, PASS: 67,
  RAISE: 68, RETURN: 69, TRUE: 70, TRY: 71, WHILE: 72, WITH: 73, YIELD: 74,
};

const KEYWORDS: Record<string, number> = {
  and: T.AND, as: T.AS, assert: T.ASSERT, async: T.ASYNC, await: T.AWAIT, break: T.BREAK, class: T.CLASS,
  continue: T.CONTINUE, def: T.DEF, del: T.DEL, elif: T.ELIF, else: T.ELSE, except: T.EXCEPT, False: T.FALSE,
  finally: T.FINALLY, for: T.FOR, from: T.FROM, global: T.GLOBAL, if: T.IF, import: T.IMPORT, in: T.IN,
  is: T.IS, lambda: T.LAMBDA, None: T.NONE, nonlocal: T.NONLOCAL, not: T.NOT, or: T.OR, pass: T.PASS,
  raise: T.RAISE, return: T.RETURN, True: T.TRUE, try: T.TRY, while: T.WHILE, with: T.WITH, yield: T.YIELD,
};

// Keywords indexed by first character code, so identifiers are classified without slicing.
const keywordsByFirst: [string, number][][] = [];
for (const [word, kind] of Object.entries(KEYWORDS)) (keywordsByFirst[word.charCodeAt(0)] ??= []).push([word, kind]);

// String flags, as lezer's string contexts.
export const S_DOUBLE = 1, S_LONG = 2, S_RAW = 4, S_FORMAT = 8;

const isIdentChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

export class Lexer {
  /** The current token: kind, start, end. */
  t: number = T.EOF;
  ts = 0;
  te = 0;
  /** For T.STRING: the string's flags (S_*). */
  stringFlags = 0;
  /** Where the next token is read from. */
  pos = 0;
  /** Open brackets (and f-string replacements): newlines inside them are whitespace. */
  depth = 0;
  /** Open f-string replacements. */
  fdepth = 0;
  /** Comments skipped since the last flush, as [from, to] pairs. */
  comments: number[] = [];
  private atLineStart = true;
  private indents: number[] = [0];
  private pendingDedents = 0;
  private readonly len: number;

  constructor(readonly src: string) {
    this.len = src.length;
  }

  next(): void {
    if (this.pendingDedents > 0) {
      this.pendingDedents--;
      this.t = T.DEDENT;
      this.ts = this.te = this.pos;
      return;
    }
    if (this.atLineStart && this.lineStart()) return;
    const src = this.src;
    const len = this.len;
    let pos = this.pos;
    for (;;) {
      if (pos >= len) {
        if (this.depth > 0) bail();
        this.pos = pos;
        this.t = T.EOF;
        this.ts = this.te = len;
        return;
      }
      const c = src.charCodeAt(pos);
      if (c === 32 || c === 9) pos++;
      else if (c === 10 || c === 13) {
        // With \r\n line ends, lezer's newline is the \r; the \n then reads as a blank line.
        if (c === 13 && src.charCodeAt(pos + 1) !== 10) bail();
        if (this.depth > 0) {
          pos++;
          continue;
        }
        this.t = T.NEWLINE;
        this.ts = pos;
        this.te = this.pos = pos + 1;
        this.atLineStart = true;
        return;
      } else if (c === 35) {
        if (this.fdepth > 0) bail();
        const end = lineEnd(src, pos);
        this.comments.push(pos, end);
        pos = end;
      } else if (c === 92) {
        // A backslash continuation is whitespace in lezer, unless the next line is blank.
        if (src.charCodeAt(pos + 1) !== 10) bail();
        pos += 2;
        let p = pos;
        while (src.charCodeAt(p) === 32 || src.charCodeAt(p) === 9) p++;
        const d = src.charCodeAt(p);
        if (p >= len || d === 10 || d === 13 || d === 35 || d === 12) bail();
      } else break;
    }
    this.ts = pos;
    this.token(pos);
  }

  /** At the start of a line outside brackets: skips blank and comment lines, then emits INDENT/DEDENT. */
  private lineStart(): boolean {
    this.atLineStart = false;
    const src = this.src;
    let pos = this.pos;
    for (;;) {
      let p = pos;
      // Indentation depth as lezer counts it: a tab goes to the next multiple of 8.
      let column = 0;
      for (;;) {
        const c = src.charCodeAt(p);
        if (c === 32) column++;
        else if (c === 9) column += 8 - (column % 8);
        else break;
        p++;
      }
      if (p >= this.len) {
        // lezer still reads the indentation of a last line of spaces: a level it cannot dedent to is an error.
        if (!this.indents.includes(column)) bail();
        this.pos = p;
        return false;
      }
      const c = src.charCodeAt(p);
      if (c === 12 || c === 92) bail();
      if (c === 10 || c === 13) {
        if (c === 13 && src.charCodeAt(p + 1) !== 10) bail();
        pos = p + 1;
        continue;
      }
      if (c === 35) {
        const end = lineEnd(src, p);
        this.comments.push(p, end);
        if (end >= this.len) {
          this.pos = end;
          return false;
        }
        if (src.charCodeAt(end) === 13 && src.charCodeAt(end + 1) !== 10) bail();
        pos = end + 1;
        continue;
      }
      this.pos = p;
      const indents = this.indents;
      let top = indents[indents.length - 1];
      if (column === top) return false;
      this.ts = this.te = p;
      if (column > top) {
        indents.push(column);
        this.t = T.INDENT;
        return true;
      }
      let dedents = 0;
      while (column < top) {
        indents.pop();
        dedents++;
        top = indents[indents.length - 1];
      }
      if (column !== top) bail();
      this.pendingDedents = dedents - 1;
      this.t = T.DEDENT;
      return true;
    }
  }

  /** Reads the token starting at `pos` (not whitespace). */
  private token(pos: number): void {
    const src = this.src;
    const c = src.charCodeAt(pos);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 161) return this.word(pos, c);
    if (isDigit(c)) return this.number(pos);
    const c1 = src.charCodeAt(pos + 1);
    switch (c) {
      case 34: case 39: return this.stringStart(pos, pos, 0);
      case 40: this.depth++; return this.op(T.LPAREN, pos, 1);
      case 41: if (--this.depth < 0) bail(); return this.op(T.RPAREN, pos, 1);
      case 91: this.depth++; return this.op(T.LBRACKET, pos, 1);
      case 93: if (--this.depth < 0) bail(); return this.op(T.RBRACKET, pos, 1);
      case 123: this.depth++; return this.op(T.LBRACE, pos, 1);
      case 125: if (--this.depth < 0) bail(); return this.op(T.RBRACE, pos, 1);
      case 44: return this.op(T.COMMA, pos, 1);
      case 59: return this.op(T.SEMI, pos, 1);
      case 126: return this.op(T.TILDE, pos, 1);
      case 58:
        if (c1 !== 61) return this.op(T.COLON, pos, 1);
        // In an f-string replacement, `:=` may open a format spec: left to lezer.
        if (this.fdepth > 0) bail();
        return this.op(T.WALRUS, pos, 2);
      case 46:
        if (isDigit(c1)) return this.number(pos);
        if (c1 === 46 && src.charCodeAt(pos + 2) === 46) return this.op(T.ELLIPSIS, pos, 3);
        return this.op(T.DOT, pos, 1);
      case 61: return c1 === 61 ? this.op(T.CMP, pos, 2) : this.op(T.ASSIGN, pos, 1);
      case 33:
        if (c1 === 61) return this.op(T.CMP, pos, 2);
        if (this.fdepth > 0 && (c1 === 115 || c1 === 114 || c1 === 97)) return this.op(T.FCONV, pos, 2);
        return bail();
      case 60: case 62:
        if (c1 === c) return src.charCodeAt(pos + 2) === 61 ? this.op(T.UPDATE, pos, 3) : this.op(c === 60 ? T.LSHIFT : T.RSHIFT, pos, 2);
        if (c1 === 61 || (c === 60 && c1 === 62)) return this.op(T.CMP, pos, 2);
        return this.op(T.CMP, pos, 1);
      case 45:
        if (c1 === 62) return this.op(T.ARROW, pos, 2);
        return c1 === 61 ? this.op(T.UPDATE, pos, 2) : this.op(T.MINUS, pos, 1);
      case 42: case 47:
        if (c1 === c) return src.charCodeAt(pos + 2) === 61 ? this.op(T.UPDATE, pos, 3) : this.op(c === 42 ? T.DSTAR : T.DSLASH, pos, 2);
        return c1 === 61 ? this.op(T.UPDATE, pos, 2) : this.op(c === 42 ? T.STAR : T.SLASH, pos, 1);
      case 43: return c1 === 61 ? this.op(T.UPDATE, pos, 2) : this.op(T.PLUS, pos, 1);
      case 37: return c1 === 61 ? this.op(T.UPDATE, pos, 2) : this.op(T.PERCENT, pos, 1);
      case 64: return c1 === 61 ? this.op(T.UPDATE, pos, 2) : this.op(T.AT, pos, 1);
      case 38: return c1 === 61 ? this.op(T.UPDATE, pos, 2) : this.op(T.AMP, pos, 1);
      case 124: return c1 === 61 ? this.op(T.UPDATE, pos, 2) : this.op(T.PIPE, pos, 1);
      case 94: return c1 === 61 ? this.op(T.UPDATE, pos, 2) : this.op(T.CARET, pos, 1);
    }
    return bail();
  }

  private op(kind: number, pos: number, length: number): void {
    this.t = kind;
    this.te = this.pos = pos + length;
  }

  private word(start: number, first: number): void {
    const src = this.src;
    let pos = start + 1;
    let c = src.charCodeAt(pos);
    while (isIdentChar(c) || c >= 161) c = src.charCodeAt(++pos);
    if (c >= 128) bail();
    if (c === 34 || c === 39) return this.stringStart(start, pos, stringPrefixFlags(src, start, pos));
    this.te = this.pos = pos;
    this.t = T.NAME;
    const candidates = keywordsByFirst[first];
    if (candidates === undefined) return;
    const length = pos - start;
    for (const [keyword, kind] of candidates) {
      if (keyword.length === length && src.startsWith(keyword, start)) {
        this.t = kind;
        return;
      }
    }
  }

  /** A string's opening: the token ends after its quote(s); the parser reads the content. */
  private stringStart(start: number, quoteAt: number, prefixFlags: number): void {
    const src = this.src;
    const quote = src.charCodeAt(quoteAt);
    let flags = prefixFlags | (quote === 34 ? S_DOUBLE : 0);
    let end = quoteAt + 1;
    if (src.charCodeAt(end) === quote && src.charCodeAt(end + 1) === quote) {
      flags |= S_LONG;
      end += 2;
    }
    this.t = T.STRING;
    this.stringFlags = flags;
    this.te = this.pos = end;
    this.ts = start;
  }

  private number(start: number): void {
    const src = this.src;
    let pos = start;
    let c = src.charCodeAt(pos);
    const c1 = src.charCodeAt(pos + 1) | 32;
    if (c === 48 && (c1 === 120 || c1 === 111 || c1 === 98)) {
      pos += 2;
      const digitsFrom = pos;
      for (;;) {
        c = src.charCodeAt(pos);
        const ok = c === 95 || (c1 === 120 ? isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102)
          : c1 === 111 ? c >= 48 && c <= 55 : c === 48 || c === 49);
        if (!ok) break;
        pos++;
      }
      if (pos === digitsFrom) bail();
    } else {
      if (c !== 46) pos = digits(src, pos);
      if (src.charCodeAt(pos) === 46 && isDigit(src.charCodeAt(pos + 1))) pos = digits(src, pos + 1);
      c = src.charCodeAt(pos);
      if (c === 101 || c === 69) {
        let p = pos + 1;
        const sign = src.charCodeAt(p);
        if (sign === 43 || sign === 45) p++;
        if (!isDigit(src.charCodeAt(p))) bail();
        pos = digits(src, p);
      }
      c = src.charCodeAt(pos);
      if (c === 106 || c === 74) pos++;
    }
    c = src.charCodeAt(pos);
    if ((isIdentChar(c) && !keywordAt(src, pos)) || c >= 128) bail();
    if (c === 46) {
      // `1.` is no Number for lezer but the start of a MemberExpression: `1.j` reads a property,
      // `1.)` misses one, an error node the parser reproduces where lezer's recovery is known.
      const d = src.charCodeAt(pos + 1);
      if (isDigit(d) || (d >= 128 && d < 161) || d === 46) bail();
    }
    this.t = T.NUMBER;
    this.te = this.pos = pos;
  }
}

// Keywords that lezer reads as their own token right after a number, as in `0e0else`: the
// spelling withExponentFloats gives `0. else` (lezer's Number token simply ends before the word).
const KEYWORDS_AFTER_NUMBER = ['else', 'or', 'and', 'if', 'for', 'in', 'is', 'not'];

/** Whether a keyword that may follow an operand starts at `pos` and ends a word. */
function keywordAt(src: string, pos: number): boolean {
  for (const word of KEYWORDS_AFTER_NUMBER) {
    if (src.startsWith(word, pos)) {
      const c = src.charCodeAt(pos + word.length);
      return !(isIdentChar(c) || c >= 128);
    }
  }
  return false;
}

function digits(src: string, pos: number): number {
  for (;;) {
    const c = src.charCodeAt(pos);
    if (!(isDigit(c) || c === 95)) return pos;
    pos++;
  }
}

/** Where the comment at `pos` ends: at the next \n or \r. */
function lineEnd(src: string, pos: number): number {
  const length = src.length;
  for (let p = pos + 1; p < length; p++) {
    const c = src.charCodeAt(p);
    if (c === 10 || c === 13) return p;
  }
  return length;
}

/** The flags of a string prefix (the word from `start` to `end`), or Bail if it is no prefix. */
function stringPrefixFlags(src: string, start: number, end: number): number {
  const a = src.charCodeAt(start) | 32;
  if (end - start === 1) {
    if (a === 117 || a === 98) return 0;
    if (a === 114) return S_RAW;
    if (a === 102) return S_FORMAT;
    return bail();
  }
  if (end - start !== 2) return bail();
  const b = src.charCodeAt(start + 1) | 32;
  if ((a === 114 && b === 98) || (a === 98 && b === 114)) return S_RAW;
  if ((a === 114 && b === 102) || (a === 102 && b === 114)) return S_RAW | S_FORMAT;
  return bail();
}
