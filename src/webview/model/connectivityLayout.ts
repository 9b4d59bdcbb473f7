import { ConvSpec, connectivity, withCommas } from '../../core';

/**
 * A run of equal cells in one row of the C_out x C_in matrix, starting at `col` and `span`
 * cells wide; `level` 1..4 says how full they are (empty cells are not drawn). Merging runs
 * keeps a dense layer's picture to one rectangle per row instead of one per cell.
 */
export interface MatrixCell {
  row: number;
  col: number;
  span: number;
  fraction: number;
  level: 1 | 2 | 3 | 4;
}

export interface MatrixLayout {
  rows: number;
  cols: number;
  cells: MatrixCell[];
  /** Channels per row and per column bin, for the axis captions ("1 row = 16 output channels"). */
  outPerRow: string;
  inPerCol: string;
  aggregated: boolean;
  /** Fraction of all (output, input) channel pairs that are connected: exactly 1/groups. */
  density: string;
  caption: string;
}

/** Cells per side of the matrix picture; larger channel counts are binned by the core. */
export const MATRIX_CELLS = 48;

/**
 * The block-diagonal picture: output channels down, input channels across. Each group
 * connects its own C_out/g outputs to its own C_in/g inputs; depthwise leaves a diagonal.
 */
export function matrixLayout(spec: ConvSpec): MatrixLayout {
  const c = connectivity(spec, MATRIX_CELLS, 1);
  const cells: MatrixCell[] = [];
  c.matrix.forEach((row, r) => row.forEach((f, col) => {
    if (f <= 0) return;
    const last = cells[cells.length - 1];
    if (last && last.row === r && last.col + last.span === col && last.fraction === f) last.span++;
    else cells.push({ row: r, col, span: 1, fraction: f, level: f >= 0.99 ? 4 : f >= 0.5 ? 3 : f >= 0.2 ? 2 : 1 });
  }));
  const aggregated = BigInt(c.rows) < spec.out_channels || BigInt(c.cols) < spec.in_channels;
  const perBin = (channels: bigint, bins: number): string => {
    const b = BigInt(bins);
    return channels % b === 0n ? withCommas(channels / b) : `about ${withCommas(channels / b)}`;
  };
  const transposedNote = spec.transposed ? ' (a transposed layer groups channels the same way)' : '';
  return {
    rows: c.rows,
    cols: c.cols,
    cells,
    outPerRow: perBin(spec.out_channels, c.rows),
    inPerCol: perBin(spec.in_channels, c.cols),
    aggregated,
    density: `1/${withCommas(spec.groups)}`,
    caption: `${withCommas(spec.out_channels)} output x ${withCommas(spec.in_channels)} input channels, ${withCommas(spec.groups)} block${spec.groups === 1n ? '' : 's'} on the diagonal${transposedNote}`,
  };
}

/** One group's convolution in the "side by side" picture, or an ellipsis standing for many. */
export type GroupLane =
  | { kind: 'group'; index: bigint; inStart: bigint; inEnd: bigint; outStart: bigint; outEnd: bigint }
  | { kind: 'more'; count: bigint };

export interface GroupsLayout {
  lanes: GroupLane[];
  inPerGroup: bigint;
  outPerGroup: bigint;
  groups: bigint;
}

/** Lanes drawn before the picture switches to "first few, ellipsis, last". */
export const MAX_LANES = 12;

export function groupsLayout(spec: ConvSpec): GroupsLayout {
  const g = spec.groups;
  const inPer = spec.in_channels / g;
  const outPer = spec.out_channels / g;
  const lane = (i: bigint): GroupLane => ({ kind: 'group', index: i, inStart: i * inPer, inEnd: (i + 1n) * inPer, outStart: i * outPer, outEnd: (i + 1n) * outPer });
  const lanes: GroupLane[] = [];
  if (g <= BigInt(MAX_LANES)) {
    for (let i = 0n; i < g; i++) lanes.push(lane(i));
  } else {
    const head = BigInt(MAX_LANES - 3);
    for (let i = 0n; i < head; i++) lanes.push(lane(i));
    lanes.push({ kind: 'more', count: g - head - 1n });
    lanes.push(lane(g - 1n));
  }
  return { lanes, inPerGroup: inPer, outPerGroup: outPer, groups: g };
}
