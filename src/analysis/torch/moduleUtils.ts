import type { Evaluator } from '../evaluate/evaluator';
import { Args, Builtin, ModuleObject, Namespace, Tensor, Value, isUnknown, tupleOf, unknown } from '../values/values';

// torch.nn.modules.utils, torch.jit's eager answers and torch.utils.checkpoint: the pure-Python helpers that layer code (torch's and the models' own)
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

/** torch.jit as eager code sees it: not scripting, not tracing; `annotate(T, v)` is v. */
export function jitNamespace(): Namespace {
  const m = new Map<string, Value>([
    ['is_scripting', new Builtin('is_scripting', () => false)],
    ['is_tracing', new Builtin('is_tracing', () => false)],
    ['annotate', new Builtin('annotate', (a) => a.positional[1] ?? null)],
  ]);
  return new Namespace('torch.jit', m, true);
}

/**
 * torch.utils.checkpoint: `checkpoint(fn, *args)` runs fn(*args) (it only trades memory for
 * recomputation), `checkpoint_sequential(functions, segments, input)` runs them in order.
 */
export function checkpointNamespace(): Namespace {
  const m = new Map<string, Value>([
    ['checkpoint', new Builtin('checkpoint', (a: Args, ip: Evaluator) => {
      const [fn, ...rest] = a.positional;
      const keywords = new Map([...a.keywords].filter(([k]) => k !== 'use_reentrant' && k !== 'preserve_rng_state' && k !== 'context_fn' && k !== 'determinism_check' && k !== 'debug'));
      return ip.call(fn ?? null, { positional: rest, keywords }, null);
    })],
    ['checkpoint_sequential', new Builtin('checkpoint_sequential', (a: Args, ip: Evaluator) => {
      const functions = a.positional[0] ?? a.keywords.get('functions') ?? null;
      let x = a.positional[2] ?? a.keywords.get('input') ?? null;
      const list = functions instanceof ModuleObject ? [...functions.modules.values()].filter((f) => f !== null) : ip.iterate(functions);
      for (const f of list) x = ip.call(f, { positional: [x], keywords: new Map() }, null);
      return x;
    })],
  ]);
  return new Namespace('torch.utils.checkpoint', m, true);
}

/** torch.utils: checkpoint is read; the rest (data loaders, model_zoo) is outside the analysed code. */
export function torchUtilsNamespace(checkpoint: Namespace): Namespace {
  return new Namespace('torch.utils', new Map<string, Value>([['checkpoint', checkpoint]]), true);
}
