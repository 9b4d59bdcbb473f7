import { Args, Builtin, ClassValue, Namespace, Tensor, Value, isUnknown, tupleOf, unknown } from '../values/values';
import { MODULE_CLASS } from './native';

/**
 * What model files use most from timm, for when timm is not installed where the analysis can
 * read it: DropPath (no parameters, same shape), the weight initialisers (no effect on shapes
 * or counts), to_2tuple and friends, and make_divisible. Every other timm name stays unknown.
 */
function parameterFree(name: string): ClassValue {
  return new ClassValue(name, [MODULE_CLASS], null, null, {
    isModule: true,
    init() {},
    forward(_self, args) {
      const x = args.positional[0] ?? null;
      return x instanceof Tensor ? new Tensor(x.shape) : unknown(`${name} of a non-tensor`);
    },
  });
}

function ntuple(n: number): Builtin {
  return new Builtin(`to_${n}tuple`, (a) => {
    const x = a.positional[0] ?? null;
    if (Array.isArray(x)) return tupleOf([...x]);
    return tupleOf(Array.from({ length: n }, () => x));
  });
}

function makeDivisible(a: Args): Value {
  const [v, divisor = 8n, minValue = null, roundLimit = 0.9] = a.positional;
  if (isUnknown(v) || isUnknown(divisor)) return unknown('make_divisible of an unknown value');
  const d = Number(divisor);
  const min = minValue === null ? d : Number(minValue);
  let out = Math.max(min, Math.floor((Number(v) + d / 2) / d) * d);
  if (out < Number(roundLimit) * Number(v)) out += d;
  return BigInt(out);
}

export function timmStandIn(dotted: string): Namespace {
  const members = new Map<string, Value>();
  for (const name of ['DropPath', 'DropBlock2d', 'Identity']) members.set(name, parameterFree(name));
  for (const name of ['trunc_normal_', 'lecun_normal_', 'variance_scaling_', 'trunc_normal_tf_']) {
    members.set(name, new Builtin(name, (a) => a.positional[0] ?? null));
  }
  for (const n of [1, 2, 3, 4]) members.set(`to_${n}tuple`, ntuple(n));
  members.set('to_ntuple', new Builtin('to_ntuple', (a) => ntuple(Number(a.positional[0]))));
  members.set('make_divisible', new Builtin('make_divisible', makeDivisible));
  return new Namespace(dotted, members, true);
}
