import type { Evaluator } from '../evaluate/evaluator';
import { Args, Builtin, Namespace, Tensor, Value, isUnknown, tupleOf, unknown } from '../values/values';

// torch.nn.modules.utils: the pure-Python helpers that layer code (torch's and the models' own)
// imports to turn `3` into `(3, 3)`. Python's `parse(x)` returns `tuple(x)` for an iterable and
// `x` repeated n times otherwise.

function ntupleParse(n: number, name: string): Builtin {
  return new Builtin(name, (a: Args, ip: Evaluator) => {
    const x = a.positional[0] ?? a.keywords.get('x');
    if (x === undefined) return unknown(`${name}() without an argument`);
    if (isUnknown(x)) return unknown(x.reason);
    if (typeof x === 'bigint' || typeof x === 'number' || typeof x === 'boolean' || x === null) return tupleOf(Array.from({ length: n }, () => x));
    if (x instanceof Tensor) return unknown(`${name}() of a tensor`);
    return tupleOf(ip.iterate(x));
  });
}

function ntuple(a: Args): Value {
  const n = a.positional[0] ?? a.keywords.get('n');
  const name = a.positional[1] ?? a.keywords.get('name') ?? 'parse';
  if (typeof n !== 'bigint' || n < 0n || n > 64n) return unknown('_ntuple() with a count that is not a small int');
  return ntupleParse(Number(n), typeof name === 'string' ? name : 'parse');
}

function reverseRepeatTuple(a: Args, ip: Evaluator): Value {
  const [t, n] = a.positional;
  if (typeof n !== 'bigint' || n < 0n || n > 64n) return unknown('_reverse_repeat_tuple() with a count that is not a small int');
  return tupleOf(ip.iterate(t).reverse().flatMap((x) => Array.from({ length: Number(n) }, () => x)));
}

/** The namespace `torch.nn.modules.utils`. */
export function moduleUtilsNamespace(): Namespace {
  const m = new Map<string, Value>([
    ['_single', ntupleParse(1, '_single')],
    ['_pair', ntupleParse(2, '_pair')],
    ['_triple', ntupleParse(3, '_triple')],
    ['_quadruple', ntupleParse(4, '_quadruple')],
    ['_ntuple', new Builtin('_ntuple', ntuple)],
    ['_reverse_repeat_tuple', new Builtin('_reverse_repeat_tuple', reverseRepeatTuple)],
  ]);
  return new Namespace('torch.nn.modules.utils', m);
}
