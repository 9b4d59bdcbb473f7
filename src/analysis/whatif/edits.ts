import type { SourceRange } from '../types';

/** One text replacement in one file: offsets into the file's text as analysed, and the same span as a range. */
export interface WhatIfEdit {
  /** Absolute path ('/'-separated), as AnalysisOptions.file. */
  file: string;
  from: number;
  to: number;
  range: SourceRange;
  text: string;
  /** The text the edit replaces, as analysed: an editor refuses the edit when the file no longer has it there. */
  replaced: string;
}

/**
 * Applies edits (offsets into `text`) to `text`. Edits must not overlap; inserts at the same
 * offset are applied in the order given. Throws on overlapping or out-of-range edits, which
 * would be a bug of the caller.
 */
export function applyEdits(text: string, edits: ReadonlyArray<Pick<WhatIfEdit, 'from' | 'to' | 'text'>>): string {
  const ordered = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.from - b.e.from || a.e.to - b.e.to || a.i - b.i);
  let out = '';
  let at = 0;
  for (const { e } of ordered) {
    if (e.from < at || e.to < e.from || e.to > text.length) throw new RangeError(`overlapping or out-of-range edit ${e.from}..${e.to}`);
    out += text.slice(at, e.from) + e.text;
    at = e.to;
  }
  return out + text.slice(at);
}

/** The edits of one file, in the order applyEdits expects. */
export function editsOf(file: string, edits: readonly WhatIfEdit[]): WhatIfEdit[] {
  return edits.filter((e) => e.file === file);
}
