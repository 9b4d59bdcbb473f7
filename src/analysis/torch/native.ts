import { SyntaxNode } from '@lezer/common';
import { tensorSizeProblem } from '../../core';
import { PyError } from '../values/errors';
import type { Evaluator } from '../evaluate/evaluator';
import { Args, ClassValue, DeferredInit, Instance, ModuleObject, NativeClass, Tensor, Unknown, Value } from '../values/values';

/** torch.nn.Module itself: no parameters, no forward of its own. */
export const MODULE_CLASS = new ClassValue('Module', [], null, null, { isModule: true, init: () => undefined });

type Init = (layer: LayerInit, ip: Evaluator, call: SyntaxNode | null) => void;
type Forward = (self: ModuleObject, input: Value, args: Args, ip: Evaluator, call: SyntaxNode | null) => Value;
type Params = Array<[string, Value | typeof REQUIRED]>;

/**
 * A torch layer class: its constructor parameters in PyTorch's order with defaults (a missing
 * default means required), what it registers, and what its forward does to shapes.
 */
export function layerClass(name: string, params: Params, init: Init | null, forward: Forward | null): ClassValue {
  const signature = signatureOf(name, params);
  const native: NativeClass = {
    isModule: true,
    init(self, args, ip, call) {
      const layer = new LayerInit(signature, args);
      try {
        init?.(layer, ip, call);
      } finally {
        (self as ModuleObject).defer(layer);
      }
    },
    forward: forward ? (self, args, ip, call) => forward(self, args.positional[0] ?? args.keywords.get('input') ?? null, args, ip, call) : undefined,
  };
  return new ClassValue(name, [MODULE_CLASS], null, null, native);
}

export const REQUIRED = Symbol('required');

/** Signatures by class name: each analysis makes its classes anew, but a class's parameters never change. */
const signatures = new Map<string, Signature>();

function signatureOf(name: string, params: Params): Signature {
  let signature = signatures.get(name);
  if (!signature) signatures.set(name, (signature = new Signature(name, params)));
  return signature;
}

/** A native constructor's parameters, read once per class: names by position, and where each is. */
class Signature {
  readonly names: string[];
  readonly index = new Map<string, number>();
  constructor(readonly name: string, readonly params: Params) {
    this.names = params.map(([p]) => p);
    this.names.forEach((p, i) => this.index.set(p, i));
  }
}

/** A registered parameter: its count, and its shape unless it has no tensor attribute (undefined). */
interface Registered {
  name: string;
  count: bigint | null;
  shape: Value[] | null | undefined;
}

/**
 * One layer's constructor: its arguments bound to the signature (attributes, in the order Python
 * binding sets them) and the parameters it registers. The module keeps it as its DeferredInit.
 */
export class LayerInit implements DeferredInit {
  /** Argument values by signature position. */
  private readonly values: Value[];
  /** The order the arguments were bound in, by signature position; null when it is the signature's. */
  private readonly order: number[] | null = null;
  private registered: Registered[] | null = null;
  params: bigint | null = 0n;

  constructor(private readonly signature: Signature, args: Args) {
    const { name, params } = signature;
    if (args.positional.length > params.length) {
      throw new PyError('TypeError', `${name}.__init__() takes from ${params.filter(([, d]) => d === REQUIRED).length + 1} to ${params.length + 1} positional arguments but ${args.positional.length + 1} were given`);
    }
    const values: Array<Value | undefined> = new Array(params.length);
    const positional = args.positional.length;
    for (let i = 0; i < positional; i++) values[i] = args.positional[i];
    if (args.keywords.size) {
      const order: number[] = [];
      for (let i = 0; i < positional; i++) order.push(i);
      for (const [k, v] of args.keywords) {
        const i = signature.index.get(k);
        if (i === undefined) throw new PyError('TypeError', `${name}.__init__() got an unexpected keyword argument '${k}'`);
        if (values[i] !== undefined) throw new PyError('TypeError', `${name}.__init__() got multiple values for argument '${k}'`);
        values[i] = v;
        order.push(i);
      }
      for (let i = 0; i < params.length; i++) if (!order.includes(i)) order.push(i);
      this.order = order;
    }
    for (let i = positional; i < params.length; i++) {
      if (values[i] !== undefined) continue;
      const d = params[i][1];
      if (d === REQUIRED) throw new PyError('TypeError', `${name}.__init__() missing 1 required positional argument: '${params[i][0]}'`);
      values[i] = d;
    }
    this.values = values as Value[];
  }

  /** The bound argument of that name. */
  get(name: string): Value | undefined {
    const i = this.signature.index.get(name);
    return i === undefined ? undefined : this.values[i];
  }

  /** Registers a parameter tensor; its count is null when a size is unknown. */
  register(name: string, shape: Value[] | null): void {
    rejectBadSizes(shape);
    this.add({ name, count: shape ? product(shape) : null, shape });
  }

  /** A buffer or plain attribute the constructor sets besides its arguments (BatchNorm's running_mean); no parameter. */
  buffer(name: string, value: Value): void {
    this.buffers = this.buffers ? [...this.buffers, [name, value]] : [[name, value]];
  }

  private buffers: Array<[string, Value]> | null = null;

  /** A parameter counted without a tensor attribute (a lazy layer's, an RNN's weights). */
  count(name: string, count: bigint | null): void {
    this.add({ name, count, shape: undefined });
  }

  private add(parameter: Registered): void {
    // Arrays of the exact size: a push would reserve room for 17, and most layers register two.
    this.registered = this.registered ? [...this.registered, parameter] : [parameter];
    const { count } = parameter;
    this.params = this.params === null || count === null ? null : this.params === 0n ? count : this.params + count;
  }

  /** An attribute the constructor set, when it is an argument no parameter tensor replaced. */
  peek(name: string): Value | undefined {
    if (this.registered?.some((r) => r.name === name && r.shape !== undefined)) return undefined;
    const buffer = this.buffers?.find(([n]) => n === name);
    if (buffer) return buffer[1];
    return this.get(name);
  }

  writes(name: string): boolean {
    return this.signature.index.has(name) || this.registered?.some((r) => r.name === name && r.shape !== undefined) === true || this.buffers?.some(([n]) => n === name) === true;
  }

  write(self: ModuleObject): void {
    const { names } = this.signature;
    if (this.order) for (const i of this.order) self.attrs.set(names[i], this.values[i]);
    else for (let i = 0; i < names.length; i++) self.attrs.set(names[i], this.values[i]);
    for (const [name, value] of this.buffers ?? []) self.attrs.set(name, value);
    if (!this.registered) return;
    for (const { name, shape, count } of this.registered) {
      self.params.set(name, count);
      if (shape !== undefined) self.attrs.set(name, new Tensor(count === null ? null : (shape as bigint[])));
    }
  }
}

/** Python argument binding against a native signature, with Python's TypeError wording. */
export function bindNative(name: string, params: Params, args: Args): Map<string, Value> {
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
  rejectBadSizes(shape);
  const count = shape ? product(shape) : null;
  self.params.set(name, count);
  self.attrs.set(name, new Tensor(count === null ? null : (shape as bigint[])));
}

/**
 * A parameter is a tensor: PyTorch refuses to create one with a negative size
 * (nn.BatchNorm2d(-64) raises), so a layer never reports negative parameters.
 */
function rejectBadSizes(shape: Value[] | null): void {
  if (!shape) return;
  const sizes = shape.map(asInt);
  if (sizes.some((d) => d === null)) return;
  const problem = tensorSizeProblem(sizes as bigint[]);
  if (problem) throw new PyError('RuntimeError', problem);
}

export function product(values: Value[]): bigint | null {
  if (values.length === 0) return 1n;
  let out = asInt(values[0]);
  for (let k = 1; k < values.length && out !== null; k++) {
    const i = asInt(values[k]);
    out = i === null ? null : out * i;
  }
  return out;
}

/** Positional-or-keyword argument by position and name. */
export function arg(a: Args, i: number, name: string, dflt: Value = null): Value {
  if (i < a.positional.length) return a.positional[i];
  return a.keywords.has(name) ? a.keywords.get(name)! : dflt;
}

export function asInt(v: Value): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return null;
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
