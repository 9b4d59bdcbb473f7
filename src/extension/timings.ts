/**
 * Durations of provider calls, kept for the performance log (the editor tests read them through
 * the extension's exports). Bounded: only the latest samples of each kind are kept.
 */
export class Timings {
  private readonly samples = new Map<string, number[]>();

  constructor(private readonly limit = 5000) {}

  record(kind: string, millis: number): void {
    const list = this.samples.get(kind) ?? [];
    list.push(millis);
    if (list.length > this.limit) list.shift();
    this.samples.set(kind, list);
  }

  /** The samples of a kind, then forgets them (so a measurement sees only its own calls). */
  take(kind: string): number[] {
    const list = this.samples.get(kind) ?? [];
    this.samples.delete(kind);
    return list;
  }
}
