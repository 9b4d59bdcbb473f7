import { humanize } from '../../core';

/**
 * Chart geometry as plain data: the page turns it into SVG, the unit tests check it directly.
 * Values are bigints (they may exceed 2^53); positions are computed from their logarithms or
 * from their ratio to the largest value, both of which a double represents well enough to draw.
 */
export interface Box {
  width: number;
  height: number;
  /** Space for axis labels: left, right, top, bottom. */
  margin: { left: number; right: number; top: number; bottom: number };
}

export interface Tick {
  position: number;
  text: string;
}

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
  value: bigint;
  valueText: string;
  current: boolean;
}

export interface BarChart {
  box: Box;
  bars: Bar[];
  yTicks: Tick[];
  log: boolean;
  /** The largest value, to say what the axis means. */
  max: bigint;
}

export interface BarDatum {
  label: string;
  value: bigint | null;
  current: boolean;
}

/** log10 of a positive bigint, accurate for values far beyond 2^53. */
export function log10(value: bigint): number {
  if (value <= 0n) return Number.NEGATIVE_INFINITY;
  const digits = value.toString();
  if (digits.length <= 15) return Math.log10(Number(value));
  return Math.log10(Number(digits.slice(0, 15))) + digits.length - 15;
}

/** value / max in [0, 1], exact enough to draw for any bigints. */
export function fraction(value: bigint, max: bigint): number {
  if (max <= 0n || value <= 0n) return 0;
  return Number((value * 1_000_000n) / max) / 1_000_000;
}

/** Powers of ten spanning [lo, hi] (in log10 units), with 2 and 5 in between when the span is short. */
export function logTicks(lo: number, hi: number): number[] {
  const first = Math.floor(lo);
  const last = Math.ceil(hi);
  const decades = Math.max(1, last - first);
  const steps = decades <= 2 ? [1, 2, 5] : [1];
  const stride = Math.max(1, Math.ceil(decades / 6));
  const ticks: number[] = [];
  for (let e = first; e <= last; e += stride) {
    for (const s of steps) {
      const t = e + Math.log10(s);
      if (t >= lo - 1e-9 && t <= hi + 1e-9) ticks.push(t);
    }
  }
  return ticks;
}

/** Round numbers for a linear axis from 0 to max: about five ticks at 1, 2 or 5 times a power of ten. */
export function linearTicks(max: bigint): bigint[] {
  if (max <= 0n) return [0n];
  const rough = max / 5n > 0n ? max / 5n : 1n;
  const magnitude = 10n ** BigInt(rough.toString().length - 1);
  const step = [1n, 2n, 5n, 10n].map((m) => m * magnitude).find((s) => s >= rough) ?? 10n * magnitude;
  const ticks: bigint[] = [];
  for (let t = 0n; t <= max; t += step) ticks.push(t);
  return ticks;
}

export function tickText(exponent: number): string {
  const value = 10 ** exponent;
  if (value < 1) return value.toPrecision(1);
  return humanize(BigInt(Math.round(value)));
}

/** Ratio of largest to smallest value beyond which linear bars would hide the small ones. */
const LOG_WORTHWHILE = 100n;

/** True when the values span so much that a linear axis would flatten the smallest bars to nothing. */
export function wantsLogScale(values: ReadonlyArray<bigint | null>): boolean {
  const positive = values.filter((v): v is bigint => v !== null && v > 0n);
  if (positive.length < 2) return false;
  const max = positive.reduce((m, v) => (v > m ? v : m));
  const min = positive.reduce((m, v) => (v < m ? v : m));
  return max >= min * LOG_WORTHWHILE;
}

/** Vertical bars, one per datum, on a linear or log axis. Missing values get no bar. */
export function barChart(data: readonly BarDatum[], box: Box, log: boolean, format: (v: bigint) => string): BarChart {
  const values = data.map((d) => d.value).filter((v): v is bigint => v !== null && v > 0n);
  const max = values.reduce((m, v) => (v > m ? v : m), 0n);
  const min = values.reduce((m, v) => (v < m ? v : m), max);
  const plotWidth = box.width - box.margin.left - box.margin.right;
  const plotHeight = box.height - box.margin.top - box.margin.bottom;
  const slot = data.length > 0 ? plotWidth / data.length : plotWidth;
  const barWidth = Math.max(2, Math.min(64, slot * 0.6));
  // The log axis starts a little below the smallest value, so even the smallest bar shows.
  const lo = log ? Math.floor(log10(min > 0n ? min : 1n) - 1e-9) : 0;
  const hi = log ? Math.max(lo + 1, log10(max > 0n ? max : 1n)) : 0;
  const heightOf = (v: bigint): number => (log ? ((log10(v) - lo) / (hi - lo)) * plotHeight : fraction(v, max) * plotHeight);
  const bars = data.flatMap((d, i) => {
    if (d.value === null) return [];
    const h = d.value > 0n ? Math.max(1, heightOf(d.value)) : 0;
    return [{
      x: box.margin.left + slot * i + (slot - barWidth) / 2,
      y: box.margin.top + plotHeight - h,
      width: barWidth,
      height: h,
      label: d.label,
      value: d.value,
      valueText: format(d.value),
      current: d.current,
    }];
  });
  const yTicks = log
    ? logTicks(lo, hi).map((t) => ({ position: box.margin.top + plotHeight - ((t - lo) / (hi - lo)) * plotHeight, text: tickText(t) }))
    : linearTicks(max).map((t) => ({ position: box.margin.top + plotHeight - fraction(t, max) * plotHeight, text: humanize(t) }));
  return { box, bars, yTicks, log, max };
}

export interface CurvePoint {
  x: number;
  y: number;
  groups: bigint;
  value: bigint;
  current: boolean;
}

export interface CurveSeries {
  name: string;
  points: CurvePoint[];
}

export interface CurveChart {
  box: Box;
  series: CurveSeries[];
  xTicks: Tick[];
  yTicks: Tick[];
}

export interface CurveInput {
  name: string;
  values: Array<{ groups: bigint; value: bigint | null; current: boolean }>;
}

/** Values against groups, log-log: params and MACs fall as 1/groups, a straight line. */
export function curveChart(inputs: readonly CurveInput[], box: Box): CurveChart {
  const all = inputs.flatMap((s) => s.values.filter((v) => v.value !== null && v.value > 0n));
  const groups = all.map((v) => log10(v.groups));
  const values = all.map((v) => log10(v.value!));
  const xLo = 0;
  const xHi = Math.max(1, ...groups);
  const yLo = values.length > 0 ? Math.floor(Math.min(...values)) : 0;
  const yHi = Math.max(yLo + 1, Math.ceil(Math.max(...values, 1)));
  const plotWidth = box.width - box.margin.left - box.margin.right;
  const plotHeight = box.height - box.margin.top - box.margin.bottom;
  const xOf = (l: number): number => box.margin.left + ((l - xLo) / (xHi - xLo)) * plotWidth;
  const yOf = (l: number): number => box.margin.top + plotHeight - ((l - yLo) / (yHi - yLo)) * plotHeight;
  const series = inputs.map((s) => ({
    name: s.name,
    points: s.values.filter((v) => v.value !== null && v.value > 0n).map((v) => ({
      x: xOf(log10(v.groups)), y: yOf(log10(v.value!)), groups: v.groups, value: v.value!, current: v.current,
    })),
  }));
  return {
    box,
    series,
    xTicks: logTicks(xLo, xHi).map((t) => ({ position: xOf(t), text: tickText(t) })),
    yTicks: logTicks(yLo, yHi).map((t) => ({ position: yOf(t), text: tickText(t) })),
  };
}
