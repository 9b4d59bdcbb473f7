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
 * (pix2pix's test for an InstanceNorm factory) compares equal, as it does in Python.
 */
export const PARTIAL_TYPE = new Builtin('partial', (a) => new Partial(a.positional[0], { positional: a.positional.slice(1), keywords: a.keywords }));
