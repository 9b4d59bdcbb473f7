import { Divisors, divisors, gcd } from './divisors';
import { ConvSpec } from './spec';

export type ConvKind = 'dense' | 'grouped' | 'depthwise' | 'depthwise_multiplier' | 'pointwise' | 'grouped_pointwise';

export const KIND_LABELS: Record<ConvKind, string> = {
  dense: 'dense',
  grouped: 'grouped',
  depthwise: 'depthwise',
  depthwise_multiplier: 'depthwise with channel multiplier',
  pointwise: 'pointwise (1x1)',
  grouped_pointwise: 'grouped pointwise (1x1)',
};

/**
 * What kind of channel mixing a layer does. Depthwise means one group per input channel
 * (groups == in_channels > 1); with out_channels = m x in_channels it has a channel multiplier m.
 */
export function convKind(spec: ConvSpec): ConvKind {
  const pointwise = spec.kernel_size.every((k) => k === 1n);
  if (spec.groups === 1n) return pointwise ? 'pointwise' : 'dense';
  if (spec.groups === spec.in_channels) {
    return spec.out_channels === spec.in_channels ? 'depthwise' : 'depthwise_multiplier';
  }
  return pointwise ? 'grouped_pointwise' : 'grouped';
}

/**
 * The groups values PyTorch accepts for these channel counts: the divisors of
 * gcd(in_channels, out_channels), ascending, and how many there are. All of them when there are
 * at most DIVISORS_LISTED; otherwise 1, the gcd and those nearest `around` (the layer's groups).
 * `count` is null when the gcd has a prime factor too large to find quickly (two prime factors
 * beyond about 10^7); the list then holds the divisors found.
 */
export function validGroups(inChannels: bigint, outChannels: bigint, around = 1n): Divisors {
  const n = gcd(inChannels, outChannels);
  const key = Number(n);
  if (!Number.isSafeInteger(key)) return divisors(n, around);
  const known = listedDivisors.get(key);
  if (known) return { values: [...known.values], complete: known.complete, count: known.count };
  const found = divisors(n, around);
  // Only whole lists are kept: they do not depend on `around`.
  if (found.complete && found.count !== null && found.values.length === Number(found.count) && listedDivisors.size < LISTED_KEPT) {
    listedDivisors.set(key, { values: [...found.values], complete: true, count: found.count });
  }
  return found;
}

/**
 * Whole divisor lists by gcd: a model's layers share a few channel counts, so each record would
 * otherwise factor and sort the same gcd again. Copies are handed out (callers own their lists).
 */
const listedDivisors = new Map<number, Divisors>();
const LISTED_KEPT = 4096;

export { gcd };

/** The valid groups values nearest to a wanted one (for "Set groups to N" fixes). */
export function nearestValidGroups(inChannels: bigint, outChannels: bigint, wanted: bigint, count = 2): bigint[] {
  const { values } = validGroups(inChannels, outChannels, wanted);
  const distance = (v: bigint): bigint => (v > wanted ? v - wanted : wanted - v);
  return [...values].sort((a, b) => {
    const d = distance(a) - distance(b);
    return d !== 0n ? (d < 0n ? -1 : 1) : a < b ? -1 : 1;
  }).slice(0, count);
}

/**
 * Block-diagonal connectivity: group i maps input channels [i*C_in/g, (i+1)*C_in/g) to output
 * channels [i*C_out/g, (i+1)*C_out/g). `cellsPerSide` caps how many rows and columns a picture
 * gets: when channels exceed it they are aggregated into bins, and each cell says what
 * fraction of its channel pairs are connected.
 */
export interface Connectivity {
  groups: bigint;
  in_channels: bigint;
  out_channels: bigint;
  blocks: Array<{ group: bigint; in_start: bigint; in_end: bigint; out_start: bigint; out_end: bigint }>;
  /** Rows are output bins, columns input bins; each value is the connected fraction in [0, 1]. */
  matrix: number[][];
  rows: number;
  cols: number;
  blocks_truncated: boolean;
}

export function connectivity(spec: ConvSpec, cellsPerSide = 64, maxBlocks = 256): Connectivity {
  const { in_channels: cin, out_channels: cout, groups: g } = spec;
  const inPerGroup = cin / g;
  const outPerGroup = cout / g;
  const shownBlocks = g < BigInt(maxBlocks) ? g : BigInt(maxBlocks);
  const blocks = [];
  for (let i = 0n; i < shownBlocks; i++) {
    blocks.push({ group: i, in_start: i * inPerGroup, in_end: (i + 1n) * inPerGroup, out_start: i * outPerGroup, out_end: (i + 1n) * outPerGroup });
  }
  const rows = Number(cout < BigInt(cellsPerSide) ? cout : BigInt(cellsPerSide));
  const cols = Number(cin < BigInt(cellsPerSide) ? cin : BigInt(cellsPerSide));
  const matrix = Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => connectedFraction(binRange(cout, rows, r), binRange(cin, cols, c), inPerGroup, outPerGroup, g)));
  return { groups: g, in_channels: cin, out_channels: cout, blocks, matrix, rows, cols, blocks_truncated: shownBlocks < g };
}

/** The channel range [start, end) that bin `i` of `bins` covers. */
function binRange(channels: bigint, bins: number, i: number): [bigint, bigint] {
  const b = BigInt(bins);
  return [(channels * BigInt(i)) / b, (channels * BigInt(i + 1)) / b];
}

/**
 * The fraction of (output, input) channel pairs in a cell that share a group. Output channel o
 * is in group floor(o / outPerGroup), input channel c in group floor(c / inPerGroup); the pairs
 * connected are the sums over groups of the overlap of the cell with that group's block.
 */
function connectedFraction(outRange: [bigint, bigint], inRange: [bigint, bigint], inPerGroup: bigint, outPerGroup: bigint, groups: bigint): number {
  const area = (outRange[1] - outRange[0]) * (inRange[1] - inRange[0]);
  if (area === 0n) return 0;
  const firstGroup = maxBig(outRange[0] / outPerGroup, inRange[0] / inPerGroup);
  const lastGroup = minBig((outRange[1] - 1n) / outPerGroup, (inRange[1] - 1n) / inPerGroup, groups - 1n);
  if (lastGroup < firstGroup) return 0;
  const pairs = (k: bigint): bigint =>
    overlap(outRange, [k * outPerGroup, (k + 1n) * outPerGroup]) * overlap(inRange, [k * inPerGroup, (k + 1n) * inPerGroup]);
  // Groups strictly between the first and the last lie wholly inside the cell, since both
  // ranges are intervals: each contributes its full block.
  let connected = pairs(firstGroup);
  if (lastGroup > firstGroup) connected += pairs(lastGroup);
  if (lastGroup > firstGroup + 1n) connected += (lastGroup - firstGroup - 1n) * inPerGroup * outPerGroup;
  return Number((connected * 1_000_000n) / area) / 1_000_000;
}

function overlap(a: [bigint, bigint], b: [bigint, bigint]): bigint {
  const lo = maxBig(a[0], b[0]);
  const hi = minBig(a[1], b[1]);
  return hi > lo ? hi - lo : 0n;
}

function maxBig(...xs: bigint[]): bigint {
  return xs.reduce((m, x) => (x > m ? x : m));
}

function minBig(...xs: bigint[]): bigint {
  return xs.reduce((m, x) => (x < m ? x : m));
}
