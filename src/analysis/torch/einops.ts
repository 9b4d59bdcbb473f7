import { Args, Builtin, ClassValue, ModuleObject, Namespace, Tensor, Value, unknown } from '../values/values';
import { MODULE_CLASS } from './native';

/**
 * einops, as vision transformers and MLP-mixers written after lucidrains' code use it:
 * rearrange/reduce/repeat and the Rearrange/Reduce layers, shape only. A pattern such as
 * 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)' names each input dimension (a parenthesised group is
 * a product, one unknown factor of which is solved from the size), and the output is the
 * product of each right-hand group. Names missing on the right are reduced away; names new on
 * the right (repeat) take their sizes from the keyword arguments. Null when the pattern does
 * not fit the shape.
 */
type Group = string[] | '...';

function parseSide(side: string): Group[] | null {
  const groups: Group[] = [];
  let open: string[] | null = null;
  for (const token of side.replace(/\(/g, ' ( ').replace(/\)/g, ' ) ').split(' ').filter(Boolean)) {
    if (token === '(') {
      if (open) return null;
      open = [];
    } else if (token === ')') {
      if (!open) return null;
      groups.push(open);
      open = null;
    } else if (token === '...' || token === '…') {
      if (open) return null;
      groups.push('...');
    } else if (open) open.push(token);
    else groups.push([token]);
  }
  return open ? null : groups;
}

export function einopsShape(shape: bigint[] | null, pattern: Value, axes: Map<string, Value>): bigint[] | null {
  if (!shape || typeof pattern !== 'string' || !pattern.includes('->')) return null;
  const [left, right] = pattern.split('->').map(parseSide);
  if (!left || !right) return null;
  const sizes = new Map<string, bigint>();
  for (const [k, v] of axes) if (typeof v === 'bigint') sizes.set(k, v);
  const named = left.filter((g) => g !== '...').length;
  const hasEllipsis = left.includes('...');
  if (hasEllipsis ? named > shape.length : named !== shape.length) return null;
  let ellipsis: bigint[] = [];
  let dim = 0;
  for (const group of left) {
    if (group === '...') {
      const n = shape.length - named;
      ellipsis = shape.slice(dim, dim + n);
      dim += n;
      continue;
    }
    if (!bindGroup(group, shape[dim++], sizes)) return null;
  }
  const out: bigint[] = [];
  for (const group of right) {
    if (group === '...') {
      out.push(...ellipsis);
      continue;
    }
    let size = 1n;
    for (const name of group) {
      const s = /^\d+$/.test(name) ? BigInt(name) : sizes.get(name);
      if (s === undefined) return null;
      size *= s;
    }
    out.push(size);
  }
  return out;
}

/** Binds the names of one input group to its size; one name of the group may be unknown. */
function bindGroup(group: string[], size: bigint, sizes: Map<string, bigint>): boolean {
  let known = 1n;
  let free: string | null = null;
  for (const name of group) {
    const s = /^\d+$/.test(name) ? BigInt(name) : sizes.get(name);
    if (s !== undefined) known *= s;
    else if (free === null) free = name;
    else return false;
  }
  if (free === null) return known === size;
  if (known === 0n || size % known !== 0n) return false;
  sizes.set(free, size / known);
  return true;
}

function shapeResult(x: Value, pattern: Value, axes: Map<string, Value>): Value {
  if (!(x instanceof Tensor)) return unknown('einops of a non-tensor');
  return new Tensor(einopsShape(x.shape, pattern, axes));
}

function functionArgs(a: Args): [Value, Value, Map<string, Value>] {
  const axes = new Map(a.keywords);
  axes.delete('pattern');
  axes.delete('reduction');
  return [a.positional[0] ?? null, a.positional[1] ?? a.keywords.get('pattern') ?? null, axes];
}

function layer(name: string): ClassValue {
  return new ClassValue(name, [MODULE_CLASS], null, null, {
    isModule: true,
    init(self, args) {
      const mod = self as ModuleObject;
      mod.attrs.set('pattern', args.positional[0] ?? args.keywords.get('pattern') ?? null);
      const axes = new Map(args.keywords);
      axes.delete('pattern');
      axes.delete('reduction');
      einopsAxes.set(mod, axes);
    },
    forward(self, args) {
      return shapeResult(args.positional[0] ?? null, self.attrs.get('pattern') ?? null, einopsAxes.get(self) ?? new Map());
    },
  });
}

const einopsAxes = new WeakMap<ModuleObject, Map<string, Value>>();

/** 'einops' and 'einops.layers.torch', for the module loader's table of known modules. */
export function einopsNamespaces(): Array<[string, Namespace]> {
  const fns = new Map<string, Value>();
  for (const name of ['rearrange', 'reduce', 'repeat']) {
    fns.set(name, new Builtin(name, (a) => shapeResult(...functionArgs(a)), true));
  }
  const layers = new Map<string, Value>([['Rearrange', layer('Rearrange')], ['Reduce', layer('Reduce')]]);
  const torchLayers = new Namespace('einops.layers.torch', layers, true);
  fns.set('layers', new Namespace('einops.layers', new Map([['torch', torchLayers]]), true));
  return [['einops', new Namespace('einops', fns, true)], ['einops.layers.torch', torchLayers]];
}
