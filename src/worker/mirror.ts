import type { WireChange } from '../protocol/analysis';

/**
 * An edit envelope: the one span of the text a document had at its last analysis that the edits
 * since have replaced, and how long the replacement is. Lezer reuses every part of the old tree
 * outside the span, so one coarse change reparses what many small ones would.
 */
export interface Envelope {
  from: number;
  to: number;
  insertLength: number;
}

/** The text of one open document as the host sent it, and the edits since its last analysis. */
export class MirroredDocument {
  /** Null while the mirror has lost track of the text (a change did not fit) until the host resends it. */
  text: string | null;
  /** Null when the next analysis must parse afresh (just opened, or more than an envelope can say). */
  private envelope: Envelope | null = null;
  private fresh = true;

  constructor(text: string, public version: number) {
    this.text = text;
  }

  /**
   * Applies one change event. VS Code lists an event's changes from the end of the text to its
   * start, each in the offsets of the text before the event, so applying them in that order
   * keeps every offset valid. Returns false, and forgets the text, when the changes do not fit
   * or the result is not `length` characters long.
   */
  apply(changes: readonly WireChange[], version: number, length: number): boolean {
    let text = this.text;
    if (text === null) return false;
    for (const change of changes) {
      if (change.to > text.length) return this.lose();
      text = text.slice(0, change.from) + change.text + text.slice(change.to);
      this.widen(change.from, change.to, change.text.length);
    }
    if (text.length !== length) return this.lose();
    this.text = text;
    this.version = version;
    return true;
  }

  /** The edits since the last analysis, as one change in that text's offsets, or undefined for a fresh parse. */
  takeChanges(): Envelope[] | undefined {
    const changes = this.fresh ? undefined : this.envelope ? [this.envelope] : [];
    this.envelope = null;
    this.fresh = false;
    return changes;
  }

  /** The next analysis parses afresh (after an abandoned run, whose parse state cannot be trusted). */
  reparse(): void {
    this.fresh = true;
    this.envelope = null;
  }

  /**
   * Grows the envelope by a change given in the current text's offsets. Text before the
   * envelope's start and after its end is the same in the old and the current text, shifted at
   * the end by the envelope's growth, which is how a current offset maps back to an old one.
   */
  private widen(from: number, to: number, insertLength: number): void {
    const e = this.envelope;
    if (!e) {
      this.envelope = { from, to, insertLength };
      return;
    }
    const currentEnd = e.from + e.insertLength;
    const start = Math.min(e.from, from);
    const end = Math.max(currentEnd, to);
    this.envelope = { from: start, to: e.to + (end - currentEnd), insertLength: end - start + insertLength - (to - from) };
  }

  private lose(): false {
    this.text = null;
    this.envelope = null;
    this.fresh = true;
    return false;
  }
}
