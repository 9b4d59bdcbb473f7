import { PyError } from '../values/errors';
import { Builtin, Namespace, Tensor, Value, unknown } from '../values/values';
import { arg } from './native';
import { wrapDim } from '../evaluate/tensorShapes';

/** torch.eye(n, m=None): an [n, m] tensor (m defaults to n), or PyTorch's error for a negative size. */
export function eyeFunction(): Builtin {
  return new Builtin('eye', (a) => {
    const n = arg(a, 0, 'n');
    const m = arg(a, 1, 'm', n);
    if (typeof n !== 'bigint' || typeof m !== 'bigint') return new Tensor(null);
    if (n < 0n) throw new PyError('RuntimeError', `n must be greater or equal to 0, got ${n}`);
    if (m < 0n) throw new PyError('RuntimeError', `m must be greater or equal to 0, got ${m}`);
    return new Tensor([n, m]);
  }, true);
}

/**
 * torch.fft's complex transforms of one dim, fft and ifft: the input's shape, the transformed
 * dim (default -1) resized to `n` when given. (The real ones, rfft and irfft, change the size
 * in ways not modelled here, and stay unknown.)
 */
export function fftNamespace(): Namespace {
  const members = new Map<string, Value>();
  for (const name of ['fft', 'ifft']) {
    members.set(name, new Builtin(name, (a) => {
      const x = arg(a, 0, 'input');
      const n = arg(a, 1, 'n');
      const dim = arg(a, 2, 'dim', -1n);
      if (!(x instanceof Tensor) || !x.shape || typeof dim !== 'bigint' || (n !== null && typeof n !== 'bigint')) return new Tensor(null);
      const shape = [...x.shape];
      const d = wrapDim(dim, shape.length);
      if (n !== null) {
        if (n < 1n) throw new PyError('RuntimeError', `Invalid number of data points (${n}) specified`);
        shape[d] = n;
      }
      return new Tensor(shape);
    }, true));
  }
  return new Namespace('torch.fft', members, true);
}

/** torch.linalg.inv: the shape of a batch of square matrices, or PyTorch's error for others. */
export function linalgNamespace(): Namespace {
  const members = new Map<string, Value>();
  members.set('inv', new Builtin('inv', (a) => {
    const x = arg(a, 0, 'A');
    if (!(x instanceof Tensor) || !x.shape) return x instanceof Tensor ? new Tensor(null) : unknown('torch.linalg.inv of a non-tensor');
    const s = x.shape;
    if (s.length < 2) throw new PyError('RuntimeError', `linalg.inv: The input tensor A must have at least 2 dimensions.`);
    if (s[s.length - 1] !== s[s.length - 2]) throw new PyError('RuntimeError', `linalg.inv: A must be batches of square matrices, but they are ${s[s.length - 2]} by ${s[s.length - 1]} matrices`);
    return new Tensor([...s]);
  }, true));
  return new Namespace('torch.linalg', members, true);
}
