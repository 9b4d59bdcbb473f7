import { Tensor, Value } from '../values/values';

/**
 * The shape torch.einsum gives: each letter of the equation names one size, read off the
 * operands; the output is the part after '->' or, without one, the letters used once in
 * alphabetical order. Spaces are allowed (torchvision's MaxViT writes "B G H I D, ..."), and
 * '...' stands for the leading dimensions the operands broadcast. Null when a shape is unknown
 * or the equation does not fit the operands (PyTorch's error is then not reproduced).
 */
export function einsumShape(args: Value[]): Tensor | null {
  const equation = args[0];
  if (typeof equation !== 'string') return null;
  const operands = (args.length === 2 && Array.isArray(args[1]) ? args[1] : args.slice(1)) as Value[];
  const spec = equation.split(' ').join('');
  const arrow = spec.indexOf('->');
  const inputs = (arrow >= 0 ? spec.slice(0, arrow) : spec).split(',');
  if (inputs.length !== operands.length) return null;
  const sizes = new Map<string, bigint>();
  const counts = new Map<string, number>();
  let ellipsis: bigint[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const t = operands[i];
    if (!(t instanceof Tensor) || !t.shape) return null;
    const [before, after] = inputs[i].includes('...') ? inputs[i].split('...') : [inputs[i], null];
    const named = after === null ? before.length : before.length + after.length;
    if (after === null ? named !== t.shape.length : named > t.shape.length) return null;
    const letters = after === null ? before : before + after;
    const dims = after === null ? t.shape : [...t.shape.slice(0, before.length), ...t.shape.slice(t.shape.length - after.length)];
    if (after !== null) ellipsis = broadcast(ellipsis, t.shape.slice(before.length, t.shape.length - after.length));
    for (let k = 0; k < letters.length; k++) {
      const known = sizes.get(letters[k]);
      if (known !== undefined && known !== dims[k] && known !== 1n && dims[k] !== 1n) return null;
      if (known === undefined || known === 1n) sizes.set(letters[k], dims[k]);
      counts.set(letters[k], (counts.get(letters[k]) ?? 0) + 1);
    }
  }
  const output = arrow >= 0 ? spec.slice(arrow + 2) : (inputs.some((s) => s.includes('...')) ? '...' : '') + [...counts].filter(([, n]) => n === 1).map(([l]) => l).sort().join('');
  const shape: bigint[] = [];
  const [head, tail] = output.includes('...') ? output.split('...') : [output, null];
  for (const l of head) {
    const size = sizes.get(l);
    if (size === undefined) return null;
    shape.push(size);
  }
  if (tail !== null) {
    shape.push(...ellipsis);
    for (const l of tail) {
      const size = sizes.get(l);
      if (size === undefined) return null;
      shape.push(size);
    }
  }
  return new Tensor(shape);
}

function broadcast(a: bigint[], b: bigint[]): bigint[] {
  const n = Math.max(a.length, b.length);
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1n;
    const y = b[b.length - n + i] ?? 1n;
    out.push(x === 1n ? y : x);
  }
  return out;
}
