import { PyError } from '../values/errors';
import { floorDiv } from '../evaluate/operators';
import { reshape, wrapDim } from '../evaluate/tensorShapes';
import { ClassValue, ModuleObject, Tensor, Value, isUnknown, tupleOf } from '../values/values';
import { poolOutputSize, tensorSizeProblem } from '../../core';
import { foldShape, unfoldShape } from './slidingBlocks';
import { LayerInit, REQUIRED, asInt, layerClass, registerParameter, sameShape, shapeOf, truthyStatic } from './native';

type Table = Map<string, ClassValue>;

const ELEMENTWISE = [
  'ReLU', 'ReLU6', 'LeakyReLU', 'PReLU_', 'ELU', 'SELU', 'CELU', 'GELU', 'SiLU', 'Mish', 'Sigmoid', 'Tanh', 'Hardswish', 'Hardsigmoid',
  'Hardtanh', 'Softplus', 'Softsign', 'Tanhshrink', 'Threshold', 'LogSigmoid', 'Softmax', 'LogSoftmax', 'Softmin', 'Softmax2d',
  'Dropout', 'Dropout1d', 'Dropout2d', 'Dropout3d', 'AlphaDropout', 'FeatureAlphaDropout', 'Identity', 'Hardshrink', 'Softshrink',
  'GLU_', 'LocalResponseNorm', 'CrossMapLRN2d', 'ChannelShuffle',
];

/** Every standard layer other than convolutions: constructor signature, parameters, forward shape. */
export function layerClasses(): Table {
  const t: Table = new Map();
  const add = (c: ClassValue): void => void t.set(c.name, c);
  for (const name of ELEMENTWISE) {
    if (name.endsWith('_')) continue;
    add(layerClass(name, [['*args', tupleOf([])]], null, sameShape));
  }
  // Parameter-free layers accept any arguments; binding them loosely keeps unusual options harmless.
  for (const c of t.values()) looseArgs(c);
  add(layerClass('PReLU', [['num_parameters', 1n], ['init', 0.25], ['device', null], ['dtype', null]], (a) => a.register('weight', [a.get('num_parameters')!]), sameShape));
  add(layerClass('Linear', [['in_features', REQUIRED], ['out_features', REQUIRED], ['bias', true], ['device', null], ['dtype', null]], (a) => {
    a.register('weight', [a.get('out_features')!, a.get('in_features')!]);
    if (truthyStatic(a.get('bias')!) !== false) a.register('bias', [a.get('out_features')!]);
  }, (self, x) => lastDim(x, self.attr('in_features')!, self.attr('out_features')!)));
  add(layerClass('LazyLinear', [['out_features', REQUIRED], ['bias', true], ['device', null], ['dtype', null]], (a) => a.count('weight', null), (self, x) => lazyLinear(self, x)));
  add(layerClass('Bilinear', [['in1_features', REQUIRED], ['in2_features', REQUIRED], ['out_features', REQUIRED], ['bias', true], ['device', null], ['dtype', null]], (a) => {
    a.register('weight', [a.get('out_features')!, a.get('in1_features')!, a.get('in2_features')!]);
    if (truthyStatic(a.get('bias')!) !== false) a.register('bias', [a.get('out_features')!]);
  }, (self, x) => lastDim(x, null, self.attr('out_features')!)));
  for (const name of ['BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'SyncBatchNorm', 'InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d']) {
    const instance = name.startsWith('Instance');
    add(layerClass(name, [['num_features', REQUIRED], ['eps', 1e-5], ['momentum', 0.1], ['affine', !instance], ['track_running_stats', !instance], ['process_group', null], ['device', null], ['dtype', null]], (a) => {
      // The running statistics are buffers (no parameters), None when they are not tracked.
      const tracked = truthyStatic(a.get('track_running_stats')!);
      if (tracked !== null) {
        a.buffer('running_mean', tracked ? new Tensor([a.get('num_features')!].every((v) => typeof v === 'bigint') ? [a.get('num_features') as bigint] : null) : null);
        a.buffer('running_var', tracked ? new Tensor([a.get('num_features')!].every((v) => typeof v === 'bigint') ? [a.get('num_features') as bigint] : null) : null);
        a.buffer('num_batches_tracked', tracked ? new Tensor([]) : null);
      }
      if (truthyStatic(a.get('affine')!) === false) return;
      a.register('weight', [a.get('num_features')!]);
      a.register('bias', [a.get('num_features')!]);
    }, instance ? sameShape : batchNorm));
  }
  add(layerClass('LayerNorm', [['normalized_shape', REQUIRED], ['eps', 1e-5], ['elementwise_affine', true], ['device', null], ['dtype', null]], (a) => {
    if (truthyStatic(a.get('elementwise_affine')!) === false) return;
    const shape = a.get('normalized_shape')!;
    const dims = Array.isArray(shape) ? shape : [shape];
    a.register('weight', dims);
    a.register('bias', dims);
  }, sameShape));
  add(layerClass('GroupNorm', [['num_groups', REQUIRED], ['num_channels', REQUIRED], ['eps', 1e-5], ['affine', true], ['device', null], ['dtype', null]], (a) => {
    const g = asInt(a.get('num_groups')!);
    const c = asInt(a.get('num_channels')!);
    if (g !== null && c !== null && g !== 0n && c % g !== 0n) throw new PyError('ValueError', 'num_channels must be divisible by num_groups');
    if (truthyStatic(a.get('affine')!) === false) return;
    a.register('weight', [a.get('num_channels')!]);
    a.register('bias', [a.get('num_channels')!]);
  }, sameShape));
  add(layerClass('Embedding', [['num_embeddings', REQUIRED], ['embedding_dim', REQUIRED], ['padding_idx', null], ['max_norm', null], ['norm_type', 2.0], ['scale_grad_by_freq', false], ['sparse', false], ['_weight', null], ['device', null], ['dtype', null]], (a) => {
    a.register('weight', [a.get('num_embeddings')!, a.get('embedding_dim')!]);
  }, (self, x) => {
    const s = shapeOf(x);
    const d = asInt(self.attr('embedding_dim')!);
    return new Tensor(s && d !== null ? [...s, d] : null);
  }));
  addPools(add);
  addShapers(add);
  addRecurrent(add);
  return t;
}

function looseArgs(c: ClassValue): void {
  const native = c.native!;
  (c as { native: typeof native }).native = { ...native, init: () => undefined };
}

function lastDim(x: Value, inFeatures: Value | null, out: Value): Value {
  const s = shapeOf(x);
  const o = asInt(out);
  if (!s || o === null) return new Tensor(null);
  const i = inFeatures === null ? null : asInt(inFeatures);
  if (i !== null && s[s.length - 1] !== i) {
    throw new PyError('RuntimeError', `mat1 and mat2 shapes cannot be multiplied (${s.slice(0, -1).reduce((a, b) => a * b, 1n)}x${s[s.length - 1]} and ${i}x${o})`);
  }
  return new Tensor([...s.slice(0, -1), o]);
}

/**
 * PyTorch checks a batch norm's statistics and affine weights against the input's channels at
 * forward (a conv whose width changed before it): 'running_mean should contain 24 elements not 32'.
 */
function batchNorm(self: ModuleObject, x: Value): Value {
  const s = shapeOf(x);
  const n = asInt(self.attr('num_features') ?? null);
  if (s && s.length >= 2 && n !== null && s[1] !== n) {
    const stats = truthyStatic(self.attr('track_running_stats') ?? true) !== false;
    const affine = truthyStatic(self.attr('affine') ?? true) !== false;
    const what = stats ? 'running_mean' : affine ? 'weight' : null;
    if (what) throw new PyError('RuntimeError', `${what} should contain ${s[1]} elements not ${n}`);
  }
  return sameShape(self, x);
}

function lazyLinear(self: ModuleObject, x: Value): Value {
  const s = shapeOf(x);
  if (s && self.params.get('weight') === null) {
    self.attrs.set('in_features', s[s.length - 1]);
    registerParameter(self, 'weight', [self.attrs.get('out_features')!, s[s.length - 1]]);
    if (truthyStatic(self.attrs.get('bias')!) !== false) registerParameter(self, 'bias', [self.attrs.get('out_features')!]);
  }
  return lastDim(x, null, self.attr('out_features')!);
}

function ntupleInts(v: Value, n: number): bigint[] | null {
  const items = Array.isArray(v) ? v : Array.from({ length: n }, () => v);
  const out = items.map(asInt);
  return out.every((x) => x !== null) ? (out as bigint[]) : null;
}

type Add = (c: ClassValue) => void;

function addPools(add: Add): void {
  for (const n of [1, 2, 3]) {
    for (const kind of ['Max', 'Avg']) {
      const params: Array<[string, Value | typeof REQUIRED]> = kind === 'Max'
        ? [['kernel_size', REQUIRED], ['stride', null], ['padding', 0n], ['dilation', 1n], ['return_indices', false], ['ceil_mode', false]]
        : [['kernel_size', REQUIRED], ['stride', null], ['padding', 0n], ['ceil_mode', false], ['count_include_pad', true], ['divisor_override', null]];
      add(layerClass(`${kind}Pool${n}d`, params, null, (self, x) => pool(self, x, n)));
      add(layerClass(`Adaptive${kind}Pool${n}d`, [['output_size', REQUIRED], ['return_indices', false]], null, (self, x) => adaptive(self.attr('output_size')!, x, n, kind === 'Avg')));
    }
    add(layerClass(`LPPool${n}d`, [['norm_type', REQUIRED], ['kernel_size', REQUIRED], ['stride', null], ['ceil_mode', false]], null, (self, x) => pool(self, x, n)));
  }
}

/** Pooling output per spatial dim, with ceil_mode's rule; stride defaults to the kernel. */
export function poolShape(x: Value, n: number, kernel: Value, strideArg: Value, paddingArg: Value, dilationArg: Value, ceil: boolean): Value {
  const s = shapeOf(x);
  const k = ntupleInts(kernel, n);
  const stride = strideArg === null || (Array.isArray(strideArg) && strideArg.length === 0) ? k : ntupleInts(strideArg, n);
  const pad = ntupleInts(paddingArg, n);
  const dil = ntupleInts(dilationArg, n);
  if (!s || !k || !stride || !pad || !dil) return new Tensor(null);
  const lead = s.slice(0, s.length - n);
  const spatial = s.slice(s.length - n).map((size, i) => poolOutputSize(size, k[i], stride[i], pad[i], dil[i], ceil));
  if (spatial.some((v) => v <= 0n)) {
    throw new PyError('RuntimeError', `Given input size: (${s.slice(-n - 1).join('x')}). Calculated output size: (${[s[s.length - n - 1], ...spatial].join('x')}). Output size is too small`);
  }
  return new Tensor([...lead, ...spatial]);
}

function pool(self: ModuleObject, x: Value, n: number): Value {
  return poolShape(x, n, self.attr('kernel_size')!, self.attr('stride') ?? null, self.attr('padding') ?? 0n, self.attr('dilation') ?? 1n, truthyStatic(self.attr('ceil_mode') ?? false) === true);
}

export function adaptive(outputSize: Value, x: Value, n: number, average: boolean): Value {
  const s = shapeOf(x);
  if (!s) return new Tensor(null);
  const sizes = Array.isArray(outputSize) ? outputSize : Array.from({ length: n }, () => outputSize);
  const spatial = sizes.map((v, i) => (v === null ? s[s.length - n + i] : asInt(v)));
  if (spatial.some((v) => v === null)) return new Tensor(null);
  const out = [...s.slice(0, s.length - n), ...(spatial as bigint[])];
  if ((spatial as bigint[]).some((v) => v < 0n)) throw new PyError('RuntimeError', negativeOutputSize(spatial as bigint[], out, average));
  return new Tensor(out);
}

/**
 * PyTorch's error for an adaptive pool's negative output size (fuzz seed 2026 #1250:
 * AdaptiveAvgPool2d((-1, 1)) gave a shape with -1). Average pools check the sizes first, 1d ones
 * as 2d ones of height 1, in 1.13's own wording; max pools fail creating the output.
 */
function negativeOutputSize(spatial: bigint[], out: bigint[], average: boolean): string {
  if (!average) return tensorSizeProblem(out) ?? `Trying to create tensor with negative dimension: [${out.join(', ')}]`;
  const shown = spatial.length === 1 ? `1, ${spatial[0]}` : spatial.length === 2 ? spatial.join(', ') : `${spatial[0]}, ${spatial[1]},${spatial[2]}`;
  return `adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {${shown}}`;
}

function addShapers(add: Add): void {
  add(layerClass('Flatten', [['start_dim', 1n], ['end_dim', -1n]], null, (self, x) => flatten(x, self.attr('start_dim')!, self.attr('end_dim')!)));
  add(layerClass('Unflatten', [['dim', REQUIRED], ['unflattened_size', REQUIRED]], null, (self, x) => {
    const s = shapeOf(x);
    const sizes = ntupleInts(self.attr('unflattened_size')!, 1);
    if (!s || !sizes) return new Tensor(null);
    const d = wrapDim(self.attr('dim')!, s.length);
    return new Tensor([...s.slice(0, d), ...reshape([s[d]], sizes), ...s.slice(d + 1)]);
  }));
  for (const name of ['Upsample', 'UpsamplingNearest2d', 'UpsamplingBilinear2d']) {
    add(layerClass(name, [['size', null], ['scale_factor', null], ['mode', 'nearest'], ['align_corners', null], ['recompute_scale_factor', null]], null, (self, x) => interpolate(x, self.attr('size')!, self.attr('scale_factor')!)));
  }
  add(layerClass('PixelShuffle', [['upscale_factor', REQUIRED]], null, (self, x) => pixelShuffle(x, self.attr('upscale_factor')!, true)));
  add(layerClass('Unfold', [['kernel_size', REQUIRED], ['dilation', 1n], ['padding', 0n], ['stride', 1n]], null, (self, x) =>
    unfoldShape(x, self.attr('kernel_size')!, self.attr('dilation')!, self.attr('padding')!, self.attr('stride')!)));
  add(layerClass('Fold', [['output_size', REQUIRED], ['kernel_size', REQUIRED], ['dilation', 1n], ['padding', 0n], ['stride', 1n]], null, (self, x) =>
    foldShape(x, self.attr('output_size')!, self.attr('kernel_size')!, self.attr('dilation')!, self.attr('padding')!, self.attr('stride')!)));
  add(layerClass('PixelUnshuffle', [['downscale_factor', REQUIRED]], null, (self, x) => pixelShuffle(x, self.attr('downscale_factor')!, false)));
  for (const n of [1, 2, 3]) {
    for (const kind of ['Zero', 'Constant', 'Reflection', 'Replication', 'Circular']) {
      if (kind === 'Zero' && n !== 2) continue;
      const params: Array<[string, Value | typeof REQUIRED]> = kind === 'Constant' ? [['padding', REQUIRED], ['value', REQUIRED]] : [['padding', REQUIRED]];
      add(layerClass(`${kind}Pad${n}d`, params, null, (self, x) => pad(x, self.attr('padding')!, n)));
    }
  }
}

export function flatten(x: Value, startArg: Value, endArg: Value): Value {
  const s = shapeOf(x);
  if (!s) return new Tensor(null);
  if (s.length === 0) return new Tensor([1n]);
  const start = wrapDim(startArg, s.length);
  const end = wrapDim(endArg, s.length);
  const merged = s.slice(start, end + 1).reduce((a, b) => a * b, 1n);
  return new Tensor([...s.slice(0, start), merged, ...s.slice(end + 1)]);
}

/** interpolate/Upsample: an explicit size wins; otherwise floor(in x scale) per spatial dim. */
export function interpolate(x: Value, size: Value, scale: Value): Value {
  const s = shapeOf(x);
  if (!s) return new Tensor(null);
  const n = s.length - 2;
  if (size !== null && !isUnknown(size)) {
    const sizes = ntupleInts(size, n);
    return new Tensor(sizes ? [...s.slice(0, 2), ...sizes] : null);
  }
  if (scale === null || isUnknown(scale)) return new Tensor(null);
  const scales = Array.isArray(scale) ? scale : Array.from({ length: n }, () => scale);
  const spatial = s.slice(2).map((d, i) => {
    const f = scales[i];
    if (typeof f === 'bigint') return d * f;
    if (typeof f === 'number') return BigInt(Math.floor(Number(d) * f));
    return null;
  });
  return new Tensor(spatial.every((v) => v !== null) ? [...s.slice(0, 2), ...(spatial as bigint[])] : null);
}

export function pixelShuffle(x: Value, factor: Value, up: boolean): Value {
  const s = shapeOf(x);
  const r = asInt(factor);
  if (r !== null && r <= 0n) throw new PyError('RuntimeError', up ? `pixel_shuffle expects a positive upscale_factor, but got ${r}` : `pixel_unshuffle expects a positive downscale_factor, but got ${r}`);
  if (!s || r === null || s.length < 3) return new Tensor(null);
  const [c, h, w] = s.slice(-3);
  const lead = s.slice(0, -3);
  return new Tensor(up ? [...lead, floorDiv(c, r * r), h * r, w * r] : [...lead, c * r * r, floorDiv(h, r), floorDiv(w, r)]);
}

/** Padding given as (left, right, top, bottom, ...) pads the last dims, last dim first. */
export function pad(x: Value, padding: Value, n: number): Value {
  const s = shapeOf(x);
  const p = ntupleInts(padding, 2 * n);
  if (!s || !p) return new Tensor(null);
  const out = [...s];
  for (let i = 0; i < p.length / 2; i++) out[out.length - 1 - i] += p[2 * i] + p[2 * i + 1];
  return new Tensor(out);
}

function addRecurrent(add: Add): void {
  for (const [name, gates] of [['RNN', 1n], ['LSTM', 4n], ['GRU', 3n]] as const) {
    add(layerClass(name, [['input_size', REQUIRED], ['hidden_size', REQUIRED], ['num_layers', 1n], ['bias', true], ['batch_first', false], ['dropout', 0.0], ['bidirectional', false], ['proj_size', 0n], ['device', null], ['dtype', null]], (a) => {
      a.count('weights', recurrentParams(a, gates));
    }, (self, x) => recurrentForward(self, x)));
  }
}

/** Per layer and direction: gates*h*(in + h) weights and 2*gates*h biases (LSTM's proj_size aside). */
function recurrentParams(a: LayerInit, gates: bigint): bigint | null {
  const [input, hidden, layers] = ['input_size', 'hidden_size', 'num_layers'].map((k) => asInt(a.get(k)!));
  const bias = truthyStatic(a.get('bias')!);
  const dirs = truthyStatic(a.get('bidirectional')!);
  const proj = asInt(a.get('proj_size')!);
  if (input === null || hidden === null || layers === null || bias === null || dirs === null || proj !== 0n) return null;
  const d = dirs ? 2n : 1n;
  let total = 0n;
  for (let l = 0n; l < layers; l++) {
    const inSize = l === 0n ? input : hidden * d;
    total += d * (gates * hidden * (inSize + hidden) + (bias ? 2n * gates * hidden : 0n));
  }
  return total;
}

function recurrentForward(self: ModuleObject, x: Value): Value {
  const s = shapeOf(x);
  const hidden = asInt(self.attr('hidden_size')!);
  const dirs = truthyStatic(self.attr('bidirectional')!) ? 2n : 1n;
  const out = s && hidden !== null ? new Tensor([...s.slice(0, -1), hidden * dirs]) : new Tensor(null);
  return tupleOf([out, new Tensor(null)]);
}

