import type { ConvSpec } from '../../core';
import type { Interpreter } from '../evaluate/interpreter';
import { CannotEvaluate, PyError } from '../values/errors';
import { namedModules, SEQUENTIAL_CLASS } from '../torch/containers';
import { Args, ModuleObject, Value, tupleOf } from '../values/values';
import type { LayerSurgery, ModuleSurgery } from '../types';

/**
 * The what-if's module surgery on a built model, before its forward runs: each named conv is
 * replaced as `setattr(parent, leaf, new_module)` would replace it in PyTorch (so the replaced
 * module keeps its place among its siblings), by a conv built through the same constructor the
 * analysed code calls. Whatever the arguments were written as (literals, helpers' results,
 * `self.inplanes`), the new layer is built from the built layer's spec, so no code is read.
 */
export function applySurgery(ip: Interpreter, instance: ModuleObject, surgery: ModuleSurgery): void {
  let modules: Array<[string, ModuleObject]>;
  try {
    modules = namedModules(instance);
  } catch (e) {
    if (!(e instanceof CannotEvaluate)) throw e;
    for (const name of surgery.layers.keys()) surgery.failed.set(name, e.message);
    return;
  }
  const byName = new Map(modules);
  for (const [name, change] of surgery.layers) {
    const why = replace(ip, instance, byName, name, change);
    if (why !== null) surgery.failed.set(name, why);
  }
}

/** Replaces one conv; the reason when it cannot be. */
function replace(ip: Interpreter, root: ModuleObject, byName: ReadonlyMap<string, ModuleObject>, name: string, change: LayerSurgery): string | null {
  const conv = byName.get(name);
  const spec = conv?.conv?.spec;
  if (!conv || !spec) return `${name} is not a conv layer whose figures are known`;
  // A subclass may take other arguments or add layers of its own: only torch's classes are rebuilt.
  if (!conv.cls.native) return `${name} is a ${conv.typeName}, a subclass of a torch conv; the what-if rebuilds only torch's own conv classes`;
  const dot = name.lastIndexOf('.');
  const parent = dot < 0 ? root : byName.get(name.slice(0, dot));
  if (!parent) return `the module that holds ${name} was not found`;
  try {
    const replacement = change.separable ? separable(ip, conv, spec, change) : rebuilt(ip, conv, spec, { groups: change.groups ?? spec.groups, bias: change.dropBias ? false : spec.bias });
    if (typeof replacement === 'string') return replacement;
    const leaf = name.slice(dot + 1);
    parent.forget(leaf);
    parent.modules.set(leaf, replacement);
    return null;
  } catch (e) {
    if (e instanceof PyError) return `${e.pyType}: ${e.message}`;
    if (e instanceof CannotEvaluate) return e.message;
    throw e;
  }
}

/** Sequential(depthwise k×k without bias, pointwise 1×1), the depthwise keeping the spatial arguments. */
function separable(ip: Interpreter, conv: ModuleObject, spec: ConvSpec, change: LayerSurgery): ModuleObject | string {
  const depthwise = rebuilt(ip, conv, spec, { out_channels: spec.in_channels, groups: spec.in_channels, bias: false });
  if (typeof depthwise === 'string') return depthwise;
  const ones = spec.kernel_size.map(() => 1n);
  const pointwise = rebuilt(ip, conv, { ...spec, stride: ones, padding: ones.map(() => 0n), dilation: ones, padding_mode: 'zeros' }, { kernel_size: ones, groups: 1n, bias: change.dropBias ? false : spec.bias });
  if (typeof pointwise === 'string') return pointwise;
  const built = ip.call(SEQUENTIAL_CLASS, { positional: [depthwise, pointwise], keywords: new Map() }, null);
  return built instanceof ModuleObject ? built : 'the Sequential could not be built';
}

interface Changes {
  out_channels?: bigint;
  kernel_size?: bigint[];
  groups: bigint;
  bias: boolean;
}

/** `type(conv)(**arguments)` with some changed; the new conv answers to the old one's place in the code. */
function rebuilt(ip: Interpreter, conv: ModuleObject, spec: ConvSpec, changes: Changes): ModuleObject | string {
  const ints = (v: bigint[]): Value => tupleOf(v);
  const keywords = new Map<string, Value>([
    ['stride', ints(spec.stride)],
    ['padding', typeof spec.padding === 'string' ? spec.padding : ints(spec.padding)],
    ['dilation', ints(spec.dilation)],
    ['groups', changes.groups],
    ['bias', changes.bias],
    ['padding_mode', spec.padding_mode],
  ]);
  if (spec.transposed) keywords.set('output_padding', ints(spec.output_padding));
  const args: Args = { positional: [spec.in_channels, changes.out_channels ?? spec.out_channels, ints(changes.kernel_size ?? spec.kernel_size)], keywords };
  const built = ip.call(conv.cls, args, null);
  if (!(built instanceof ModuleObject) || !built.conv) return `${conv.typeName} could not be rebuilt`;
  const state = built.conv;
  if (state.error) return state.error.message;
  const old = conv.conv!;
  state.site = old.site;
  built.site = conv.site;
  if (old.origin) state.origin = old.origin;
  else delete state.origin;
  return built;
}
