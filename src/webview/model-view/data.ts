/**
 * The model view's pure logic, DOM-free: grouping layers by module path, sorting and filtering
 * the layer table, and pairing the what-if's layers with the layers they replace. Figures are
 * the host's (read from the records); here they are only added up and compared.
 */
import { ratio } from '../../core';
import { WireLayerChange, WireModelLayer, WireModule, WireWhatIf } from '../../protocol/modelView';

export const big = (v: string | null | undefined): bigint | null => (v === null || v === undefined ? null : BigInt(v));

/** One bar of "where the compute goes": a module at the chosen depth and what its convs cost. */
export interface Group {
  /** Module path, e.g. 'features.3'; a conv directly under the root is its own group. */
  path: string;
  type: string;
  macs: bigint | null;
  /** Parameters of the module's whole subtree (convs, norms, linear…), as named_modules() nests them. */
  params: bigint | null;
  layers: number;
}

/** The module path at `depth` (1: the root's children) that holds a layer. */
export function groupPath(name: string, depth: number): string {
  return name.split('.').slice(0, depth).join('.');
}

/** The model's convs grouped by module path at `depth`, in named_modules() order. */
export function groupByModule(layers: readonly WireModelLayer[], modules: readonly WireModule[], depth: number): Group[] {
  const byName = new Map(modules.map((m) => [m.name, m]));
  const groups = new Map<string, Group>();
  for (const layer of layers) {
    const path = groupPath(layer.name, depth);
    let group = groups.get(path);
    if (!group) {
      const module = byName.get(path);
      group = { path, type: module?.type ?? layer.type, macs: 0n, params: module ? big(module.params) : 0n, layers: 0 };
      groups.set(path, group);
    }
    const macs = big(layer.macs);
    group.macs = group.macs === null || macs === null ? null : group.macs + macs;
    if (!byName.has(path)) {
      const params = big(layer.params);
      group.params = group.params === null || params === null ? null : group.params + params;
    }
    group.layers++;
  }
  return [...groups.values()];
}

/** The deepest module path among the layers (how far the chart can drill down). */
export function maxDepth(layers: readonly WireModelLayer[]): number {
  return layers.reduce((d, l) => Math.max(d, l.name.split('.').length), 1);
}

/** value / total as a fraction, or null when either is unknown or the total is 0. */
export function share(value: bigint | null, total: bigint | null): number | null {
  return value === null || total === null || total === 0n ? null : ratio(value, total);
}

export type SortKey = 'order' | 'name' | 'type' | 'kind' | 'params' | 'macs' | 'delta';
export interface Sort {
  key: SortKey;
  descending: boolean;
}

/** A row of the layer table: the layer as written, and what the what-if makes of it. */
export interface Row {
  index: number;
  layer: WireModelLayer;
  /** The what-if's layers that stand for it (itself, or its depthwise and pointwise parts). */
  after: WireModelLayer[];
  changes: WireLayerChange[];
  paramsAfter: bigint | null;
  macsAfter: bigint | null;
}

function sumOf(layers: readonly WireModelLayer[], figure: (l: WireModelLayer) => string | null): bigint | null {
  if (layers.length === 0) return null;
  let total = 0n;
  for (const l of layers) {
    const v = big(figure(l));
    if (v === null) return null;
    total += v;
  }
  return total;
}

/** The layers of the transformed model that stand for `name`: the same name, or its parts ('name.0', 'name.1'). */
export function replacing(name: string, after: readonly WireModelLayer[], changes: readonly WireLayerChange[]): WireModelLayer[] {
  const named = new Set(changes.filter((c) => c.name === name && c.status === 'applied').flatMap((c) => c.replacedBy));
  if (named.size === 0) named.add(name);
  return after.filter((l) => named.has(l.name));
}

export function rows(layers: readonly WireModelLayer[], whatIf: WireWhatIf | null): Row[] {
  return layers.map((layer, index) => {
    const changes = whatIf ? whatIf.changes.filter((c) => c.name === layer.name) : [];
    const after = whatIf ? replacing(layer.name, whatIf.layers, whatIf.changes) : [];
    return { index, layer, after, changes, paramsAfter: whatIf ? sumOf(after, (l) => l.params) : null, macsAfter: whatIf ? sumOf(after, (l) => l.macs) : null };
  });
}

/** Rows whose name, type or kind contains the filter text (case-insensitive). */
export function filterRows(all: readonly Row[], filter: string): Row[] {
  const needle = filter.trim().toLowerCase();
  if (!needle) return [...all];
  return all.filter((r) => [r.layer.name, r.layer.type, r.layer.kind ?? 'unknown'].some((t) => t.toLowerCase().includes(needle)));
}

function compareBig(a: bigint | null, b: bigint | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted rows; unknown figures go last whichever the direction. */
export function sortRows(all: readonly Row[], sort: Sort): Row[] {
  const delta = (r: Row): bigint | null => {
    const before = big(r.layer.macs);
    return before === null || r.macsAfter === null ? null : r.macsAfter - before;
  };
  const keyed: Record<SortKey, (a: Row, b: Row) => number> = {
    order: (a, b) => a.index - b.index,
    name: (a, b) => a.layer.name.localeCompare(b.layer.name),
    type: (a, b) => a.layer.type.localeCompare(b.layer.type),
    kind: (a, b) => (a.layer.kind ?? '~').localeCompare(b.layer.kind ?? '~'),
    params: (a, b) => compareBig(big(a.layer.params), big(b.layer.params)),
    macs: (a, b) => compareBig(big(a.layer.macs), big(b.layer.macs)),
    delta: (a, b) => compareBig(delta(a), delta(b)),
  };
  const unknown = (r: Row): boolean => (sort.key === 'params' ? r.layer.params === null : sort.key === 'macs' ? r.layer.macs === null : sort.key === 'delta' ? delta(r) === null : false);
  return [...all].sort((a, b) => {
    const ua = unknown(a);
    const ub = unknown(b);
    if (ua !== ub) return ua ? 1 : -1;
    const c = keyed[sort.key](a, b) || a.index - b.index;
    return sort.descending ? -c : c;
  });
}
