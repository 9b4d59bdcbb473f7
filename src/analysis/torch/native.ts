import { SyntaxNode } from '@lezer/common';
import { PyError } from '../errors';
import type { Interpreter } from '../interpreter';
import { Args, ClassValue, Instance, ModuleObject, NativeClass, Tensor, Unknown, Value, isUnknown, typeName } from '../values';

/** torch.nn.Module itself: no parameters, no forward of its own. */
export const MODULE_CLASS = new ClassValue('Module', [], null, null, { isModule: true, init: () => undefined });

type Init = (self: ModuleObject, a: Map<string, Value>, ip: Interpreter, call: SyntaxNode | null) => void;
type Forward = (self: ModuleObject, input: Value, args: Args, ip: Interpreter, call: SyntaxNode | null) => Value;

/**
 * A torch layer class: its constructor parameters in PyTorch's order with defaults (a missing
 * default means required), what it registers, and what its forward does to shapes.
 */
export function layerClass(name: string, params: Array<[string, Value | typeof REQUIRED]>, init: Init, forward: Forward | null): ClassValue {
  const native: NativeClass = {
    isModule: true,
    init(self, args, ip, call) {
      const bound = bindNative(name, params, args);
      for (const [k, v] of bound) self.attrs.set(k, v);
      init(self as ModuleObject, bound, ip, call);
    },
    forward: forward ? (self, args, ip, call) => forward(self, args.positional[0] ?? args.keywords.get('input') ?? null, args, ip, call) : undefined,
  };
  return new ClassValue(name, [MODULE_CLASS], null, null, native);
}

export const REQUIRED = Symbol('required');

/** Python argument binding against a native signature, with Python's TypeError wording. */
export function bindNative(name: string, params: Array<[string, Value | typeof REQUIRED]>, args: Args): Map<string, Value> {
  const out = new Map<string, Value>();
  if (args.positional.length > params.length) {
    throw new PyError('TypeError', `${name}.__init__() takes from ${params.filter(([, d]) => d === REQUIRED).length + 1} to ${params.length + 1} positional arguments but ${args.positional.length + 1} were given`);
  }
  args.positional.forEach((v, i) => out.set(params[i][0], v));
  for (const [k, v] of args.keywords) {
    if (!params.some(([p]) => p === k)) throw new PyError('TypeError', `${name}.__init__() got an unexpected keyword argument '${k}'`);
    if (out.has(k)) throw new PyError('TypeError', `${name}.__init__() got multiple values for argument '${k}'`);
    out.set(k, v);
  }
  for (const [p, d] of params) {
    if (out.has(p)) continue;
    if (d === REQUIRED) throw new PyError('TypeError', `${name}.__init__() missing 1 required positional argument: '${p}'`);
    out.set(p, d);
  }
  return out;
}

/** Registers a parameter tensor; its count is null when a size is unknown. */
export function registerParameter(self: ModuleObject, name: string, shape: Value[] | null): void {
  const count = shape ? product(shape) : null;
  self.params.set(name, count);
  self.attrs.set(name, new Tensor(count === null ? null : (shape as bigint[])));
}

export function product(values: Value[]): bigint | null {
  let out = 1n;
  for (const v of values) {
    const i = asInt(v);
    if (i === null) return null;
    out *= i;
  }
  return out;
}

export function asInt(v: Value): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return null;
}

export function requireInt(v: Value, what: string): bigint | null {
  if (isUnknown(v)) return null;
  const i = asInt(v);
  if (i === null) throw new PyError('TypeError', `${what} must be an int, not ${typeName(v)}`);
  return i;
}

export function truthyStatic(v: Value): boolean | null {
  if (v instanceof Unknown) return null;
  if (v === null || v === false || v === 0n || v === 0 || v === '') return false;
  return true;
}

/** The input's shape, or null when it is not a tensor of known shape. */
export function shapeOf(v: Value): bigint[] | null {
  return v instanceof Tensor ? v.shape : null;
}

export function sameShape(_self: ModuleObject, input: Value): Value {
  return input instanceof Tensor ? input : new Tensor(null);
}

export { Instance };
