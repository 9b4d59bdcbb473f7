import { PyError } from '../values/errors';
import { Builtin, Partial, PyDict, Value, tupleOf } from '../values/values';

/**
 * The public attributes of a functools.partial object: `func`, `args` and `keywords`, read by
 * builders that inspect a stored layer factory (timm's `se_layer.keywords['rd_ratio']`).
 */
export function partialAttribute(p: Partial, name: string): Value {
  if (name === 'func') return p.fn;
  if (name === 'args') return tupleOf(p.args.positional);
  if (name === 'keywords') {
    const d = new PyDict();
    for (const [k, v] of p.args.keywords) d.set(k, v);
    return d;
  }
  throw new PyError('AttributeError', `'functools.partial' object has no attribute '${name}'`);
}

/**
 * functools.partial itself, one object for every file, so `type(norm_layer) == functools.partial`
 * (pix2pix's test for an InstanceNorm factory) compares equal, as it does in Python. A partial of
 * a partial is flattened as CPython flattens it: its func is the inner func, its args the inner
 * args then the new ones, its keywords the inner keywords updated by the new ones (timm's dpn
 * unbinds `partial(partial(BatchNormAct2d, act_layer=...), eps=...)` through `.func`/`.keywords`).
 */
export const PARTIAL_TYPE = new Builtin('partial', (a) => {
  const [fn, ...args] = a.positional;
  if (fn instanceof Partial) {
    return new Partial(fn.fn, { positional: [...fn.args.positional, ...args], keywords: new Map([...fn.args.keywords, ...a.keywords]) });
  }
  return new Partial(fn, { positional: args, keywords: a.keywords });
});
