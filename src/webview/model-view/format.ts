import { formatFactor, humanize, humanizeBytes } from '../../core';
import { h } from '../dom';

const EXACT = new Intl.NumberFormat('en-US');

/** "1.23M" with the exact digits in its title, or "unknown" with the reason in its title. */
export function figureCell(value: bigint | null, reason: string | null = null, bytes = false): HTMLElement {
  if (value === null) return h('span', { class: 'unknown', title: reason ?? 'unknown' }, 'unknown');
  return h('span', { title: EXACT.format(value) }, bytes ? humanizeBytes(value) : humanize(value));
}

export function exact(value: bigint): string {
  return EXACT.format(value);
}

/** "−1.2M" / "+3.4K" / "0" for a change. */
export function deltaText(before: bigint | null, after: bigint | null): string {
  if (before === null || after === null) return 'unknown';
  const d = after - before;
  return d === 0n ? '0' : `${d > 0n ? '+' : '−'}${humanize(d > 0n ? d : -d)}`;
}

export function percent(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return '—';
  const p = fraction * 100;
  return `${p >= 10 ? p.toFixed(0) : p >= 0.1 ? p.toFixed(1) : p > 0 ? '<0.1' : '0'}%`;
}

export function factor(x: number | null): string {
  return x === null || !Number.isFinite(x) ? '—' : formatFactor(x);
}

export function ms(x: number | null): string {
  return x === null ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 0.1 ? x.toFixed(2) : x.toFixed(3);
}

export function shapeText(shape: readonly string[] | null): string {
  return shape ? `[${shape.join(', ')}]` : '?';
}
