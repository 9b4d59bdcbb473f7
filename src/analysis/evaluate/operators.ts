import { floorDiv as floorInts } from '../../core';
import { Poly } from '../values/symbolic';
import { changedReason } from '../values/unknownContents';
import { PyError } from '../values/errors';
import { Poly1d, polyArith } from '../torch/numpyPoly';
import { integerIf, valueArith, valueCompare } from '../torch/valueTensors';
import { PyDict, RangeValue, Tensor, Unknown, UnknownNumber, Value, isNumberLike, isTupleValue, isUnknown, mixinValue, tupleOf, typeName, unknown, unknownInKey } from '../values/values';
import { broadcastShapes, matmulShape } from './tensorShapes';
import { ITEMS_PER_STEP, type Budget } from './budget';
import { MAX_CHARS, MAX_INT_BITS, MAX_ITEMS, bitLength, boundedInt, intTooLarge, tooLongString, tooManyItems, words } from './limits';
import { TextBuilder } from './textBuilding';

/** Python's `//` on ints: ZeroDivisionError for a zero divisor, else the core's floor division. */
export function floorDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
  return floorInts(a, b);
}

function pyMod(a: bigint, b: bigint): bigint {
  return a - floorDiv(a, b) * b;
}

function floatMod(a: number, b: number): number {
  if (b === 0) throw new PyError('ZeroDivisionError', 'float modulo');
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** Bools are ints in arithmetic. */
function asInt(v: Value): bigint | null {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return null;
}

function asNumber(v: Value): number | null {
  if (typeof v === 'number') return v;
  const i = asInt(v);
  return i === null ? null : Number(i);
}

/** The polynomial of an int or a symbolic unknown, for formulas. */
export function polyOf(v: Value): Poly | null {
  const i = asInt(v);
  if (i !== null) return Poly.constant(i);
  if (v instanceof Unknown && v.poly) return v.poly;
  return null;
}

function symbolic(op: string, a: Value, b: Value, budget: Budget | undefined): Value {
  const pa = polyOf(a);
  const pb = polyOf(b);
  const reason = (isUnknown(a) ? a.reason : '') || (isUnknown(b) ? b.reason : '') || `cannot compute ${op}`;
  if (pa && pb) {
    if (op === '+' || op === '-') {
      budget?.charge(pa.terms.size + pb.terms.size, 1);
      return fromPoly(op === '+' ? pa.add(pb) : pa.add(pb.negate()), reason, budget);
    }
    if (op === '*') {
      const terms = pa.terms.size * pb.terms.size;
      const degree = pa.degree() + pb.degree();
      if (terms > MAX_POLY_TERMS * MAX_POLY_TERMS || degree > MAX_POLY_DEGREE) return formulaTooLarge(terms, degree, reason, budget);
      // Each pair of terms makes a product whose names are sorted: about a step's work per name.
      budget?.charge(terms * (1 + degree), 1);
      return fromPoly(pa.mul(pb), reason, budget);
    }
    if (op === '//') {
      budget?.charge(pa.terms.size * (1 + pa.degree()), 1);
      const q = pa.divExact(pb);
      if (q) return fromPoly(q, reason, budget);
    }
  }
  return new Unknown(reason);
}

/**
 * A formula of unknowns is followed up to these sizes: a layer's weight count is a product of a
 * few channel counts and a kernel size, far below them; past them it is unknown with the reason.
 */
const MAX_POLY_TERMS = 1_000;
const MAX_POLY_DEGREE = 64;

function fromPoly(p: Poly, reason: string, budget?: Budget): Value {
  if (p.isConstant()) return p.constantValue();
  const degree = p.degree();
  if (p.terms.size > MAX_POLY_TERMS || degree > MAX_POLY_DEGREE) return formulaTooLarge(p.terms.size, degree, reason, budget);
  for (const c of p.terms.values()) if (typeof boundedInt(c, budget) !== 'bigint') return new Unknown(reason);
  return new Unknown(reason, p);
}

/** Unknown without a formula: the formula of `reason`'s unknowns is past the limits. */
function formulaTooLarge(terms: number, degree: number, reason: string, budget: Budget | undefined): Unknown {
  const why = `a formula of ${terms.toLocaleString('en-US')} terms of degree ${degree} is too large to follow (the limits are ${MAX_POLY_TERMS.toLocaleString('en-US')} terms and degree ${MAX_POLY_DEGREE})`;
  budget?.limitMet(why);
  return new Unknown(`${reason}; ${why}`);
}

/**
 * Python's binary operators on static values. The budget, when given, is charged for work in
 * proportion to its size (the words of big ints, the items of sequences built); results past the
 * limits of limits.ts are unknown with the reason, and are never built.
 */
export function binaryOp(op: string, a: Value, b: Value, budget?: Budget): Value {
  const changed = changedReason(a) ?? changedReason(b);
  if (changed !== null) return unknown(changed);
  if (op === '@') return matrixProduct(a, b);
  // A polynomial's arithmetic is its own (never elementwise on its coefficients).
  if (a instanceof Poly1d || b instanceof Poly1d) return polyArith(op, a, b) ?? unknown(`numpy.poly1d ${op} ${typeName(a instanceof Poly1d ? b : a)} is not modelled`);
  if (a instanceof Tensor || b instanceof Tensor) {
    const known = valueArith(op, a, b);
    if (known) return known;
    // Integers stay integers under +, -, *, // and %; true division and powers need not.
    return INTEGER_KEEPING_OPS.has(op) ? integerIf(tensorArith(a, b), [a, b]) : tensorArith(a, b);
  }
  if ((a instanceof UnknownNumber && isNumberLike(b)) || (b instanceof UnknownNumber && isNumberLike(a))) return new UnknownNumber((a instanceof UnknownNumber ? a : b as UnknownNumber).reason);
  if (isUnknown(a) || isUnknown(b)) return symbolic(op, a, b, budget);
  const ia = asInt(a);
  const ib = asInt(b);
  if (ia !== null && ib !== null) return intOp(op, ia, ib, budget);
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== null && nb !== null) return floatOp(op, na, nb);
  return sequenceOp(op, a, b, budget);
}

/** Bigint multiplication and division cost about one nanosecond per pair of words; a step is about a microsecond. */
const WORD_PAIRS_PER_STEP = 1000;

function intOp(op: string, a: bigint, b: bigint, budget: Budget | undefined): Value {
  switch (op) {
    case '+': return boundedInt(a + b, budget);
    case '-': return boundedInt(a - b, budget);
    case '*': {
      const bits = bitLength(a) + bitLength(b);
      if (bits > MAX_INT_BITS + 1) return intTooLarge(bits, budget);
      budget?.charge(words(a) * words(b), WORD_PAIRS_PER_STEP);
      return boundedInt(a * b, budget);
    }
    case '/':
      if (b === 0n) throw new PyError('ZeroDivisionError', 'division by zero');
      return Number(a) / Number(b);
    case '//':
    case '%':
      budget?.charge(words(a) * words(b), WORD_PAIRS_PER_STEP);
      return op === '//' ? floorDiv(a, b) : pyMod(a, b);
    case '**': return intPower(a, b, budget);
    case '<<': {
      if (b < 0n) throw new PyError('ValueError', 'negative shift count');
      if (a === 0n) return 0n;
      const bits = BigInt(bitLength(a)) + b;
      if (bits > BigInt(MAX_INT_BITS)) return intTooLarge(Number(bits), budget);
      return boundedInt(a << b, budget);
    }
    case '>>':
      if (b < 0n) throw new PyError('ValueError', 'negative shift count');
      if (b >= BigInt(bitLength(a))) return a < 0n ? -1n : 0n;
      return a >> b;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
  }
  throw new PyError('TypeError', `unsupported operand type(s) for ${op}: 'int' and 'int'`);
}

/** `a ** b` on ints: the result's size is known before it is computed (at least (bits(a) - 1) * b bits). */
function intPower(a: bigint, b: bigint, budget: Budget | undefined): Value {
  if (b < 0n) return Number(a) ** Number(b);
  if (a === 0n) return b === 0n ? 1n : 0n;
  if (a === 1n) return 1n;
  if (a === -1n) return b % 2n === 0n ? 1n : -1n;
  const atLeast = BigInt(bitLength(a) - 1) * b;
  if (atLeast > BigInt(MAX_INT_BITS)) return intTooLarge(Number(atLeast), budget);
  const bits = bitLength(a) * Number(b);
  budget?.charge(Math.ceil(bits / 64) ** 2, WORD_PAIRS_PER_STEP);
  return boundedInt(a ** b, budget);
}

function floatOp(op: string, a: number, b: number): Value {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/':
      if (b === 0) throw new PyError('ZeroDivisionError', 'float division by zero');
      return a / b;
    case '//':
      if (b === 0) throw new PyError('ZeroDivisionError', 'float divmod()');
      return Math.floor(a / b);
    case '%': return floatMod(a, b);
    case '**': return a ** b;
  }
  throw new PyError('TypeError', `unsupported operand type(s) for ${op}: 'float' and 'float'`);
}

function sequenceOp(op: string, a: Value, b: Value, budget: Budget | undefined): Value {
  if (op === '+' && typeof a === 'string' && typeof b === 'string') {
    if (a.length + b.length > MAX_CHARS) return tooLongString(a.length + b.length, budget);
    budget?.charge(a.length + b.length);
    return a + b;
  }
  if (op === '+' && Array.isArray(a) && Array.isArray(b) && isTupleValue(a) === isTupleValue(b)) {
    if (a.length + b.length > MAX_ITEMS) return tooManyItems(a.length + b.length, budget);
    budget?.charge(a.length + b.length, ITEMS_PER_STEP);
    const items = a.concat(b);
    return isTupleValue(a) ? tupleOf(items) : items;
  }
  if (op === '*') {
    const [seq, n] = asInt(b) !== null ? [a, asInt(b)!] : [b, asInt(a)];
    if (n !== null && (typeof seq === 'string' || Array.isArray(seq))) return repeated(seq, n, budget);
  }
  if (op === '|' && a instanceof PyDict && b instanceof PyDict) {
    const out = new PyDict();
    for (const [k, v] of a.entries.values()) out.set(k, v);
    for (const [k, v] of b.entries.values()) out.set(k, v);
    return out;
  }
  if (op === '%' && typeof a === 'string') return percentFormat(a, b, budget);
  throw new PyError('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

/** `seq * n`: its length is known before anything is built. */
function repeated(seq: string | Value[], n: bigint, budget: Budget | undefined): Value {
  const count = n < 0n ? 0 : Number(n);
  const length = BigInt(seq.length) * (n < 0n ? 0n : n);
  if (typeof seq === 'string') {
    if (length > BigInt(MAX_CHARS)) return tooLongString(length, budget);
    budget?.charge(Number(length));
    return seq.repeat(count);
  }
  if (length > BigInt(MAX_ITEMS)) return tooManyItems(length, budget);
  budget?.charge(Number(length), ITEMS_PER_STEP);
  const items: Value[] = seq.length === 1 ? new Array<Value>(count).fill(seq[0]) : new Array<Value>(Number(length));
  if (seq.length > 1) for (let i = 0, at = 0; i < count; i++) for (const item of seq) items[at++] = item;
  if (isTupleValue(seq)) (items as Value[] & { isTuple?: true }).isTuple = true;
  return items;
}

/** `a @ b`: a matrix product of tensors; Python's own numbers and sequences have no `@`. */
function matrixProduct(a: Value, b: Value): Value {
  if (a instanceof Tensor && b instanceof Tensor) return matmulShape(a, b);
  if (isUnknown(a) || isUnknown(b)) return unknown('an operand of @ is unknown');
  if (a instanceof Tensor || b instanceof Tensor) return unknown('@ of a tensor and a value that is not one is not modelled');
  throw new PyError('TypeError', `unsupported operand type(s) for @: '${typeName(a)}' and '${typeName(b)}'`);
}

const INTEGER_KEEPING_OPS = new Set(['+', '-', '*', '//', '%']);

function isNumberOrTensor(v: Value): boolean {
  return v instanceof Tensor || isNumberLike(v);
}

/** Elementwise arithmetic with broadcasting; scalars keep the tensor's shape. */
function tensorArith(a: Value, b: Value): Value {
  // An unknown operand may be a tensor whose broadcast changes the shape; a number does not.
  if (!isNumberOrTensor(a) || !isNumberOrTensor(b)) return new Tensor(null);
  const sa = a instanceof Tensor ? a.shape : [];
  const sb = b instanceof Tensor ? b.shape : [];
  if (sa === null || sb === null) return new Tensor(null);
  return new Tensor(broadcastShapes(sa, sb));
}

export function unaryOp(op: string, v: Value): Value {
  if (v instanceof Tensor) return v;
  if (op === '-') {
    const p = polyOf(v);
    if (isUnknown(v)) return p ? fromPoly(p.negate(), v.reason) : v;
    if (p) return -asInt(v)!;
    if (typeof v === 'number') return -v;
  }
  if (op === '+' && (asNumber(v) !== null)) return typeof v === 'boolean' ? asInt(v)! : v;
  if (op === '~' && asInt(v) !== null) return ~asInt(v)!;
  if (isUnknown(v)) return v;
  throw new PyError('TypeError', `bad operand type for unary ${op}: '${typeName(v)}'`);
}

/** Python's equality for the values configs hold. */
export function pyEquals(a: Value, b: Value, budget?: Budget): boolean {
  a = mixinValue(a) ?? a;
  b = mixinValue(b) ?? b;
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== null && nb !== null) {
    const ia = asInt(a);
    const ib = asInt(b);
    return ia !== null && ib !== null ? ia === ib : na === nb;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (isTupleValue(a) !== isTupleValue(b) || a.length !== b.length) return false;
    // Nested sequences are charged at each level they are compared at.
    budget?.charge(a.length, ITEMS_PER_STEP);
    return a.every((x, i) => pyEquals(x, b[i], budget));
  }
  if (typeof a === 'string' && typeof b === 'string' && a.length === b.length) budget?.charge(a.length);
  return a === b;
}

/** The comparison `a op b`; `budget`, when given, is charged for comparing long strings and sequences item by item. */
export function compare(op: string, a: Value, b: Value, budget?: Budget): Value {
  // Identity is known even for unknown values' containers: `x is None` with x a tensor is False.
  if ((op === 'is' || op === 'is not') && (a === null || b === null) && !(isUnknown(a) || isUnknown(b))) return (a === b) === (op === 'is');
  if (isUnknown(a) || isUnknown(b)) return new Unknown(isUnknown(a) ? a.reason : (b as Unknown).reason);
  const changed = (op === 'is' || op === 'is not') ? null : changedReason(a) ?? changedReason(b);
  if (changed !== null) return unknown(changed);
  if ((a instanceof Poly1d || b instanceof Poly1d) && op !== 'is' && op !== 'is not') return unknown(`numpy.poly1d ${op} is not modelled`);
  if ((a instanceof Tensor || b instanceof Tensor) && op !== 'is' && op !== 'is not' && op !== 'in' && op !== 'not in') return valueCompare(op, a, b) ?? new Tensor(null);
  if (op !== 'is' && op !== 'is not') {
    a = mixinValue(a) ?? a;
    b = mixinValue(b) ?? b;
  }
  switch (op) {
    case '==': return pyEquals(a, b, budget);
    case '!=': return !pyEquals(a, b, budget);
    case 'is': return a === b || (a === null && b === null) || (typeof a === 'boolean' && a === b);
    case 'is not': return !(a === b);
    case 'in': return contains(b, a, budget);
    case 'not in': {
      const c = contains(b, a, budget);
      return typeof c === 'boolean' ? !c : c;
    }
  }
  const order = orderOf(a, b, budget);
  if (order === null) throw new PyError('TypeError', `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
  switch (op) {
    case '<': return order < 0;
    case '<=': return order <= 0;
    case '>': return order > 0;
    case '>=': return order >= 0;
  }
  throw new PyError('TypeError', `unknown comparison ${op}`);
}

function orderOf(a: Value, b: Value, budget: Budget | undefined): number | null {
  const ia = asInt(a);
  const ib = asInt(b);
  if (ia !== null && ib !== null) return ia < ib ? -1 : ia > ib ? 1 : 0;
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== null && nb !== null) return na < nb ? -1 : na > nb ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') {
    budget?.charge(Math.min(a.length, b.length));
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    budget?.charge(Math.min(a.length, b.length), ITEMS_PER_STEP);
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEquals(a[i], b[i], budget)) return orderOf(a[i], b[i], budget);
    }
    return a.length - b.length;
  }
  return null;
}

export function contains(container: Value, item: Value, budget?: Budget): Value {
  if (typeof container === 'string' && typeof item === 'string') {
    budget?.charge(container.length);
    return container.includes(item);
  }
  if (Array.isArray(container)) {
    if (container.some(isUnknown)) return new Unknown('membership in a list with unknown items');
    budget?.charge(container.length, ITEMS_PER_STEP);
    return container.some((x) => pyEquals(x, item, budget));
  }
  if (container instanceof PyDict) return unknownInKey(item) ?? container.get(item) !== undefined;
  if (container instanceof RangeValue) {
    const i = asInt(item);
    if (i === null) return false;
    const { start, step } = container;
    const inside = step > 0n ? i >= start && i < container.stop : i <= start && i > container.stop;
    return inside && (i - start) % step === 0n;
  }
  if (isUnknown(container)) return container;
  return new Unknown(`membership in ${typeName(container)}`);
}

/** printf-style `'layer%d' % i` with %d %i %s %r %f %x and %%; other conversions stay unknown. */
function percentFormat(template: string, args: Value, budget: Budget | undefined): Value {
  const items = Array.isArray(args) && isTupleValue(args) ? args : [args];
  budget?.charge(template.length);
  const out = new TextBuilder(budget);
  let next = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch !== '%') {
      out.add(ch);
      continue;
    }
    let j = i + 1;
    while (j < template.length && '0123456789.-+ #'.includes(template[j])) j++;
    const conv = template[j];
    i = j;
    if (conv === '%') {
      out.add('%');
      continue;
    }
    const v = items[next++];
    if (v === undefined) throw new PyError('TypeError', 'not enough arguments for format string');
    if (isUnknown(v)) return new Unknown(v.reason);
    if (conv === 'd' || conv === 'i') out.add(typeof v === 'number' ? Math.trunc(v).toString() : typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
    else if (conv === 's') out.add(v);
    else if (conv === 'r') out.add(v, true);
    else if (conv === 'x' && typeof v === 'bigint') out.add(v.toString(16));
    else if (conv === 'f' && (typeof v === 'number' || typeof v === 'bigint')) out.add(Number(v).toFixed(6));
    else return new Unknown(`format %${conv}`);
  }
  return out.result;
}
