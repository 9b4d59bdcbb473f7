import { Dtype, formatShape, humanize, withCommas } from '../../core';

/** How counts of work are shown: MACs, FLOPs or both (the `convLens.flopDisplay` setting). */
export type FlopDisplay = 'macs' | 'flops' | 'both';

export interface DisplayOptions {
  flopDisplay: FlopDisplay;
  dtype: Dtype;
}

export const DEFAULT_DISPLAY: DisplayOptions = { flopDisplay: 'both', dtype: 'fp32' };

/** "36,992 (37K)" for big counts, the exact digits alone for small ones. */
export function exact(value: bigint): string {
  return value < 1000n ? withCommas(value) : `${withCommas(value)} (${humanize(value)})`;
}

/** "1.2M" style, for one-line summaries. */
export function short(value: bigint | null): string {
  return value === null ? '?' : humanize(value);
}

/** The work figure for a one-line summary, e.g. "116M MACs" or "231M FLOPs" or both. */
export function workSummary(macs: bigint | null, display: FlopDisplay): string {
  const flops = macs === null ? null : macs * 2n;
  if (display === 'macs') return `${short(macs)} MACs`;
  if (display === 'flops') return `${short(flops)} FLOPs`;
  return `${short(macs)} MACs (${short(flops)} FLOPs)`;
}

export function shapeText(shape: readonly bigint[] | null | undefined): string {
  return formatShape(shape ?? null);
}

/** The savings factor with one decimal, as the hover's grouped-vs-dense line prints it ("8.0x"). */
export function factor(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)}x`;
}

/** "1,024" when every value is that, "36,864–2,359,296" for a range, "?" when any is unknown. */
export function spanOf(values: ReadonlyArray<bigint | null>, format: (v: bigint) => string): string {
  if (values.length === 0 || values.some((v) => v === null)) return '?';
  let lo = values[0]!;
  let hi = lo;
  for (const v of values) {
    if (v! < lo) lo = v!;
    if (v! > hi) hi = v!;
  }
  return lo === hi ? format(lo) : `${format(lo)}–${format(hi)}`;
}
