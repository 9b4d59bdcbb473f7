import { Tensor, Value, tupleOf } from '../values/values';

/**
 * unbind and tensor_split, as torchvision's MViT splits q/k/v and the class token:
 * `qkv.unbind(dim=2)` gives one tensor per index with that dimension removed, and
 * `torch.tensor_split(x, indices=(1,), dim=2)` cuts at the given indices (or into n nearly equal
 * sections). Undefined when the shape or the arguments are not known.
 */
export function splitMethod(t: Tensor, name: string, args: Value[], kw: Map<string, Value>): Value | undefined {
  if (name === 'unbind') return unbind(t, args[0] ?? kw.get('dim') ?? 0n);
  if (name === 'tensor_split') return tensorSplit(t, args[0] ?? kw.get('indices') ?? kw.get('sections') ?? kw.get('indices_or_sections') ?? null, args[1] ?? kw.get('dim') ?? 0n);
  return undefined;
}

function axis(dim: Value, rank: number): number | null {
  if (typeof dim !== 'bigint') return null;
  const d = Number(dim) < 0 ? Number(dim) + rank : Number(dim);
  return d >= 0 && d < rank ? d : null;
}

function unbind(t: Tensor, dim: Value): Value | undefined {
  const s = t.shape;
  if (!s) return undefined;
  const d = axis(dim, s.length);
  if (d === null || s[d] > 4096n) return undefined;
  const rest = [...s.slice(0, d), ...s.slice(d + 1)];
  return tupleOf(Array.from({ length: Number(s[d]) }, () => new Tensor(rest)));
}

function tensorSplit(t: Tensor, spec: Value, dim: Value): Value | undefined {
  const s = t.shape;
  if (!s) return undefined;
  const d = axis(dim, s.length);
  if (d === null) return undefined;
  const size = s[d];
  let bounds: bigint[];
  if (typeof spec === 'bigint') {
    if (spec <= 0n || spec > 4096n) return undefined;
    const base = size / spec;
    const extra = size % spec;
    bounds = [];
    let at = 0n;
    for (let i = 0n; i < spec - 1n; i++) bounds.push((at += base + (i < extra ? 1n : 0n)));
  } else if (Array.isArray(spec) && spec.every((v) => typeof v === 'bigint')) {
    bounds = spec as bigint[];
  } else return undefined;
  const clamp = (v: bigint): bigint => (v < 0n ? (v + size < 0n ? 0n : v + size) : v > size ? size : v);
  const edges = [0n, ...bounds.map(clamp), size];
  const parts: Value[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const len = edges[i + 1] > edges[i] ? edges[i + 1] - edges[i] : 0n;
    parts.push(new Tensor([...s.slice(0, d), len, ...s.slice(d + 1)]));
  }
  return tupleOf(parts);
}
