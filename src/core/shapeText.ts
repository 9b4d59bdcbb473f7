/**
 * Tuples of whole numbers as people type them, for input shapes and layer arguments alike:
 * "1, 3, 224, 224", "(3, 5)", "[1, 3, 224, 224]", "1x3x224x224", "1 × 3 × 224 × 224", "1 3 224 224"
 * and "1_000_000". One optional pair of brackets and a trailing comma (Python's "(3,)") are
 * allowed. Each surface (CLI, editor, webview) adds its own limits and messages.
 */
export type IntegerTuple = { ok: true; values: bigint[] } | { ok: false; bad: string | null };

/** The tuple's values, or the first part that is not a whole number (null when the text holds nothing). */
export function parseIntegerTuple(text: string): IntegerTuple {
  const parts = tupleParts(text);
  if (parts.length === 0) return { ok: false, bad: null };
  const values: bigint[] = [];
  for (const part of parts) {
    const value = wholeNumber(part);
    if (value === null) return { ok: false, bad: part };
    values.push(value);
  }
  return { ok: true, values };
}

/** The parts of a tuple's text between its separators (commas, 'x', '×' or blanks), brackets and a trailing comma removed. */
export function tupleParts(text: string): string[] {
  const inner = text.trim().replace(/^[[(]\s*/, '').replace(/\s*[\])]$/, '').replace(/\s*,$/, '');
  return inner === '' ? [] : inner.split(/\s*[,x×]\s*|\s+/);
}

/** "224", "-1" or "1_000" as a bigint; null for anything else (a float, a name, an empty part). */
export function wholeNumber(part: string): bigint | null {
  return /^-?\d+(_\d+)*$/.test(part) ? BigInt(part.replace(/_/g, '')) : null;
}
