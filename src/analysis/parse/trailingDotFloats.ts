import type { SyntaxNode } from '@lezer/common';

const KEYWORDS_AFTER_OPERAND = ['else', 'or', 'and', 'if', 'for', 'in', 'is', 'not'];

/**
 * @lezer/python reads a float written with a trailing dot and followed by a keyword, as in
 * `DropPath(p) if p > 0. else nn.Identity()` or `if p == 0. or not training:`, as a member access
 * `0.else`, which breaks the whole statement; before a comment (`br: float = 1.  # ratio`) it
 * reads a member access whose property is missing, and loses the statement too. Python reads
 * `0.` as the float 0.0. The text given to
 * the parser spells such a literal `0e0` instead (`12. else` becomes `12e0else`): the same float,
 * the same length, so every position in the tree is a position in the real source, whose text
 * the analysis keeps reading. A comment after such a literal breaks the statement too.
 */
export function withExponentFloats(text: string): string {
  // One pass, in slices: the text between rewritten literals is copied once (large files such as
  // timm's model files hold hundreds of dots).
  const parts: string[] = [];
  let copied = 0;
  for (let dot = text.indexOf('.'); dot >= 0; dot = text.indexOf('.', dot + 1)) {
    if (!isSpace(text[dot + 1]) || !endsDigitLiteral(text, dot)) continue;
    let k = dot + 1;
    while (isSpace(text[k])) k++;
    const comment = text[k] === '#';
    if (!comment && !KEYWORDS_AFTER_OPERAND.some((w) => text.startsWith(w, k) && !isWordChar(text[k + w.length]))) continue;
    parts.push(text.slice(copied, dot), 'e0');
    copied = dot + 2;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/** Whether the digits just before `dot` are a whole literal (not part of a name, a float or an attribute). */
function endsDigitLiteral(text: string, dot: number): boolean {
  let i = dot - 1;
  if (!isDigit(text[i])) return false;
  while (isDigit(text[i])) i--;
  return !(isWordChar(text[i]) || text[i] === '.');
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && (isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c.charCodeAt(0) > 127);
}

/**
 * @lezer/python reads `1.` as a member access with a missing property, and `1.e3` as `1` dot `e3`;
 * both are float literals in Python.
 */
export function isTrailingDotFloat(member: SyntaxNode): boolean {
  const first = member.firstChild;
  const dot = first?.nextSibling;
  const last = dot?.nextSibling;
  if (first?.name !== 'Number' || dot?.name !== '.') return false;
  return !last || last.name === '⚠' || (last.name === 'PropertyName' && last.to - last.from > 1 && last.nextSibling === null && last.from === dot.to);
}
