import { SyntaxNode } from '@lezer/common';
import { CannotEvaluate, PyError } from '../values/errors';
import type { Interpreter } from './interpreter';
import { parseNumber, parseString, stringBounds, unescape } from './literals';
import { binaryOp, compare, unaryOp } from './operators';
import { Scope } from '../values/scope';
import { FileUnit, lastChildNamed } from '../parse/unit';
import { Args, FunctionValue, PyDict, SliceValue, Value, isUnknown, tupleOf, unknown } from '../values/values';
import { getItem } from './subscripts';
import { pyStr } from '../values/strings';
import { assignTarget } from './statements';
import { readParams } from '../parse/params';

/** Evaluates one expression node to a value. */
export function evalExpr(ip: Interpreter, node: SyntaxNode, scope: Scope, unit: FileUnit): Value {
  ip.budget.tick();
  // Expressions nested thousands deep (which Python itself refuses) must not exhaust our stack.
  if (++ip.expressionDepth > MAX_NESTING) {
    ip.expressionDepth--;
    throw new CannotEvaluate('expression nested too deeply');
  }
  try {
    return evalNode(ip, node, scope, unit);
  } finally {
    ip.expressionDepth--;
  }
}

const MAX_NESTING = 1000;

/** What evalExpr does after its budget tick and nesting check (compiled statements run compiledExpressions.ts instead). */
export function evalNode(ip: Interpreter, node: SyntaxNode, scope: Scope, unit: FileUnit): Value {
  switch (node.name) {
    case 'Number':
      return parseNumber(unit.text(node));
    case 'String':
      return parseString(unit.text(node));
    case 'ContinuedString':
      return childNodes(node).map((c) => evalExpr(ip, c, scope, unit)).map((v) => (typeof v === 'string' ? v : '')).join('');
    case 'FormatString':
      return formatString(ip, node, scope, unit);
    case 'Boolean':
      return unit.text(node) === 'True';
    case 'None':
      return null;
    case 'Ellipsis':
    case '...':
      return unknown('Ellipsis');
    case 'VariableName':
      return lookupName(unit.text(node), scope);
    case 'self':
      return lookupName('self', scope);
    case 'ParenthesizedExpression': {
      const inner = childNodes(node);
      return inner.length === 1 ? evalExpr(ip, inner[0], scope, unit) : unknown('parenthesized expression');
    }
    case 'TupleExpression':
      return tupleOf(evalSequence(ip, node, scope, unit));
    case 'ArrayExpression':
      return evalSequence(ip, node, scope, unit);
    case 'SetExpression':
      return dedupe(evalSequence(ip, node, scope, unit));
    case 'DictionaryExpression':
      return evalDict(ip, node, scope, unit);
    case 'ArrayComprehensionExpression':
    case 'SetComprehensionExpression':
    case 'ComprehensionExpression':
      return comprehension(ip, node, scope, unit, false) as Value[];
    case 'DictionaryComprehensionExpression':
      return comprehension(ip, node, scope, unit, true);
    case 'MemberExpression':
      return evalMember(ip, node, scope, unit);
    case 'CallExpression':
      return evalCall(ip, node, scope, unit);
    case 'UnaryExpression':
      return evalUnary(ip, node, scope, unit);
    case 'BinaryExpression':
      return evalBinary(ip, node, scope, unit);
    case 'ConditionalExpression': {
      const [then, cond, otherwise] = childNodes(node);
      const test = ip.truthy(evalExpr(ip, cond, scope, unit));
      if (test === null) return unknown(`condition ${unit.text(cond)} is unknown`);
      return evalExpr(ip, test ? then : otherwise, scope, unit);
    }
    case 'LambdaExpression':
      return makeFunction(ip, node, '<lambda>', scope, unit, []);
    case 'NamedExpression': {
      const [target, value] = childNodes(node);
      const v = evalExpr(ip, value, scope, unit);
      scope.set(unit.text(target), v);
      return v;
    }
    case 'AwaitExpression':
    case 'YieldExpression':
      return unknown(`${node.name} is not modelled`);
  }
  throw new CannotEvaluate(`cannot evaluate ${node.name} statically`);
}

export function lookupName(name: string, scope: Scope): Value {
  const v = scope.lookup(name);
  if (v === undefined) throw new PyError('NameError', `name '${name}' is not defined`);
  return v;
}

/** Children that carry values (no brackets, commas or keywords). */
export function childNodes(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (!SKIP.has(c.name)) out.push(c);
  return out;
}
const SKIP = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', 'if', 'else', 'lambda', 'await', 'Comment']);

/** The item nodes of a list/tuple/set display, each marked when written `*xs`. */
export function sequenceItems(node: SyntaxNode): Array<{ node: SyntaxNode; starred: boolean }> {
  const items: Array<{ node: SyntaxNode; starred: boolean }> = [];
  let star = false;
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.name === '*') {
      star = true;
      continue;
    }
    if (SKIP.has(c.name)) continue;
    items.push({ node: c, starred: star });
    star = false;
  }
  return items;
}

/** Items of a list/tuple/set display, expanding `*xs`. */
function evalSequence(ip: Interpreter, node: SyntaxNode, scope: Scope, unit: FileUnit): Value[] {
  const out: Value[] = [];
  for (const item of sequenceItems(node)) {
    const v = evalExpr(ip, item.node, scope, unit);
    if (item.starred) out.push(...ip.iterate(v));
    else out.push(v);
  }
  return out;
}

export function dedupe(items: Value[]): Value[] {
  const d = new PyDict();
  for (const v of items) d.set(v, v);
  return d.keys();
}

function evalDict(ip: Interpreter, node: SyntaxNode, scope: Scope, unit: FileUnit): Value {
  const dict = new PyDict();
  const parts = childNodesWith(node, ['**']);
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].name === '**') {
      const other = evalExpr(ip, parts[++i], scope, unit);
      if (!(other instanceof PyDict)) throw new CannotEvaluate('** of a non-dict');
      for (const [k, v] of other.entries.values()) dict.set(k, v);
      continue;
    }
    const key = evalExpr(ip, parts[i], scope, unit);
    const value = evalExpr(ip, parts[++i], scope, unit);
    dict.set(key, value);
  }
  return dict;
}

function childNodesWith(node: SyntaxNode, keep: string[]): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (!SKIP.has(c.name) || keep.includes(c.name)) out.push(c);
  return out;
}

/**
 * A comprehension's children are flat: the element (or key ':' value), then clauses
 * `for targets in iterable` and `if condition`, in order.
 */
export function comprehension(ip: Interpreter, node: SyntaxNode, outer: Scope, unit: FileUnit, isDict: boolean, from?: SyntaxNode): Value[] | PyDict {
  const all: SyntaxNode[] = [];
  for (let c = from ?? node.firstChild; c; c = c.nextSibling) if (!['(', ')', '[', ']', '{', '}', 'Comment'].includes(c.name)) all.push(c);
  const forIndex = all.findIndex((c) => c.name === 'for');
  const head = all.slice(0, forIndex).filter((c) => c.name !== ':' && c.name !== ',');
  const clauses = all.slice(forIndex);
  const scope = new Scope(outer, 'function');
  const list: Value[] = [];
  const dict = new PyDict();
  const run = (at: number): void => {
    if (at >= clauses.length) {
      ip.budget.tick();
      if (isDict) dict.set(evalExpr(ip, head[0], scope, unit), evalExpr(ip, head[1], scope, unit));
      else list.push(evalExpr(ip, head[0], scope, unit));
      return;
    }
    const clause = clauses[at];
    if (clause.name === 'for' || clause.name === 'async') {
      const targets: SyntaxNode[] = [];
      let i = at + 1;
      while (clauses[i].name !== 'in') {
        if (clauses[i].name !== ',') targets.push(clauses[i]);
        i++;
      }
      const iterable = clauses[i + 1];
      for (const item of ip.iterate(evalExpr(ip, iterable, scope, unit))) {
        assignTarget(ip, targets, item, scope, unit);
        run(i + 2);
      }
      return;
    }
    if (clause.name === 'if') {
      const test = ip.truthy(evalExpr(ip, clauses[at + 1], scope, unit));
      if (test === null) throw new CannotEvaluate(`condition ${unit.text(clauses[at + 1])} is unknown`);
      if (test) run(at + 2);
      return;
    }
    run(at + 1);
  };
  run(0);
  return isDict ? dict : list;
}

function evalMember(ip: Interpreter, node: SyntaxNode, scope: Scope, unit: FileUnit): Value {
  const objectNode = node.firstChild!;
  // Only a number can be a float with a trailing dot; the test fetches three nodes.
  if (objectNode.name === 'Number' && isTrailingDotFloat(node)) return Number(unit.text(node));
  const obj = evalExpr(ip, objectNode, scope, unit);
  const isAttribute = objectNode.nextSibling?.name === '.';
  const property = isAttribute ? lastChildNamed(node, 'PropertyName') : null;
  if (property) return ip.getAttr(obj, unit.text(property));
  return getItem(ip, obj, subscriptValue(ip, node, scope, unit));
}

/** The nodes between a subscript's brackets: items, ':' and ',' (comments left out). */
export function subscriptParts(node: SyntaxNode): SyntaxNode[] {
  const parts: SyntaxNode[] = [];
  let open = false;
  for (let c = node.firstChild!.nextSibling; c; c = c.nextSibling) {
    if (c.name === '[') {
      open = true;
      continue;
    }
    if (!open || c.name === 'Comment') continue;
    if (c.name === ']') break;
    parts.push(c);
  }
  return parts;
}

/** The value inside `x[...]`: an index, a slice, or a tuple of them. */
export function subscriptValue(ip: Interpreter, node: SyntaxNode, scope: Scope, unit: FileUnit): Value {
  const layout = subscriptParts(node).map((c) => (c.name === ':' || c.name === ',' ? c.name : c));
  return subscriptOf(layout, (c) => evalExpr(ip, c, scope, unit));
}

/**
 * Assembles `x[...]`'s value from its parts in order: items separated by ',' become a tuple, and
 * ':' makes the item a slice whose missing bounds are None. `value` evaluates one item.
 */
export function subscriptOf<T>(layout: ReadonlyArray<T | ':' | ','>, value: (item: T) => Value): Value {
  const items: Value[] = [];
  let parts: Array<Value | undefined> = [undefined];
  let isSlice = false;
  let trailingComma = false;
  const flush = (): void => {
    items.push(isSlice ? new SliceValue(parts[0] ?? null, parts[1] ?? null, parts[2] ?? null) : (parts[0] ?? null));
    parts = [undefined];
    isSlice = false;
  };
  for (const part of layout) {
    trailingComma = false;
    if (part === ':') {
      isSlice = true;
      parts.push(undefined);
    } else if (part === ',') {
      flush();
      trailingComma = true;
    } else {
      parts[parts.length - 1] = value(part as T);
    }
  }
  if (!trailingComma) flush();
  return items.length === 1 && !trailingComma ? items[0] : tupleOf(items);
}

export function evalArgs(ip: Interpreter, argList: SyntaxNode | null, scope: Scope, unit: FileUnit): Args {
  const positional: Value[] = [];
  // Callees only read keywords, so calls without any share one empty map.
  let keywords: Map<string, Value> | null = null;
  if (!argList) return { positional, keywords: NO_KEYWORDS };
  // One pass, each sibling fetched once (lezer makes a node object per fetch); a generator
  // argument `f(x for x in xs)` shows as an expression followed by 'for'.
  let next: SyntaxNode | null;
  for (let c = argList.firstChild; c; c = next) {
    next = c.nextSibling;
    const name = c.name;
    if (name === '(' || name === ')' || name === ',' || name === 'Comment') continue;
    if (next?.name === 'for') return { positional: [comprehension(ip, argList, scope, unit, false) as Value[]], keywords: NO_KEYWORDS };
    if (name === '*' || name === '**') {
      const value = next!;
      next = value.nextSibling;
      const v = evalExpr(ip, value, scope, unit);
      if (name === '*') positional.push(...ip.iterate(v));
      else if (v instanceof PyDict) for (const [k, val] of v.entries.values()) (keywords ??= new Map()).set(String(k), val);
      else throw new CannotEvaluate(isUnknown(v) ? v.reason : '** of a non-dict');
      continue;
    }
    if (name === 'VariableName' && next?.name === 'AssignOp') {
      const value = next.nextSibling!;
      next = value.nextSibling;
      (keywords ??= new Map()).set(unit.text(c), evalExpr(ip, value, scope, unit));
      continue;
    }
    positional.push(evalExpr(ip, c, scope, unit));
  }
  return { positional, keywords: keywords ?? NO_KEYWORDS };
}

const NO_KEYWORDS: Map<string, Value> = new Map();

function evalCall(ip: Interpreter, node: SyntaxNode, scope: Scope, unit: FileUnit): Value {
  const callee = evalExpr(ip, node.firstChild!, scope, unit);
  const args = evalArgs(ip, lastChildNamed(node, 'ArgList'), scope, unit);
  const site = { unit, node };
  ip.sites.push(site);
  try {
    const result = ip.call(callee, args, node);
    ip.hooks.onCallResult?.(site, callee, result);
    return result;
  } finally {
    ip.sites.pop();
  }
}

function evalUnary(ip: Interpreter, node: SyntaxNode, scope: Scope, unit: FileUnit): Value {
  const op = unit.text(node.firstChild!);
  const v = evalExpr(ip, node.lastChild!, scope, unit);
  if (op === 'not') {
    const t = ip.truthy(v);
    return t === null ? unknown(isUnknown(v) ? v.reason : 'truth value unknown') : !t;
  }
  return unaryOp(op, v);
}

function evalBinary(ip: Interpreter, node: SyntaxNode, scope: Scope, unit: FileUnit): Value {
  const left = node.firstChild!;
  const opNode = left.nextSibling!;
  const right = node.lastChild!;
  let op = unit.text(opNode);
  if (op === 'and' || op === 'or') {
    const a = evalExpr(ip, left, scope, unit);
    const t = ip.truthy(a);
    if (t === null) return unknown(isUnknown(a) ? a.reason : 'truth value unknown');
    if ((op === 'and') !== t) return a;
    return evalExpr(ip, right, scope, unit);
  }
  if (op === 'not' || op === 'is') {
    const second = opNode.nextSibling;
    if (second && second !== right && (second.name === 'in' || second.name === 'not')) op = op === 'not' ? 'not in' : 'is not';
  }
  // A chain such as `a < b < c` is parsed as `(a < b) < c`; Python means `a < b and b < c`.
  if (opNode.name === 'CompareOp' && left.name === 'BinaryExpression' && left.firstChild!.nextSibling!.name === 'CompareOp') {
    const first = evalExpr(ip, left, scope, unit);
    const t = ip.truthy(first);
    if (t === false || t === null) return first;
    const middle = evalExpr(ip, left.lastChild!, scope, unit);
    return compare(op, middle, evalExpr(ip, right, scope, unit));
  }
  const a = evalExpr(ip, left, scope, unit);
  const b = evalExpr(ip, right, scope, unit);
  if (opNode.name === 'CompareOp' || ['in', 'not in', 'is', 'is not'].includes(op)) return compare(op, a, b);
  if (op === '@') return matmul(a, b);
  return binaryOp(op, a, b);
}

function matmul(a: Value, b: Value): Value {
  return binaryOp('*', a, b);
}

function formatString(ip: Interpreter, node: SyntaxNode, scope: Scope, unit: FileUnit): Value {
  const text = unit.text(node);
  const { start, end } = stringBounds(text);
  let out = '';
  let at = node.from + start;
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.name !== 'FormatReplacement') continue;
    out += unescape(unit.source.slice(at, c.from)).split('{{').join('{').split('}}').join('}');
    const expr = childNodes(c).find((n) => n.name !== 'FormatConversion' && n.name !== 'FormatSpec');
    const v = expr ? evalExpr(ip, expr, scope, unit) : null;
    if (isUnknown(v)) return unknown(v.reason);
    out += pyStr(v);
    at = c.to;
  }
  out += unescape(unit.source.slice(at, node.from + end)).split('{{').join('{').split('}}').join('}');
  return out;
}

/** A def or lambda becomes a function value; its defaults are evaluated now, as Python does. */
export function makeFunction(ip: Interpreter, node: SyntaxNode, name: string, scope: Scope, unit: FileUnit, decorators: string[]): FunctionValue {
  const defaults = new Map<string, Value>();
  for (const p of readParams(node.getChild('ParamList'), (n) => unit.text(n))) {
    if (p.defaultNode) defaults.set(p.name, evalOrUnknown(ip, p.defaultNode, scope, unit));
  }
  const owner = scope.kind === 'class' ? `${(scope.vars.get('__qualname__') as string) ?? ''}.` : '';
  return new FunctionValue(name, owner + name, node, unit, scope.kind === 'class' ? scope.parent! : scope, defaults, decorators);
}

/** Evaluates, turning a failure into an Unknown value that carries the reason. */
export function evalOrUnknown(ip: Interpreter, node: SyntaxNode, scope: Scope, unit: FileUnit): Value {
  try {
    return evalExpr(ip, node, scope, unit);
  } catch (e) {
    if (e instanceof PyError || e instanceof CannotEvaluate) return unknown(e.message);
    throw e;
  }
}

/**
 * @lezer/python reads `1.` as a member access with a missing property, and `1.e3` as `1` dot `e3`;
 * both are float literals in Python.
 */
export function isTrailingDotFloat(member: SyntaxNode): boolean {
  const first = member.firstChild;
  const dot = first?.nextSibling;
  const last = dot?.nextSibling;
  if (first?.name !== 'Number' || dot?.name !== '.') return false;
  return !last || last.name === '⚠' || (last.name === 'PropertyName' && last.to - last.from > 1 && last.nextSibling === null && last.from === dot.to);
}
