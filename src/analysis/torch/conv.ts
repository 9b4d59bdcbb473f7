import { BuildResult, CONV_TYPES, layerMacs, PyValue, isTuple, pyRepr, tuple, ConvArgs, ConvError, ConvRecord, ConvSpec, ConvType, ForwardResult, bindConvArguments, buildConv, computeLayer, constructError, forwardShape, weightShape, isTransposed, nearestValidGroups, spatialDims } from '../../core';
import type { Evaluator } from '../evaluate/evaluator';
import { polyOf } from '../evaluate/operators';
import { Poly } from '../values/symbolic';
import { Args, ClassValue, ConvState, DeferredInit, ModuleObject, Tensor, Unknown, Value, isTupleValue, tupleOf, typeName } from '../values/values';
import { PyError } from '../values/errors';
import { ValueTrie } from './valueTrie';
import { MODULE_CLASS, registerParameter, shapeOf } from './native';
import type { GroupsFix } from '../types';

/** Every conv layer class PyTorch has, eager and lazy, by name. */
export function convClasses(): Map<string, ClassValue> {
  const out = new Map<string, ClassValue>();
  for (const type of CONV_TYPES) {
    out.set(type, convClass(type, false));
    out.set(`Lazy${type}`, convClass(type, true));
  }
  return out;
}

function convClass(type: ConvType, lazy: boolean): ClassValue {
  const name = lazy ? `Lazy${type}` : type;
  return new ClassValue(name, [MODULE_CLASS], null, null, {
    isModule: true,
    init(self, args, ip) {
      initConv(self as ModuleObject, type, lazy, args, ip);
    },
    forward(self, args, ip) {
      return forwardConv(self, args.positional[0] ?? args.keywords.get('input') ?? null, ip);
    },
  });
}

const LAZY_PENDING = 'in_channels is inferred from the input at the first forward (lazy module)';

function initConv(self: ModuleObject, type: ConvType, lazy: boolean, args: Args, ip: Evaluator): void {
  // Fields set later are listed here too, so every conv's state keeps one shape.
  const state: ConvState = { spec: null, specKey: undefined, input: null, callMacs: undefined, record: null, error: null, site: ip.constructionSite(), lazy, forwardDone: false };
  self.conv = state;
  self.site = state.site;
  const own = ip.innermostSite();
  if (own && own.unit !== ip.main) state.origin = { file: own.unit.path, range: own.unit.range(own.node) };
  ip.convModules.push(self);
  const node = lazy ? null : builtNode(ip, type, args);
  if (node?.value) {
    state.spec = node.value.spec;
    state.specKey = node.value.key;
    self.defer(attributesOf(node.value.spec));
    return;
  }
  const positional = (lazy ? [new Unknown(LAZY_PENDING), ...args.positional] : args.positional).map(withinSizeItems);
  const keywords = keywordsWithinSize(args.keywords);
  const bad = positional.find((v) => !isArgument(v)) ?? firstBadKeyword(keywords);
  if (bad !== undefined) throw new PyError('TypeError', `${type}() got an argument of type '${typeName(bad)}' that cannot be evaluated statically`);
  // Unknown values only pass through binding: build() checks for them before buildConv sees the arguments.
  const bound = bindConvArguments(type, positional as PyValue[], keywords as ReadonlyMap<string, PyValue>);
  if (!bound.ok) {
    fail(ip, self, constructError('TypeError', bound.message, bound.argument), null);
    return;
  }
  if (lazy) {
    convArgsOf.set(self, bound.args);
    return;
  }
  build(ip, self, bound.args);
  if (node && state.spec) node.value = { spec: state.spec, key: state.specKey! };
}

/**
 * Layers built in an analysis, by their call's arguments as written: the path of the argument
 * values (ints, bools, strings, None and tuples of them), so the layers that repeat (nearly all)
 * skip binding, key strings and the build. Only layers built without error are kept.
 */
type BuiltNode = ValueTrie<{ spec: ConvSpec; key: string }>;

const TUPLE = Symbol('tuple');
const END = Symbol('end');
const KEYWORDS = Symbol('keywords');
const builtRoots = new WeakMap<Evaluator, BuiltNode>();

/** The node of this call's arguments, or null when one is not a plain value (lists can change later). */
function builtNode(ip: Evaluator, type: ConvType, args: Args): BuiltNode | null {
  let root = builtRoots.get(ip);
  if (!root) builtRoots.set(ip, (root = new ValueTrie()));
  let node: BuiltNode | null = root.child(type);
  for (const v of args.positional) {
    node = argumentStep(node, v);
    if (!node) return null;
  }
  if (args.keywords.size === 0) return node;
  node = node.child(KEYWORDS);
  for (const [k, v] of args.keywords) {
    node = argumentStep(node.child(k), v);
    if (!node) return null;
  }
  return node;
}

/** A conv's tuple arguments have at most three items; a longer tuple is not worth a path of its own (a million items would make a million nodes). */
const CACHED_TUPLE_ITEMS = 8;

function argumentStep(node: BuiltNode, v: Value): BuiltNode | null {
  if (isPlain(v)) return node.child(v);
  if (!isTupleValue(v) || (v as Value[]).length > CACHED_TUPLE_ITEMS) return null;
  let at = node.child(TUPLE);
  for (const item of v as Value[]) {
    if (!isPlain(item)) return null;
    at = at.child(item);
  }
  return at.child(END);
}

function isPlain(v: Value): boolean {
  return typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'string' || v === null;
}

function firstBadKeyword(keywords: ReadonlyMap<string, Value>): Value | undefined {
  for (const v of keywords.values()) if (!isArgument(v)) return v;
  return undefined;
}

/**
 * The most items a conv's size argument (kernel_size, stride, padding, dilation) is followed
 * with. A conv has one to three spatial dims; a longer tuple is an error PyTorch finds only after
 * building a weight of that many dims, work (and an error message) proportional to its length.
 */
const MAX_SIZE_ITEMS = 64;

/** The argument, or unknown with the reason when it is a sequence past MAX_SIZE_ITEMS. */
function withinSizeItems(v: Value): Value {
  if (!Array.isArray(v) || v.length <= MAX_SIZE_ITEMS) return v;
  return new Unknown(`a conv size argument of ${v.length.toLocaleString('en-US')} items is not followed (a conv has 1 to 3 spatial dims; the analysis reads at most ${MAX_SIZE_ITEMS} items)`);
}

/** The keywords with withinSizeItems applied: the same map when no value changes (nearly always). */
function keywordsWithinSize(keywords: ReadonlyMap<string, Value>): ReadonlyMap<string, Value> {
  let changed = false;
  for (const v of keywords.values()) if (withinSizeItems(v) !== v) changed = true;
  if (!changed) return keywords;
  const out = new Map<string, Value>();
  for (const [k, v] of keywords) out.set(k, withinSizeItems(v));
  return out;
}

const convArgsOf = new WeakMap<ModuleObject, ConvArgs>();

function build(ip: Evaluator, self: ModuleObject, args: ConvArgs): void {
  const state = self.conv!;
  const unknowns = collectUnknowns(args);
  if (unknowns.length > 0) {
    state.symbolic = symbolicFigures(args, unknowns);
    self.params.set('weight', null);
    for (const u of unknowns) {
      if (u.reason === LAZY_PENDING) continue;
      const names = u.poly ? [...u.poly.terms.keys()].flatMap((k) => k.split('·')).filter(Boolean) : [];
      ip.unresolvedAt(ip.main, state.site ?? ip.main.tree.topNode, u.reason, names.length === 1 ? names[0] : undefined);
    }
    return;
  }
  const key = argsKey(args);
  const built = cachedBuild(ip, args, key);
  if (!built.ok) {
    fail(ip, self, built.error, args);
    return;
  }
  state.spec = built.spec;
  state.specKey = key;
  self.defer(attributesOf(built.spec));
}

/** buildConv, once per distinct argument list in an analysis (specs are never mutated, only replaced). */
function cachedBuild(ip: Evaluator, args: ConvArgs, key: string): BuildResult {
  let built = ip.builds.get(key);
  if (!built) {
    built = buildConv(args);
    ip.builds.set(key, built);
  }
  return built;
}

function argsKey(args: ConvArgs): string {
  return `${args.type}|${keyPart(args.in_channels)}|${keyPart(args.out_channels)}|${keyPart(args.kernel_size)}|${keyPart(args.stride ?? 1n)}|${keyPart(args.padding ?? 0n)}|${keyPart(args.output_padding ?? 0n)}|${keyPart(args.dilation ?? 1n)}|${keyPart(args.groups ?? 1n)}|${keyPart(args.bias ?? true)}|${keyPart(args.padding_mode ?? 'zeros')}`;
}

/**
 * One argument in a build key: ints, bools, strings and int tuples/lists (nearly every argument)
 * without the cost of pyRepr. Parts of different values never coincide: int tuples/lists have an
 * opening bracket and no closing one (unlike any repr), strings are double-quoted (reprs use
 * single quotes), and bools read true/false (reprs say True/False).
 */
function keyPart(v: PyValue): string {
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'bigint')) return `${isTuple(v) ? '(' : '['}${v.join(',')}`;
  return pyRepr(v);
}

/** The layer's record with its first forward's input; computed once (it enumerates valid groups). */
export function recordOf(state: ConvState, ip?: Evaluator): ConvRecord | null {
  if (!state.record && state.spec) {
    // Layers built alike share one spec object (see build), so records are kept per spec and input.
    const node = state.specKey && ip ? byInput(state.spec, state.input ?? NO_INPUT) : null;
    // The first forward ran on this input, so its output is usually known already.
    const record = node?.value?.record ?? computeLayer(state.spec, state.input, state.input ? node?.value?.forward?.result : null);
    if (node) (node.value ??= {}).record = record;
    const extra = state.extraParams;
    // weight_norm's weight_g counts as the layer's parameter, as module.parameters() does.
    state.record = extra ? { ...record, params: record.params + extra, dense_params: record.dense_params + extra } : record;
    if (state.moduleInput) state.record = { ...state.record, input_shape: state.moduleInput };
  }
  return state.record;
}

/** A record without an input shares its entry with the empty shape, as the key strings this replaces did. */
const NO_INPUT: bigint[] = [];

/** What a built layer gave for an input shape: its forward (output and the call's MACs) and its record. */
interface ByInput {
  forward?: { result: ForwardResult; macs: bigint | null };
  record?: ConvRecord;
}

const inputsBySpec = new WeakMap<ConvSpec, ValueTrie<ByInput>>();

function byInput(spec: ConvSpec, shape: readonly bigint[]): ValueTrie<ByInput> {
  let root = inputsBySpec.get(spec);
  if (!root) inputsBySpec.set(spec, (root = new ValueTrie()));
  return root.path(shape);
}

/** attribute writes after construction (DeepLab's `m.stride = (1, 1)`) change the layer. */
export function setConvAttribute(self: ModuleObject, name: string, value: Value): boolean {
  const state = self.conv;
  if (!state?.spec || !['stride', 'padding', 'dilation', 'output_padding'].includes(name)) return false;
  const n = state.spec.kernel_size.length;
  const items = Array.isArray(value) ? value : Array.from({ length: n }, () => value);
  if (name === 'padding' && (value === 'same' || value === 'valid')) {
    state.spec = { ...state.spec, padding: value };
  } else if (items.every((v) => typeof v === 'bigint')) {
    state.spec = { ...state.spec, [name]: items as bigint[] };
  } else {
    return false;
  }
  state.record = null;
  state.specKey = undefined;
  self.attrs.set(name, Array.isArray(value) ? tupleOf(items) : value);
  return true;
}

const CONV_ATTRIBUTES = new Set(['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'output_padding', 'weight', 'bias']);

/** What a built conv sets on itself, shared by the layers built alike (see DeferredInit). */
class ConvAttributes implements DeferredInit {
  readonly params: bigint;
  constructor(private readonly spec: ConvSpec) {
    this.params = shapeProduct(weightShape(spec)) + (spec.bias ? spec.out_channels : 0n);
  }

  write(self: ModuleObject): void {
    setAttributes(self, this.spec);
  }

  /** Ints only: tuples and tensors are each module's own, made when written. */
  peek(name: string): Value | undefined {
    if (name === 'in_channels') return this.spec.in_channels;
    if (name === 'out_channels') return this.spec.out_channels;
    if (name === 'groups') return this.spec.groups;
    return undefined;
  }

  writes(name: string): boolean {
    return CONV_ATTRIBUTES.has(name);
  }
}

const attributesBySpec = new WeakMap<ConvSpec, ConvAttributes>();

function attributesOf(spec: ConvSpec): ConvAttributes {
  let attributes = attributesBySpec.get(spec);
  if (!attributes) attributesBySpec.set(spec, (attributes = new ConvAttributes(spec)));
  return attributes;
}

function shapeProduct(shape: readonly bigint[]): bigint {
  let out = 1n;
  for (const d of shape) out *= d;
  return out;
}

function setAttributes(self: ModuleObject, s: ConvSpec): void {
  self.attrs.set('in_channels', s.in_channels);
  self.attrs.set('out_channels', s.out_channels);
  self.attrs.set('kernel_size', tupleOf(s.kernel_size));
  self.attrs.set('stride', tupleOf(s.stride));
  self.attrs.set('padding', typeof s.padding === 'string' ? s.padding : tupleOf(s.padding));
  self.attrs.set('dilation', tupleOf(s.dilation));
  self.attrs.set('groups', s.groups);
  self.attrs.set('output_padding', tupleOf(s.output_padding));
  registerParameter(self, 'weight', weightShape(s));
  if (s.bias) registerParameter(self, 'bias', [s.out_channels]);
  else self.attrs.set('bias', null);
}

/** Construction errors are diagnostics; the layer stays in the tree without numbers. */
function fail(ip: Evaluator, self: ModuleObject, error: ConvError, args: ConvArgs | null): void {
  const state = self.conv!;
  state.error = error;
  self.params.set('weight', null);
  const site = state.site;
  if (!site) return;
  // The diagnostic sits on the call (Python reports the call's position in its traceback).
  const target = site;
  const fix = error.message.includes('divisible by groups') && args ? groupsFix(args) : undefined;
  ip.diagnose({ range: ip.main.range(target), severity: 'error', message: error.message, source: 'construct', ...(fix ? { fix } : {}) });
}

function groupsFix(args: ConvArgs): GroupsFix | undefined {
  const [i, o, g] = [args.in_channels, args.out_channels, args.groups ?? 1n];
  if (typeof i !== 'bigint' || typeof o !== 'bigint' || typeof g !== 'bigint') return undefined;
  return { kind: 'groups', values: nearestValidGroups(i, o, g), in_channels: i, out_channels: o, groups: g };
}

function collectUnknowns(args: ConvArgs): Unknown[] {
  const out: Unknown[] = [];
  for (const key in args) collectUnknownsIn(args[key as keyof ConvArgs] as Value, out);
  return out;
}

function collectUnknownsIn(v: Value | undefined, out: Unknown[]): void {
  if (v instanceof Unknown) out.push(v);
  else if (Array.isArray(v)) for (const item of v) collectUnknownsIn(item, out);
}

/** params = C_out x (C_in / g) x prod(k) (+ C_out with bias), as a formula of the unknowns. */
function symbolicFigures(args: ConvArgs, unknowns: Unknown[]): ConvState['symbolic'] {
  const reasons = [...new Set(unknowns.map((u) => u.reason))];
  const n = spatialDims(args.type);
  const kernel = Array.isArray(args.kernel_size) ? (args.kernel_size as Value[]) : Array.from({ length: n }, () => args.kernel_size as Value);
  const polys = [args.in_channels, args.out_channels, args.groups ?? 1n, ...kernel].map((v) => polyOf(v as Value));
  const bias = args.bias ?? true;
  if (polys.some((p) => p === null) || bias instanceof Unknown) return { reasons };
  const [inC, outC, groups, ...k] = polys as Poly[];
  const perGroup = (isTransposed(args.type) ? outC : inC).divExact(groups);
  if (!perGroup) return { reasons };
  const weight = k.reduce((acc, p) => acc.mul(p), (isTransposed(args.type) ? inC : outC).mul(perGroup));
  const params = bias === false || bias === null || bias === 0n ? weight : weight.add(outC);
  return { params: params.toString(), reasons };
}

function forwardConv(self: ModuleObject, input: Value, ip: Evaluator): Value {
  const state = self.conv;
  const shape = shapeOf(input);
  if (!state) return new Tensor(null);
  if (state.lazy && !state.spec && !state.error && shape) {
    const args = convArgsOf.get(self);
    const channels = shape.length === spatialDims(args!.type) + 2 ? shape[1] : shape[0];
    if (args) build(ip, self, { ...args, in_channels: channels });
    if (self.cls.name.startsWith('Lazy')) self.becomes = self.cls.name.slice(4);
  }
  if (!state.spec || !shape) {
    state.callMacs = null;
    return new Tensor(null);
  }
  const { result, macs } = cachedForward(state.spec, state.specKey, shape);
  state.callMacs = state.callMacs === undefined ? macs : state.callMacs === null || macs === null ? null : state.callMacs + macs;
  if (!state.forwardDone) {
    state.forwardDone = true;
    state.input = [...shape];
    state.record = null;
    if (!result.ok) {
      state.error = result.error;
      const at = ip.mainSite() ?? state.site;
      if (at) ip.diagnose({ range: ip.main.range(at), severity: 'error', message: result.error.message, source: 'forward' });
    }
  }
  return new Tensor(result.ok ? [...result.output] : null);
}

/** forwardShape and the call's MACs, once per built layer and input shape. */
function cachedForward(spec: ConvSpec, specKey: string | undefined, shape: bigint[]): { result: ForwardResult; macs: bigint | null } {
  const node = specKey ? byInput(spec, shape) : null;
  const hit = node?.value?.forward;
  if (hit) return hit;
  const result = forwardShape(spec, shape);
  const computed = { result, macs: result.ok ? layerMacs(spec, shape, result.output) : null };
  if (node) (node.value ??= {}).forward = computed;
  return computed;
}

/** F.convNd / F.conv_transposeNd with a weight of known shape: the same record a module would get. */
export function functionalConv(type: ConvType, args: Args, ip: Evaluator): { value: Value; record: ConvRecord | null; owned?: boolean } {
  const names = isTransposed(type)
    ? ['input', 'weight', 'bias', 'stride', 'padding', 'output_padding', 'groups', 'dilation']
    : ['input', 'weight', 'bias', 'stride', 'padding', 'dilation', 'groups'];
  const bound = new Map<string, Value>();
  args.positional.forEach((v, i) => bound.set(names[i], v));
  for (const [k, v] of args.keywords) bound.set(k, v);
  const weight = shapeOf(bound.get('weight') ?? null);
  const input = shapeOf(bound.get('input') ?? null);
  const groups = bound.get('groups') ?? 1n;
  if (!weight || typeof groups !== 'bigint' || weight.length !== spatialDims(type) + 2) return { value: new Tensor(null), record: null };
  const [stride, padding, dilation, outputPadding] = ['stride', 'padding', 'dilation', 'output_padding'].map((k) => bound.get(k));
  if (![stride, padding, dilation, outputPadding, groups].every((v) => v === undefined || (isArgument(v) && !(v instanceof Unknown)))) return { value: new Tensor(null), record: null };
  const convArgs: ConvArgs = {
    type,
    in_channels: isTransposed(type) ? weight[0] : weight[1] * groups,
    out_channels: isTransposed(type) ? weight[1] * groups : weight[0],
    kernel_size: tuple(weight.slice(2)),
    stride: (stride ?? 1n) as PyValue,
    padding: (padding ?? 0n) as PyValue,
    dilation: (dilation ?? 1n) as PyValue,
    groups,
    bias: bound.get('bias') instanceof Tensor,
  };
  if (isTransposed(type)) convArgs.output_padding = (outputPadding ?? 0n) as PyValue;
  const built = buildConv(convArgs);
  if (!built.ok) return { value: new Tensor(null), record: null };
  const record = computeLayer(built.spec, input);
  const owned = ownerOfWeight(ip, bound.get('weight') ?? null, input, record.macs);
  const site = ip.mainSite();
  if (record.forward_error && site) ip.diagnose({ range: ip.main.range(site), severity: 'error', message: record.forward_error.message, source: 'forward' });
  return { value: new Tensor(record.output_shape), record, owned };
}

export { isTupleValue };

/** Values a conv constructor can take: Python primitives, tuples/lists of them, and unknowns. */
function isArgument(v: Value): boolean {
  if (v === null || typeof v !== 'object') return true;
  if (Array.isArray(v)) return v.every(isArgument);
  return v instanceof Unknown;
}

/**
 * A conv module whose own forward calls F.convNd with its weight (timm's Conv2dSame), directly or
 * through plain functions (timm's conv2d_same), records that input. A weight computed from its
 * own, of the same shape, counts too: timm's StdConv2d standardizes its weight first, then
 * convolves with the result. What the module's forward ran is the module's work either way.
 */
function ownerOfWeight(ip: Evaluator, weight: Value, input: bigint[] | null, macs: bigint | null): boolean {
  const self = ip.enclosingSelf();
  if (!(self instanceof ModuleObject) || !self.conv) return false;
  const own = self.attrs.get('weight');
  const derived = own instanceof Tensor && weight instanceof Tensor && own.shape !== null && weight.shape !== null &&
    own.shape.length === weight.shape.length && own.shape.every((d, i) => d === weight.shape![i]);
  if (own !== weight && !derived) return false;
  const state = self.conv;
  state.callMacs = state.callMacs === undefined ? macs : state.callMacs === null || macs === null ? null : state.callMacs + macs;
  if (state.forwardDone || !input) return true;
  self.conv.forwardDone = true;
  // MACs follow the conv that ran (on the padded input); the layer's input is what its forward got.
  self.conv.input = [...input];
  self.conv.record = null;
  return true;
}
