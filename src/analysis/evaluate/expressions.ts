import { SyntaxNode } from '@lezer/common';
import { CannotEvaluate, PyError } from '../values/errors';
import type { CallSite, Interpreter } from './interpreter';
import { parseNumber, parseString, stringBounds, unescape } from './literals';
import { binaryOp, compare, unaryOp } from './operators';
import { Scope } from '../values/scope';
import { getItem } from './subscripts';
import { FileUnit, lastChildNamed } from '../parse/unit';
import { isTrailingDotFloat } from '../parse/trailingDotFloats';
import { readParams } from '../parse/params';
import { Args, ELLIPSIS, FunctionValue, NO_KEYWORDS, PyDict, SliceValue, Tensor, Value, isUnknown, tupleOf, unknown } from '../values/values';
import { TextBuilder } from './textBuilding';
import { callAt, notValue, spreadIntoDict, spreadKeywords, spreadPositional } from './calls';
import { Target, compileTargets } from './targets';

/**
 * The evaluator of expressions: each node is compiled once into a closure over its compiled
 * children, names and literal values, so that evaluating it again allocates no syntax node and
 * switches on no node name. Roots are cached per parsed unit (FileUnit.expressions); statement
 * bodies hold their own (statements.ts). What a construct means (calls, attributes, subscripts,
 * operators, unpacking) lives in shared functions the closures call.
 *
 * Each node's closure ticks the budget once, checks the nesting, then does the node's work,
 * children in Python's order. `depth` is a node's nesting below the root it was compiled from (0):
 * at run time `ip.expressionDepth` counts the roots being evaluated, so a node's own depth is that
 * plus `depth`. Only calls, which may evaluate further roots, add it to the counter.
 */
export type Compiled = (ip: Interpreter, scope: Scope) => Value;

/** Evaluates one expression node of `unit` (compiled at its first evaluation). */
export function evalExpr(ip: Interpreter, node: SyntaxNode, scope: Scope, unit: FileUnit): Value {
  return unit.expressions.get(node, () => compileRoot(unit, node))(ip, scope);
}

/** The arguments of a call's ArgList (none when null), as the call would pass them. */
export function evalArgs(ip: Interpreter, argList: SyntaxNode | null, scope: Scope, unit: FileUnit): Args {
  if (!argList) return { positional: [], keywords: NO_KEYWORDS };
  return unit.argumentLists.get(argList, () => compileArgs(unit, argList, 1))(ip, scope);
}

/** A root keeps ip.expressionDepth for the nodes below it. */
export function compileRoot(unit: FileUnit, node: SyntaxNode): Compiled {
  const inner = compile(unit, node, 0);
  return (ip, scope) => {
    ip.expressionDepth++;
    try {
      return inner(ip, scope);
    } finally {
      ip.expressionDepth--;
    }
  };
}

/** Expressions nested thousands deep (which Python itself refuses) must not exhaust our stack. */
const MAX_NESTING = 1000;

/** Every node's prelude, for a node `depth` levels below its root. */
function enter(ip: Interpreter, depth: number): void {
  ip.budget.tick();
  if (ip.expressionDepth + depth > MAX_NESTING) throw new CannotEvaluate('expression nested too deeply');
}

/** Compiles a node; a tree the compiler does not expect fails when it is evaluated, not before. */
function compile(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  if (depth > MAX_NESTING) return (ip) => {
    enter(ip, depth);
    throw new CannotEvaluate('expression nested too deeply');
  };
  try {
    return compileNode(unit, node, depth);
  } catch (e) {
    return (ip) => {
      enter(ip, depth);
      throw e;
    };
  }
}

function constant(value: Value, depth: number): Compiled {
  return (ip) => {
    enter(ip, depth);
    return value;
  };
}

/** A value made afresh by each evaluation (an Unknown carries its own identity). */
function fresh(make: () => Value, depth: number): Compiled {
  return (ip) => {
    enter(ip, depth);
    return make();
  };
}

function compileNode(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  switch (node.name) {
    case 'Number': {
      const text = unit.text(node);
      if (isDecimalDigits(text)) return sharedLeaf(unit, depth, 'number', text, () => constant(parseNumber(text), depth));
      const value = parseNumber(text);
      return typeof value === 'bigint' || typeof value === 'number' ? constant(value, depth) : fresh(() => parseNumber(text), depth);
    }
    case 'String':
      return constant(parseString(unit.text(node)), depth);
    case 'ContinuedString':
      return compileContinuedString(unit, node, depth);
    case 'FormatString':
      return compileFormatString(unit, node, depth);
    case 'Boolean': {
      const text = unit.text(node);
      return sharedLeaf(unit, depth, 'constant', text, () => constant(text === 'True', depth));
    }
    case 'None':
      return sharedLeaf(unit, depth, 'constant', 'None', () => constant(null, depth));
    case 'Ellipsis':
    case '...':
      return constant(ELLIPSIS, depth);
    case 'VariableName': {
      const name = unit.text(node);
      return sharedLeaf(unit, depth, 'name', name, () => variable(name, depth));
    }
    case 'self':
      return sharedLeaf(unit, depth, 'name', 'self', () => variable('self', depth));
    case 'ParenthesizedExpression': {
      const inner = childNodes(node);
      if (inner.length !== 1) return fresh(() => unknown('parenthesized expression'), depth);
      const value = compile(unit, inner[0], depth + 1);
      return (ip, scope) => {
        enter(ip, depth);
        return value(ip, scope);
      };
    }
    case 'TupleExpression':
    case 'ArrayExpression':
    case 'SetExpression':
      return compileSequence(unit, node, depth);
    case 'DictionaryExpression':
      return compileDict(unit, node, depth);
    case 'ArrayComprehensionExpression':
    case 'SetComprehensionExpression':
    case 'ComprehensionExpression':
      return compileComprehension(unit, node.firstChild, false, depth, true);
    case 'DictionaryComprehensionExpression':
      return compileComprehension(unit, node.firstChild, true, depth, true);
    case 'MemberExpression':
      return compileMember(unit, node, depth);
    case 'CallExpression':
      return compileCall(unit, node, depth);
    case 'UnaryExpression':
      return compileUnary(unit, node, depth);
    case 'BinaryExpression':
      return compileBinary(unit, node, depth);
    case 'ConditionalExpression':
      return compileConditional(unit, node, depth);
    case 'LambdaExpression': {
      const make = functionMaker(unit, node, '<lambda>');
      return (ip, scope) => {
        enter(ip, depth);
        return make(ip, scope, []);
      };
    }
    case 'NamedExpression': {
      const [target, valueNode] = childNodes(node);
      const name = unit.text(target);
      const value = compile(unit, valueNode, depth + 1);
      return (ip, scope) => {
        enter(ip, depth);
        const v = value(ip, scope);
        scope.set(name, v);
        return v;
      };
    }
    case 'AwaitExpression':
    case 'YieldExpression': {
      const reason = `${node.name} is not modelled`;
      return fresh(() => unknown(reason), depth);
    }
  }
  const reason = `cannot evaluate ${node.name} statically`;
  return (ip) => {
    enter(ip, depth);
    throw new CannotEvaluate(reason);
  };
}

export function lookupName(name: string, scope: Scope): Value {
  const v = scope.lookup(name);
  if (v === undefined) throw new PyError('NameError', `name '${name}' is not defined`);
  return v;
}

/**
 * Names, None, booleans and short decimal ints at the same depth compile to one closure per unit:
 * such a closure holds nothing of its node, and the closures of a unit live as long as the
 * analysis does, so each one saved is one less object for the collector to move.
 */
type LeafKind = 'name' | 'constant' | 'number';
const leaves = new WeakMap<FileUnit, Array<Record<LeafKind, Map<string, Compiled>>>>();

/** Deeper leaves are rare; they are compiled each on their own. */
const SHARED_LEAF_DEPTH = 64;

function sharedLeaf(unit: FileUnit, depth: number, kind: LeafKind, text: string, make: () => Compiled): Compiled {
  if (depth >= SHARED_LEAF_DEPTH) return make();
  let byDepth = leaves.get(unit);
  if (!byDepth) leaves.set(unit, (byDepth = []));
  const maps = (byDepth[depth] ??= { name: new Map(), constant: new Map(), number: new Map() });
  let leaf = maps[kind].get(text);
  if (!leaf) maps[kind].set(text, (leaf = make()));
  return leaf;
}

/** Plain decimal digits, short enough to be a small int (no underscores, prefixes, dots or exponents). */
function isDecimalDigits(text: string): boolean {
  if (text.length === 0 || text.length > 9) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function variable(name: string, depth: number): Compiled {
  return (ip, scope) => {
    enter(ip, depth);
    return lookupName(name, scope);
  };
}

/** Children that carry values (no brackets, commas or keywords). */
export function childNodes(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (!SKIP.has(c.name)) out.push(c);
  return out;
}
const SKIP = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', 'if', 'else', 'lambda', 'await', 'Comment']);

/** The item nodes of a list/tuple/set display, each marked when written `*xs`. */
function sequenceItems(node: SyntaxNode): Array<{ node: SyntaxNode; starred: boolean }> {
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

function compileContinuedString(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const parts = childNodes(node).map((c) => compile(unit, c, depth + 1));
  return (ip, scope) => {
    enter(ip, depth);
    let out = '';
    for (const part of parts) {
      const v = part(ip, scope);
      out += typeof v === 'string' ? v : '';
    }
    return out;
  };
}

/** An f-string: literal text (escapes and `{{`/`}}` read at compile time) between replacement values. */
function compileFormatString(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const text = unit.text(node);
  const { start, end } = stringBounds(text);
  const literal = (from: number, to: number): string => unescape(unit.source.slice(from, to)).split('{{').join('{').split('}}').join('}');
  const pieces: Array<{ before: string; value: Compiled | null }> = [];
  let at = node.from + start;
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.name !== 'FormatReplacement') continue;
    const expr = childNodes(c).find((n) => n.name !== 'FormatConversion' && n.name !== 'FormatSpec');
    pieces.push({ before: literal(at, c.from), value: expr ? compile(unit, expr, depth + 1) : null });
    at = c.to;
  }
  const tail = literal(at, node.from + end);
  return (ip, scope) => {
    enter(ip, depth);
    const out = new TextBuilder(ip.budget);
    for (const piece of pieces) {
      out.add(piece.before);
      const v = piece.value ? piece.value(ip, scope) : null;
      if (isUnknown(v)) return unknown(v.reason);
      if (!out.add(v)) break;
    }
    out.add(tail);
    return out.result;
  };
}

/** A list, tuple or set display; `*xs` items are expanded. */
function compileSequence(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const parts = sequenceItems(node);
  const items = parts.map((p) => compile(unit, p.node, depth + 1));
  const starred = parts.map((p) => p.starred);
  const kind = node.name;
  return (ip, scope) => {
    enter(ip, depth);
    const out: Value[] = [];
    for (let i = 0; i < items.length; i++) {
      const v = items[i](ip, scope);
      if (starred[i]) spreadPositional(ip, out, v);
      else out.push(v);
    }
    return kind === 'TupleExpression' ? tupleOf(out) : kind === 'SetExpression' ? dedupe(out) : out;
  };
}

export function dedupe(items: Value[]): Value[] {
  const d = new PyDict();
  for (const v of items) d.set(v, v);
  return d.keys();
}

/** `{k: v, **other}`: entries in order, each a key and value or a dict spread into it. */
function compileDict(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const parts: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (!SKIP.has(c.name) || c.name === '**') parts.push(c);
  const entries: Array<{ spread: Compiled } | { key: Compiled; value: Compiled }> = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].name === '**') entries.push({ spread: compile(unit, parts[++i], depth + 1) });
    else entries.push({ key: compile(unit, parts[i], depth + 1), value: compile(unit, parts[++i], depth + 1) });
  }
  return (ip, scope) => {
    enter(ip, depth);
    const dict = new PyDict();
    for (const entry of entries) {
      if ('spread' in entry) spreadIntoDict(dict, entry.spread(ip, scope));
      else {
        const key = entry.key(ip, scope);
        dict.set(key, entry.value(ip, scope));
      }
    }
    return dict;
  };
}

type Clause = { kind: 'for'; targets: Target; iterable: Compiled } | { kind: 'if'; test: Compiled; text: string };

/**
 * A comprehension's children are flat: the element (or key ':' value), then clauses
 * `for targets in iterable` and `if condition`, in order. `from` is its first child. A generator
 * argument `f(x for x in xs)` starts inside the ArgList and is no node of its own (`ownNode` false):
 * it ticks no budget step for itself.
 */
function compileComprehension(unit: FileUnit, from: SyntaxNode | null, isDict: boolean, depth: number, ownNode: boolean): Compiled {
  const all: SyntaxNode[] = [];
  for (let c = from; c; c = c.nextSibling) if (!['(', ')', '[', ']', '{', '}', 'Comment'].includes(c.name)) all.push(c);
  const forIndex = all.findIndex((c) => c.name === 'for');
  const head = all.slice(0, forIndex).filter((c) => c.name !== ':' && c.name !== ',').map((c) => compile(unit, c, depth + 1));
  const rest = all.slice(forIndex);
  const clauses: Clause[] = [];
  for (let at = 0; at < rest.length; at++) {
    const name = rest[at].name;
    if (name === 'for' || name === 'async') {
      const targetNodes: SyntaxNode[] = [];
      let i = at + 1;
      while (rest[i].name !== 'in') {
        if (rest[i].name !== ',') targetNodes.push(rest[i]);
        i++;
      }
      clauses.push({ kind: 'for', targets: compileTargets(unit, targetNodes), iterable: compile(unit, rest[i + 1], depth + 1) });
      at = i + 1;
    } else if (name === 'if') {
      clauses.push({ kind: 'if', test: compile(unit, rest[at + 1], depth + 1), text: unit.text(rest[at + 1]) });
      at++;
    }
  }
  return (ip, outer) => {
    if (ownNode) enter(ip, depth);
    const scope = new Scope(outer, 'function');
    const list: Value[] = [];
    const dict = new PyDict();
    const run = (at: number): void => {
      if (at >= clauses.length) {
        ip.budget.tick();
        if (isDict) {
          const key = head[0](ip, scope);
          dict.set(key, head[1](ip, scope));
        } else list.push(head[0](ip, scope));
        return;
      }
      const clause = clauses[at];
      if (clause.kind === 'for') {
        for (const item of ip.iterate(clause.iterable(ip, scope))) {
          clause.targets(ip, item, scope);
          run(at + 1);
        }
        return;
      }
      const test = ip.truthy(clause.test(ip, scope));
      if (test === null) throw new CannotEvaluate(`condition ${clause.text} is unknown`);
      if (test) run(at + 1);
    };
    run(0);
    return isDict ? dict : list;
  };
}

function compileMember(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const objectNode = node.firstChild!;
  if (isTrailingDotFloat(node)) return constant(Number(unit.text(node)), depth);
  const object = compile(unit, objectNode, depth + 1);
  const property = lastChildNamed(node, 'PropertyName');
  if (property && objectNode.nextSibling?.name === '.') {
    const name = unit.text(property);
    return (ip, scope) => {
      enter(ip, depth);
      return ip.getAttr(object(ip, scope), name);
    };
  }
  const subscript = compileSubscript(unit, node, depth + 1);
  return (ip, scope) => {
    enter(ip, depth);
    const obj = object(ip, scope);
    const key = subscript(ip, scope);
    if (!(obj instanceof Tensor) || unit !== ip.main) return getItem(ip, obj, key);
    try {
      return getItem(ip, obj, key);
    } catch (e) {
      // PyTorch's IndexError on a tensor of the file's own code is an error of the file, where
      // no try statement is waiting for it.
      if (e instanceof PyError && ip.tryDepth === 0) ip.diagnose({ range: unit.range(node), severity: 'error', message: e.message, source: 'forward' });
      throw e;
    }
  };
}

/** The nodes between a subscript's brackets: items, ':' and ',' (comments left out). */
function subscriptParts(node: SyntaxNode): SyntaxNode[] {
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

/** What a subscript holds between its brackets: items, ':' and ',' in order. */
type SubscriptPart = Compiled | ':' | ',';

/** The value inside `x[...]`; its items are evaluated at `depth` (0, as roots, for an assignment target). */
export function compileSubscript(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const layout: SubscriptPart[] = subscriptParts(node).map((c) => (c.name === ':' || c.name === ',' ? c.name : depth === 0 ? compileRoot(unit, c) : compile(unit, c, depth)));
  if (layout.length === 1 && typeof layout[0] === 'function') return layout[0];
  return (ip, scope) => subscriptOf(layout, (part) => part(ip, scope));
}

/**
 * Assembles `x[...]`'s value from its parts in order: items separated by ',' become a tuple, and
 * ':' makes the item a slice whose missing bounds are None. `value` evaluates one item.
 */
function subscriptOf(layout: readonly SubscriptPart[], value: (item: Compiled) => Value): Value {
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
      parts[parts.length - 1] = value(part);
    }
  }
  if (!trailingComma) flush();
  return items.length === 1 && !trailingComma ? items[0] : tupleOf(items);
}

/** One argument of a call: positional, `*xs`, `**kw` or `name=value`. */
interface ArgLayout {
  kind: 'positional' | '*' | '**' | 'keyword';
  name: string;
  value: Compiled;
}

const NO_ARGUMENTS = (): Args => ({ positional: [], keywords: NO_KEYWORDS });

function compileCall(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const callee = compile(unit, node.firstChild!, depth + 1);
  const argList = lastChildNamed(node, 'ArgList');
  const args = argList ? compileArgs(unit, argList, depth + 1) : NO_ARGUMENTS;
  // The site is only read while the call runs (and by hooks at once), so one object serves every run.
  const site: CallSite = { unit, node };
  return (ip, scope) => {
    enter(ip, depth);
    const fn = callee(ip, scope);
    const values = args(ip, scope);
    ip.expressionDepth += depth;
    try {
      return callAt(ip, site, fn, values);
    } finally {
      ip.expressionDepth -= depth;
    }
  };
}

/** An argument list's values, evaluated in order at `depth`; a generator argument is one list. */
function compileArgs(unit: FileUnit, argList: SyntaxNode, depth: number): (ip: Interpreter, scope: Scope) => Args {
  const layout: ArgLayout[] = [];
  // Each step to a sibling makes a new node object, so each is taken once.
  for (let c = argList.firstChild, next = c?.nextSibling ?? null; c; c = next, next = c?.nextSibling ?? null) {
    if (c.name === '(' || c.name === ')' || c.name === ',' || c.name === 'Comment') continue;
    if (next?.name === 'for') {
      const generator = compileComprehension(unit, argList.firstChild, false, depth - 1, false);
      return (ip, scope) => ({ positional: [generator(ip, scope)], keywords: NO_KEYWORDS });
    }
    if (c.name === '*' || c.name === '**') {
      const operand = next!;
      layout.push({ kind: c.name, name: '', value: compile(unit, operand, depth) });
      next = operand.nextSibling;
      continue;
    }
    if (c.name === 'VariableName' && next?.name === 'AssignOp') {
      const value = next.nextSibling!;
      layout.push({ kind: 'keyword', name: unit.text(c), value: compile(unit, value, depth) });
      next = value.nextSibling;
      continue;
    }
    layout.push({ kind: 'positional', name: '', value: compile(unit, c, depth) });
  }
  const passesKeywords = layout.some((arg) => arg.kind === 'keyword' || arg.kind === '**');
  return (ip, scope) => {
    const positional: Value[] = [];
    const keywords = passesKeywords ? new Map<string, Value>() : NO_KEYWORDS;
    for (const arg of layout) {
      const v = arg.value(ip, scope);
      if (arg.kind === 'positional') positional.push(v);
      else if (arg.kind === 'keyword') keywords.set(arg.name, v);
      else if (arg.kind === '*') spreadPositional(ip, positional, v);
      else spreadKeywords(keywords, v);
    }
    return { positional, keywords };
  };
}

function compileUnary(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const op = unit.text(node.firstChild!);
  if (op === 'not' && isBoolOp(unit, node.lastChild!)) return compileNotFirst(unit, node.lastChild!, depth);
  const operand = compile(unit, node.lastChild!, depth + 1);
  return (ip, scope) => {
    enter(ip, depth);
    const v = operand(ip, scope);
    return op === 'not' ? notValue(ip, v) : unaryOp(op, v);
  };
}

function isBoolOp(unit: FileUnit, node: SyntaxNode): boolean {
  if (node.name !== 'BinaryExpression') return false;
  const op = unit.text(node.firstChild!.nextSibling!);
  return op === 'and' || op === 'or';
}

/**
 * @lezer/python parses `not a or b` as `not (a or b)`; Python binds `not` tighter than `and` and
 * `or`, so it means `(not a) or b`: the `not` belongs to the first operand of the chain.
 */
function compileNotFirst(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const firstNode = node.firstChild!;
  let first: Compiled;
  if (isBoolOp(unit, firstNode)) first = compileNotFirst(unit, firstNode, depth + 1);
  else {
    const operand = compile(unit, firstNode, depth + 1);
    first = (ip, scope) => notValue(ip, operand(ip, scope));
  }
  return compileBoolOp(unit.text(firstNode.nextSibling!) === 'and', first, compile(unit, node.lastChild!, depth + 1), depth);
}

function compileBoolOp(isAnd: boolean, left: Compiled, right: Compiled, depth: number): Compiled {
  return (ip, scope) => {
    enter(ip, depth);
    const a = left(ip, scope);
    const t = ip.truthy(a);
    if (t === null) return unknown(isUnknown(a) ? a.reason : 'truth value unknown');
    if (isAnd !== t) return a;
    return right(ip, scope);
  };
}

const COMPARISONS = ['in', 'not in', 'is', 'is not'];

function isAndOr(unit: FileUnit, node: SyntaxNode): boolean {
  if (node.name !== 'BinaryExpression') return false;
  const op = unit.text(node.firstChild!.nextSibling!);
  return op === 'and' || op === 'or';
}

/**
 * `a and b`, `a or b`, short-circuiting; `negate` applies a `not` the parser put over the whole
 * chain to its leftmost operand, where Python puts it (`not a and b or c` is `((not a) and b) or c`).
 */
function compileAndOr(unit: FileUnit, node: SyntaxNode, depth: number, negate: boolean): Compiled {
  const leftNode = node.firstChild!;
  const isAnd = unit.text(leftNode.nextSibling!) === 'and';
  let left: Compiled;
  if (negate && isAndOr(unit, leftNode)) left = compileAndOr(unit, leftNode, depth + 1, true);
  else if (negate) {
    const operand = compile(unit, leftNode, depth + 1);
    left = (ip, scope) => notValue(ip, operand(ip, scope));
  } else left = compile(unit, leftNode, depth + 1);
  const right = compile(unit, node.lastChild!, depth + 1);
  return (ip, scope) => {
    enter(ip, depth);
    const a = left(ip, scope);
    const t = ip.truthy(a);
    if (t === null) return unknown(isUnknown(a) ? a.reason : 'truth value unknown');
    if (isAnd !== t) return a;
    return right(ip, scope);
  };
}

function compileBinary(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const leftNode = node.firstChild!;
  const opNode = leftNode.nextSibling!;
  const rightNode = node.lastChild!;
  let op = unit.text(opNode);
  if (op === 'and' || op === 'or') return compileAndOr(unit, node, depth, false);
  const left = compile(unit, leftNode, depth + 1);
  const right = compile(unit, rightNode, depth + 1);
  if (op === 'and' || op === 'or') return compileBoolOp(op === 'and', left, right, depth);
  if (op === 'not' || op === 'is') {
    const second = opNode.nextSibling;
    if (second && (second.name === 'in' || second.name === 'not')) op = op === 'not' ? 'not in' : 'is not';
  }
  const operator = op;
  const isCompare = opNode.name === 'CompareOp';
  // A chain such as `a < b < c` is parsed as `(a < b) < c`; Python means `a < b and b < c`.
  if (isCompare && leftNode.name === 'BinaryExpression' && leftNode.firstChild!.nextSibling!.name === 'CompareOp') {
    const middle = compile(unit, leftNode.lastChild!, depth + 1);
    return (ip, scope) => {
      enter(ip, depth);
      const first = left(ip, scope);
      const t = ip.truthy(first);
      if (t === false || t === null) return first;
      const m = middle(ip, scope);
      return compare(operator, m, right(ip, scope), ip.budget);
    };
  }
  const comparison = isCompare || COMPARISONS.includes(operator);
  return (ip, scope) => {
    enter(ip, depth);
    const a = left(ip, scope);
    const b = right(ip, scope);
    return comparison ? compare(operator, a, b, ip.budget) : binaryOp(operator, a, b, ip.budget);
  };
}

function compileConditional(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const parts = childNodes(node);
  if (parts.length < 3) throw new CannotEvaluate('incomplete conditional expression');
  const [thenNode, condNode, otherwiseNode] = parts;
  const then = compile(unit, thenNode, depth + 1);
  const cond = compile(unit, condNode, depth + 1);
  const otherwise = compile(unit, otherwiseNode, depth + 1);
  const condText = unit.text(condNode);
  return (ip, scope) => {
    enter(ip, depth);
    const test = ip.truthy(cond(ip, scope));
    if (test === null) return unknown(`condition ${condText} is unknown`);
    return test ? then(ip, scope) : otherwise(ip, scope);
  };
}

/** Makes a def's or lambda's function value; its defaults are evaluated when it is made, as Python does. */
export type FunctionMaker = (ip: Interpreter, scope: Scope, decorators: string[]) => FunctionValue;

export function functionMaker(unit: FileUnit, node: SyntaxNode, name: string): FunctionMaker {
  const defaults: Array<{ name: string; value: Compiled }> = [];
  for (const p of readParams(node.getChild('ParamList'), (n) => unit.text(n))) {
    if (p.defaultNode) defaults.push({ name: p.name, value: compileRoot(unit, p.defaultNode) });
  }
  return (ip, scope, decorators) => {
    const values = new Map<string, Value>();
    for (const d of defaults) values.set(d.name, valueOrUnknown(ip, scope, d.value));
    const owner = scope.kind === 'class' ? `${(scope.vars.get('__qualname__') as string) ?? ''}.` : '';
    return new FunctionValue(name, owner + name, node, unit, scope.kind === 'class' ? scope.parent! : scope, values, decorators);
  };
}

function valueOrUnknown(ip: Interpreter, scope: Scope, value: Compiled): Value {
  try {
    return value(ip, scope);
  } catch (e) {
    if (e instanceof PyError || e instanceof CannotEvaluate) return unknown(e.message);
    throw e;
  }
}
