import type { Interpreter } from './interpreter';
import { binaryOp, compare, contains, unaryOp } from './operators';
import { getItem } from './subscripts';
import { PyError } from '../values/errors';
import { Args, Builtin, Namespace, Value, tupleOf, unknown } from '../values/values';

// The `operator` module: each function is the operator written out, evaluated exactly as the
// expression would be (`functools.reduce(operator.mul, shape, 1)` in timm's mvitv2 is
// `shape[0] * shape[1] * ...`).

const BINARY: ReadonlyArray<readonly [string, string]> = [
  ['add', '+'], ['sub', '-'], ['mul', '*'], ['truediv', '/'], ['floordiv', '//'], ['mod', '%'], ['pow', '**'],
  ['matmul', '@'], ['lshift', '<<'], ['rshift', '>>'], ['and_', '&'], ['or_', '|'], ['xor', '^'],
];
const COMPARISONS: ReadonlyArray<readonly [string, string]> = [
  ['eq', '=='], ['ne', '!='], ['lt', '<'], ['le', '<='], ['gt', '>'], ['ge', '>='], ['is_', 'is'], ['is_not', 'is not'],
];
const UNARY: ReadonlyArray<readonly [string, string]> = [['neg', '-'], ['pos', '+'], ['invert', '~'], ['inv', '~']];

/** The positional arguments of a call that must have exactly `count` of them, as CPython checks them. */
function exactly(name: string, a: Args, count: number): Value[] {
  if (a.keywords.size > 0) throw new PyError('TypeError', `_operator.${name}() takes no keyword arguments`);
  if (a.positional.length !== count) {
    throw new PyError('TypeError', count === 1 ? `_operator.${name}() takes exactly one argument (${a.positional.length} given)` : `${name} expected ${count} arguments, got ${a.positional.length}`);
  }
  return a.positional;
}

function attributePath(ip: Interpreter, obj: Value, path: Value): Value {
  if (typeof path !== 'string') throw new PyError('TypeError', 'attribute name must be a string');
  return path.split('.').reduce((v, name) => ip.getAttr(v, name), obj);
}

/** itemgetter(k)(x) is x[k]; with several keys, the tuple of them. attrgetter likewise with (dotted) attribute names. */
function getter(name: string, keys: Value[], read: (ip: Interpreter, obj: Value, key: Value) => Value): Builtin {
  if (keys.length === 0) throw new PyError('TypeError', `${name} expected 1 argument, got 0`);
  return new Builtin(name, (a, ip) => {
    if (a.keywords.size > 0) throw new PyError('TypeError', `${name}() takes no keyword arguments`);
    if (a.positional.length !== 1) throw new PyError('TypeError', `${name} expected 1 argument, got ${a.positional.length}`);
    const obj = a.positional[0];
    return keys.length === 1 ? read(ip, obj, keys[0]) : tupleOf(keys.map((k) => read(ip, obj, k)));
  });
}

export function operatorModule(): Namespace {
  const members = new Map<string, Value>();
  for (const [name, op] of BINARY) members.set(name, new Builtin(name, (a, ip) => binaryOp(op, ...(exactly(name, a, 2) as [Value, Value]), ip.budget)));
  for (const [name, op] of COMPARISONS) members.set(name, new Builtin(name, (a, ip) => compare(op, ...(exactly(name, a, 2) as [Value, Value]), ip.budget)));
  for (const [name, op] of UNARY) members.set(name, new Builtin(name, (a) => unaryOp(op, exactly(name, a, 1)[0])));
  members.set('not_', new Builtin('not_', (a, ip) => {
    const t = ip.truthy(exactly('not_', a, 1)[0]);
    return t === null ? unknown('operator.not_ of a value whose truth is unknown') : !t;
  }));
  members.set('truth', new Builtin('truth', (a, ip) => {
    const t = ip.truthy(exactly('truth', a, 1)[0]);
    return t === null ? unknown('operator.truth of a value whose truth is unknown') : t;
  }));
  members.set('contains', new Builtin('contains', (a, ip) => {
    const [container, item] = exactly('contains', a, 2);
    return contains(container, item, ip.budget);
  }));
  members.set('getitem', new Builtin('getitem', (a, ip) => {
    const [obj, key] = exactly('getitem', a, 2);
    return getItem(ip, obj, key);
  }));
  members.set('itemgetter', new Builtin('itemgetter', (a) => getter('itemgetter', a.positional, getItem)));
  members.set('attrgetter', new Builtin('attrgetter', (a) => getter('attrgetter', a.positional, attributePath)));
  return new Namespace('operator', members, true);
}
