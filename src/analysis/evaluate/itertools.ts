import type { Interpreter } from './interpreter';
import { binaryOp } from './operators';
import { MAX_ITEMS, tooManyItems } from './limits';
import { Args, Builtin, Namespace, Value, tupleOf, unknown } from '../values/values';

/**
 * The finite parts of `itertools` that model code uses while building (timm's `to_2tuple` is
 * `tuple(repeat(x, 2))`, stage lists are `chain`ed); each gives a list, as the analysis iterates
 * lists. The infinite ones (`count`, `cycle`, `repeat` without a count) are unknown.
 */
type Fn = (a: Args, ip: Interpreter) => Value;
const b = (name: string, f: Fn): Builtin => new Builtin(name, f);

function bounded(items: Value[], ip: Interpreter): Value {
  return items.length > MAX_ITEMS ? tooManyItems(items.length, ip.budget) : items;
}

export function itertoolsModule(): Namespace {
  const m = new Map<string, Value>();
  m.set('repeat', b('repeat', (a, ip) => {
    const times = a.positional[1] ?? a.keywords.get('times');
    if (typeof times !== 'bigint') return unknown(times === undefined ? 'itertools.repeat without a count never ends' : 'itertools.repeat with an unknown count');
    if (times > BigInt(MAX_ITEMS)) return tooManyItems(times, ip.budget);
    ip.budget.charge(Number(times > 0n ? times : 0n));
    return Array.from({ length: Number(times > 0n ? times : 0n) }, () => a.positional[0] ?? null);
  }));
  const chain = b('chain', (a, ip) => bounded(a.positional.flatMap((it) => ip.iterate(it)), ip));
  m.set('chain', chain);
  m.set('product', b('product', (a, ip) => {
    const r = a.keywords.get('repeat') ?? 1n;
    if (typeof r !== 'bigint' || r < 0n || r > 16n) return unknown('itertools.product with this repeat');
    const pools = Array.from({ length: Number(r) }, () => a.positional.map((it) => ip.iterate(it))).flat();
    let out: Value[][] = [[]];
    for (const pool of pools) {
      if (out.length * pool.length > MAX_ITEMS) return tooManyItems(out.length * pool.length, ip.budget);
      out = out.flatMap((prefix) => pool.map((x) => [...prefix, x]));
      ip.budget.charge(out.length);
    }
    return out.map(tupleOf);
  }));
  m.set('accumulate', b('accumulate', (a, ip) => {
    const items = ip.iterate(a.positional[0] ?? null);
    const func = a.positional[1] ?? a.keywords.get('func') ?? null;
    const out: Value[] = [];
    let acc: Value | undefined = a.keywords.get('initial');
    if (acc !== undefined && acc !== null) out.push(acc);
    else acc = undefined;
    for (const x of items) {
      acc = acc === undefined ? x : func === null ? binaryOp('+', acc, x, ip.budget) : ip.call(func, { positional: [acc, x], keywords: new Map() }, null);
      out.push(acc);
    }
    return out;
  }));
  m.set('islice', b('islice', (a, ip) => {
    const items = ip.iterate(a.positional[0] ?? null);
    const args = a.positional.slice(1);
    if (!args.every((v) => v === null || typeof v === 'bigint')) return unknown('itertools.islice with unknown bounds');
    const [start, stop, step] = args.length === 1 ? [0n, args[0], 1n] : [args[0] ?? 0n, args[1] ?? null, args[2] ?? 1n];
    const s = Number(start ?? 0n);
    const e = stop === null ? items.length : Math.min(items.length, Number(stop));
    const st = Number(step ?? 1n);
    if (st <= 0) return unknown('itertools.islice with a step below 1');
    const out: Value[] = [];
    for (let i = s; i < e; i += st) out.push(items[i]);
    return out;
  }));
  m.set('zip_longest', b('zip_longest', (a, ip) => {
    const lists = a.positional.map((it) => ip.iterate(it));
    const fill = a.keywords.get('fillvalue') ?? null;
    const n = Math.max(0, ...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => tupleOf(lists.map((l) => (i < l.length ? l[i] : fill))));
  }));
  for (const name of ['count', 'cycle']) m.set(name, b(name, () => unknown(`itertools.${name} never ends`)));
  return new Namespace('itertools', m, true);
}

