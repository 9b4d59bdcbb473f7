import { CONV_TYPES } from '../../core';
import type { Evaluator } from '../evaluate/evaluator';
import { Args, Builtin, ModuleObject, Namespace, Tensor, UnknownNumber, Value, unknown } from '../values/values';
import { MODULE_DICT_CLASS, MODULE_LIST_CLASS, SEQUENTIAL_CLASS } from './containers';
import { convClasses, functionalConv } from './conv';
import { adaptive, flatten, interpolate, layerClasses, pad, pixelShuffle, poolShape } from './layers';
import { foldShape, unfoldShape } from './slidingBlocks';
import { MODULE_CLASS, arg } from './native';
import { cloneModule, transformerClasses } from './transformer';
import { LEGACY_TENSOR_TYPES, ValueDtype, ValueTensor, isIntegerDtype, knownValuesOf, markInteger, numpyNamespace, rangeBounds, torchDtypes, withCreatedDtype, withValueFunctions } from './valueTensors';
import { makePoly1d } from './numpyPoly';
import { eyeFunction, fftNamespace, linalgNamespace } from './matrixFunctions';
import { einopsNamespaces } from './einops';
import { checkpointNamespace, jitNamespace, moduleUtilsNamespace, torchUtilsNamespace } from './moduleUtils';
import { binary, concat, createdTensor, ints, reduce, tensorMethod } from './tensorOps';
import { broadcastShapes, matmulShape } from '../evaluate/tensorShapes';
import { SyntaxNode } from '@lezer/common';

type Fn = (args: Args, ip: Evaluator, call: SyntaxNode | null) => Value;

function fn(name: string, f: Fn): Builtin {
  return new Builtin(name, f, true);
}

const sameAsInput: Fn = (a) => {
  const x = arg(a, 0, 'input');
  return x instanceof Tensor ? new Tensor(x.shape) : new Tensor(null);
};

function functional(): Map<string, Value> {
  const m = new Map<string, Value>();
  const same = ['relu', 'relu6', 'relu_', 'leaky_relu', 'elu', 'selu', 'gelu', 'silu', 'mish', 'sigmoid', 'tanh', 'hardswish', 'hardsigmoid', 'hardtanh',
    'softplus', 'softmax', 'log_softmax', 'dropout', 'dropout2d', 'dropout3d', 'alpha_dropout', 'normalize', 'batch_norm', 'layer_norm', 'group_norm',
    'instance_norm', 'local_response_norm', 'logsigmoid', 'softsign', 'prelu', 'celu', 'threshold', 'softmin', 'gumbel_softmax'];
  for (const name of same) m.set(name, fn(name, sameAsInput));
  for (const type of CONV_TYPES) {
    const n = type.charAt(type.length - 2);
    const name = type.startsWith('ConvTranspose') ? `conv_transpose${n}d` : `conv${n}d`;
    m.set(name, fn(name, (a, ip, call) => {
      const { value, record, owned } = functionalConv(type, a, ip);
      if (record) ip.functionalConvs.push({ site: ip.mainSite() ?? call, record, owned: owned === true });
      else ip.unrecordedFunctionalConvs++;
      return value;
    }));
  }
  for (const n of [1, 2, 3]) {
    m.set(`max_pool${n}d`, fn('max_pool', (a) => poolShape(arg(a, 0, 'input'), n, arg(a, 1, 'kernel_size'), arg(a, 2, 'stride'), arg(a, 3, 'padding', 0n), arg(a, 4, 'dilation', 1n), arg(a, 5, 'ceil_mode', false) === true)));
    m.set(`avg_pool${n}d`, fn('avg_pool', (a) => poolShape(arg(a, 0, 'input'), n, arg(a, 1, 'kernel_size'), arg(a, 2, 'stride'), arg(a, 3, 'padding', 0n), 1n, arg(a, 4, 'ceil_mode', false) === true)));
    m.set(`adaptive_avg_pool${n}d`, fn('adaptive_avg_pool', (a) => adaptive(arg(a, 1, 'output_size'), arg(a, 0, 'input'), n, true)));
    m.set(`adaptive_max_pool${n}d`, fn('adaptive_max_pool', (a) => adaptive(arg(a, 1, 'output_size'), arg(a, 0, 'input'), n, false)));
  }
  m.set('interpolate', fn('interpolate', (a) => interpolate(arg(a, 0, 'input'), arg(a, 1, 'size'), arg(a, 2, 'scale_factor'))));
  m.set('upsample', m.get('interpolate')!);
  m.set('pad', fn('pad', (a) => {
    const p = arg(a, 1, 'pad');
    return pad(arg(a, 0, 'input'), p, Array.isArray(p) ? p.length / 2 : 1);
  }));
  m.set('linear', fn('linear', (a) => {
    const x = arg(a, 0, 'input');
    const w = arg(a, 1, 'weight');
    if (!(x instanceof Tensor) || !(w instanceof Tensor) || !x.shape || !w.shape) return new Tensor(null);
    return new Tensor([...x.shape.slice(0, -1), w.shape[0]]);
  }));
  m.set('flatten', fn('flatten', (a) => flatten(arg(a, 0, 'input'), arg(a, 1, 'start_dim', 0n), arg(a, 2, 'end_dim', -1n))));
  m.set('pixel_shuffle', fn('pixel_shuffle', (a) => pixelShuffle(arg(a, 0, 'input'), arg(a, 1, 'upscale_factor'), true)));
  m.set('pixel_unshuffle', fn('pixel_unshuffle', (a) => pixelShuffle(arg(a, 0, 'input'), arg(a, 1, 'downscale_factor'), false)));
  m.set('unfold', fn('unfold', (a) => unfoldShape(arg(a, 0, 'input'), arg(a, 1, 'kernel_size'), arg(a, 2, 'dilation', 1n), arg(a, 3, 'padding', 0n), arg(a, 4, 'stride', 1n))));
  m.set('fold', fn('fold', (a) => foldShape(arg(a, 0, 'input'), arg(a, 1, 'output_size'), arg(a, 2, 'kernel_size'), arg(a, 3, 'dilation', 1n), arg(a, 4, 'padding', 0n), arg(a, 5, 'stride', 1n))));
  return m;
}

function tensorFactory(name: string): Builtin {
  return fn(name, (a, ip) => {
    const sizes = a.keywords.has('size') ? ints([a.keywords.get('size')!]) : ints(a.positional.filter((v) => !(v instanceof Tensor)));
    return withCreatedDtype(createdTensor(sizes, ip), a.keywords);
  });
}

/**
 * torch.LongTensor and the other legacy types: a list or tuple is the data (torch.Tensor((2, 3))
 * is [2.0, 3.0], not a 2 x 3 tensor), a tensor is taken as it is (PyTorch raises unless its
 * dtype is the type's, so the result, when there is one, has its shape and the type's dtype),
 * ints are the sizes, and no argument is an empty 1-d tensor.
 */
function legacyTensor(name: string, dtype: ValueDtype): Builtin {
  return fn(name, (a, ip) => {
    const mark = (t: Tensor): Tensor => (isIntegerDtype(dtype) ? markInteger(t) : t);
    const [first] = a.positional;
    if (a.positional.length === 0) return mark(new Tensor([0n]));
    if (a.positional.length === 1 && Array.isArray(first)) return knownValuesOf(first, dtype) ?? mark(new Tensor(nestedShape(first)));
    if (a.positional.length === 1 && first instanceof Tensor) {
      if (first instanceof ValueTensor) return first.dtype === dtype ? first : new Tensor(null);
      return mark(new Tensor(first.shape));
    }
    return mark(createdTensor(ints(a.positional), ip));
  });
}

function torchFunctions(): Map<string, Value> {
  const m = new Map<string, Value>();
  for (const name of ['randn', 'rand', 'zeros', 'ones', 'empty', 'randint_like_']) m.set(name, tensorFactory(name));
  for (const [name, dtype] of Object.entries(LEGACY_TENSOR_TYPES)) m.set(name, legacyTensor(name, dtype));
  m.set('randint', fn('randint', (a, ip) => withCreatedDtype(createdTensor(ints([a.keywords.get('size') ?? a.positional[a.positional.length - 1]]), ip), a.keywords, true)));
  m.set('full', fn('full', (a, ip) => createdTensor(ints([arg(a, 0, 'size')]), ip)));
  m.set('arange', fn('arange', (a) => {
    // Integer bounds only (the value path, valueTensors.ts, computes the rest); len(range(...)).
    const bounds = rangeBounds(a.positional, a.keywords);
    if (!bounds || !bounds.every((v): v is bigint => typeof v === 'bigint')) return new Tensor(null);
    const [start, end, step] = bounds.length === 1 ? [0n, bounds[0], 1n] : [bounds[0], bounds[1], bounds[2] ?? 1n];
    if (step === 0n) return new Tensor(null);
    const n = step > 0n ? (end - start + step - 1n) / step : (start - end - step - 1n) / -step;
    return new Tensor([n > 0n ? n : 0n]);
  }));
  for (const name of [
    'zeros_like', 'ones_like', 'randn_like', 'rand_like', 'empty_like', 'sigmoid', 'tanh', 'relu', 'exp', 'log', 'sqrt', 'abs', 'softmax', 'clamp', 'erf', 'sin', 'cos', 'neg', 'log_softmax', 'dropout',
    // Elementwise functions of one tensor: the result has its shape.
    'rsqrt', 'square', 'reciprocal', 'sign', 'sgn', 'floor', 'ceil', 'trunc', 'frac', 'exp2', 'expm1', 'log2', 'log10', 'log1p', 'sinh', 'cosh', 'tan', 'atan', 'asin', 'acos',
    'erfc', 'erfinv', 'logit', 'nan_to_num', 'clamp_min', 'clamp_max', 'sigmoid_', 'relu_', 'round',
  ]) {
    m.set(name, fn(name, sameAsInput));
  }
  for (const name of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'where_', 'pow']) {
    m.set(name, fn(name, (a) => {
      const [x, y] = a.positional;
      return x instanceof Tensor ? binary(x, y ?? null) : y instanceof Tensor ? binary(y, x) : unknown(`torch.${name} of non-tensors`);
    }));
  }
  for (const name of ['mean', 'sum', 'amax', 'amin', 'max', 'min', 'prod', 'std', 'var', 'logsumexp', 'argmax']) {
    m.set(name, fn(name, (a) => {
      const x = arg(a, 0, 'input');
      if (!(x instanceof Tensor)) return unknown(`torch.${name} of a non-tensor`);
      if (a.positional[1] instanceof Tensor) return binary(x, a.positional[1]);
      return reduce(x, arg(a, 1, 'dim'), arg(a, 2, 'keepdim', false), name);
    }));
  }
  // input + value * tensor1 * tensor2 (or / tensor2): the three broadcast together.
  for (const name of ['addcmul', 'addcdiv']) {
    m.set(name, fn(name, (a) => {
      const operands = [arg(a, 0, 'input'), arg(a, 1, 'tensor1'), arg(a, 2, 'tensor2')];
      if (!operands.every((t): t is Tensor => t instanceof Tensor && t.shape !== null)) return new Tensor(null);
      return new Tensor(operands.reduce<bigint[]>((shape, t) => broadcastShapes(shape, t.shape!), []));
    }));
  }
  m.set('cat', fn('cat', (a, ip) => concat(ip.iterate(arg(a, 0, 'tensors')), arg(a, 1, 'dim', 0n), false)));
  m.set('concat', m.get('cat')!);
  m.set('stack', fn('stack', (a, ip) => concat(ip.iterate(arg(a, 0, 'tensors')), arg(a, 1, 'dim', 0n), true)));
  m.set('matmul', fn('matmul', (a) => matmulShape(a.positional[0], a.positional[1])));
  m.set('bmm', m.get('matmul')!);
  m.set('mm', m.get('matmul')!);
  for (const name of ['flatten', 'reshape', 'transpose', 'permute', 'unsqueeze', 'squeeze', 'chunk', 'split', 'softmax', 'flip', 'roll', 'swapaxes']) {
    m.set(name, fn(name, (a) => {
      const [x, ...rest] = a.positional;
      if (!(x instanceof Tensor)) return unknown(`torch.${name} of a non-tensor`);
      return tensorMethod(x, name, rest, a.keywords);
    }));
  }
  m.set('tensor', fn('tensor', (a) => new Tensor(nestedShape(a.positional[0] ?? null))));
  m.set('as_tensor', m.get('tensor')!);
  for (const name of ['manual_seed', 'set_grad_enabled', 'set_default_dtype']) m.set(name, fn(name, () => null));
  for (const name of ['no_grad', 'inference_mode', 'device', 'load', 'save', 'cuda', 'backends', 'optim', 'onnx', 'distributed', 'autograd', 'hub', 'Size']) {
    m.set(name, unknown(`torch.${name} is not modelled`));
  }
  for (const [name, dtype] of torchDtypes()) m.set(name, dtype);
  return m;
}

function nestedShape(v: Value): bigint[] | null {
  if (!Array.isArray(v)) return typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' || v instanceof UnknownNumber ? [] : null;
  const inner = v.length ? nestedShape(v[0]) : [];
  return inner ? [BigInt(v.length), ...inner] : null;
}

function nnMembers(fNamespace: Namespace): Map<string, Value> {
  const m = new Map<string, Value>();
  m.set('Module', MODULE_CLASS);
  m.set('Sequential', SEQUENTIAL_CLASS);
  m.set('ModuleList', MODULE_LIST_CLASS);
  m.set('ModuleDict', MODULE_DICT_CLASS);
  for (const [k, v] of convClasses()) m.set(k, v);
  const layers = layerClasses();
  for (const [k, v] of transformerClasses(layers)) layers.set(k, v);
  for (const [k, v] of layers) m.set(k, v);
  m.set('Parameter', fn('Parameter', (a) => {
    const t = arg(a, 0, 'data');
    return new Tensor(t instanceof Tensor ? t.shape : null, true);
  }));
  m.set('parameter', new Namespace('torch.nn.parameter', new Map([['Parameter', m.get('Parameter')!]])));
  m.set('functional', fNamespace);
  m.set('init', new Namespace('torch.nn.init', new Map(), true));
  m.set('utils', new Namespace('torch.nn.utils', utilsMembers(), true));
  return m;
}

const NN_MODULE_FILES = ['conv', 'linear', 'batchnorm', 'activation', 'pooling', 'container', 'module', 'normalization', 'dropout', 'flatten'];

/**
 * torch.nn.modules, which `import torch` makes reachable as `torch.nn.modules` / `nn.modules`: the
 * layers of torch.nn, its files (each read as torch.nn) and its `utils` (`_pair`...), which is not
 * torch.nn.utils (weight_norm...).
 */
function nnModulesNamespace(nn: Namespace): Namespace {
  const members = new Map<string, Value>(nn.members);
  for (const sub of NN_MODULE_FILES) members.set(sub, nn);
  members.set('utils', moduleUtilsNamespace());
  const namespace = new Namespace('torch.nn.modules', members);
  nn.members.set('modules', namespace);
  return namespace;
}

/** torch, torch.nn, torch.nn.functional and friends, created once per analysis. */
export function torchNamespaces(): Map<string, Namespace> {
  const F = new Namespace('torch.nn.functional', functional());
  const nn = new Namespace('torch.nn', nnMembers(F));
  const torchMembers = torchFunctions();
  withValueFunctions(torchMembers);
  torchMembers.set('nn', nn);
  const fft = fftNamespace();
  const linalg = linalgNamespace();
  torchMembers.set('eye', eyeFunction());
  for (const [name, value] of [['pi', Math.PI], ['e', Math.E], ['inf', Infinity], ['nan', NaN]] as const) torchMembers.set(name, value);
  torchMembers.set('fft', fft);
  torchMembers.set('linalg', linalg);
  const torch = new Namespace('torch', torchMembers, true);
  const modules = new Map<string, Namespace>([['torch', torch], ['torch.nn', nn], ['torch.nn.functional', F]]);
  const nnModules = nnModulesNamespace(nn);
  modules.set('torch.nn.modules', nnModules);
  for (const sub of NN_MODULE_FILES) modules.set(`torch.nn.modules.${sub}`, nn);
  modules.set('torch.nn.modules.utils', nnModules.members.get('utils') as Namespace);
  const checkpoint = checkpointNamespace();
  const jit = jitNamespace();
  const utils = torchUtilsNamespace(checkpoint);
  torchMembers.set('jit', jit);
  torchMembers.set('utils', utils);
  modules.set('torch.jit', jit);
  modules.set('torch.utils', utils);
  modules.set('torch.fft', fft);
  modules.set('torch.linalg', linalg);
  modules.set('torch.utils.checkpoint', checkpoint);
  modules.set('torch.nn.init', nn.members.get('init') as Namespace);
  modules.set('torch.nn.utils', nn.members.get('utils') as Namespace);
  modules.set('torch.jit', torchMembers.get('jit') as Namespace);
  modules.set('torch.utils.checkpoint', checkpointNamespace());
  const numpy = numpyNamespace();
  numpy.members.set('poly1d', new Builtin('poly1d', (a) => makePoly1d(a.positional, a.keywords) ?? unknown('numpy.poly1d of coefficients that are not known')));
  modules.set('numpy', numpy);
  for (const [name, ns] of einopsNamespaces()) modules.set(name, ns);
  return modules;
}

/**
 * torch.nn.utils.weight_norm splits `weight` into weight_v (same shape) and weight_g (the size
 * of `dim`, or 1 with dim=None), so the module gains weight_g's parameters; spectral_norm keeps
 * the count (its u and v are buffers).
 */
function utilsMembers(): Map<string, Value> {
  const m = new Map<string, Value>();
  m.set('weight_norm', fn('weight_norm', (a) => {
    const module = arg(a, 0, 'module');
    const name = arg(a, 1, 'name', 'weight');
    const dim = arg(a, 2, 'dim', 0n);
    if (!(module instanceof ModuleObject) || typeof name !== 'string') return module;
    const weight = module.attrs.get(name);
    const shape = weight instanceof Tensor ? weight.shape : null;
    const gCount = dim === null ? 1n : shape && typeof dim === 'bigint' ? shape[Number(dim < 0n ? dim + BigInt(shape.length) : dim)] ?? null : null;
    module.params.set(`${name}_g`, gCount);
    if (module.conv) module.conv.extraParams = gCount;
    return module;
  }));
  for (const name of ['spectral_norm', 'remove_weight_norm', 'remove_spectral_norm']) m.set(name, fn(name, (a) => arg(a, 0, 'module')));
  return m;
}

export { cloneModule };
