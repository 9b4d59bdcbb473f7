import { SyntaxNode } from '@lezer/common';
import { CannotEvaluate } from '../values/errors';
import type { CallSite, Interpreter } from './interpreter';
import { parseNumber, parseString } from './literals';
import { binaryOp, compare, unaryOp } from './operators';
import type { Scope } from '../values/scope';
import { getItem } from './subscripts';
import { FileUnit, lastChildNamed } from '../parse/unit';
import { Args, PyDict, Value, isUnknown, tupleOf, unknown } from '../values/values';
import { childNodes, dedupe, evalArgs, evalNode, isTrailingDotFloat, lookupName, sequenceItems, subscriptOf, subscriptParts } from './expressions';

/**
 * Expressions compiled once per analysis into closures over pre-resolved children, names and
 * literal values, so that evaluating one allocates no syntax node and switches on no node name.
 * Each closure does exactly what evalExpr does for its node: one budget tick, the nesting check,
 * then the node's work, children in the same order. Shapes the compiler does not handle (and any
 * tree it does not expect) fall back to the tree-walking evaluator in expressions.ts.
 *
 * `depth` is a node's nesting below the expression evaluated from a statement (its root, 0): at
 * run time `ip.expressionDepth` counts the roots being evaluated, so a node's own depth is that
 * plus `depth`. Only calls and fallbacks, which may evaluate further roots, add it to the counter.
 */
export type Compiled = (ip: Interpreter, scope: Scope) => Value;

/** A root keeps ip.expressionDepth for the nodes below it, as evalExpr does. */
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

/** evalExpr's limit on nesting (MAX_NESTING in expressions.ts). */
const MAX_NESTING = 1000;

/** evalExpr's prelude for a node `depth` levels below its root. */
function enter(ip: Interpreter, depth: number): void {
  ip.budget.tick();
  if (ip.expressionDepth + depth > MAX_NESTING) throw new CannotEvaluate('expression nested too deeply');
}

function compile(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  if (depth <= MAX_NESTING) {
    try {
      const fast = compileNode(unit, node, depth);
      if (fast) return fast;
    } catch {
      // An unexpected tree: the tree-walking evaluator reports it exactly as before.
    }
  }
  return fallback(unit, node, depth);
}

function fallback(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  return (ip, scope) => {
    enter(ip, depth);
    ip.expressionDepth += depth;
    try {
      return evalNode(ip, node, scope, unit);
    } finally {
      ip.expressionDepth -= depth;
    }
  };
}

function constant(value: Value, depth: number): Compiled {
  return (ip) => {
    enter(ip, depth);
    return value;
  };
}

function compileNode(unit: FileUnit, node: SyntaxNode, depth: number): Compiled | null {
  switch (node.name) {
    case 'Number': {
      const value = parseNumber(unit.text(node));
      // An Unknown (a complex literal) is made afresh by each evaluation.
      return typeof value === 'bigint' || typeof value === 'number' ? constant(value, depth) : null;
    }
    case 'String':
      return constant(parseString(unit.text(node)), depth);
    case 'Boolean':
      return constant(unit.text(node) === 'True', depth);
    case 'None':
      return constant(null, depth);
    case 'VariableName':
      return variable(unit.text(node), depth);
    case 'self':
      return variable('self', depth);
    case 'ParenthesizedExpression': {
      const inner = childNodes(node);
      if (inner.length !== 1) return null;
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
  }
  return null;
}

function variable(name: string, depth: number): Compiled {
  return (ip, scope) => {
    enter(ip, depth);
    return lookupName(name, scope);
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
      if (starred[i]) out.push(...ip.iterate(v));
      else out.push(v);
    }
    return kind === 'TupleExpression' ? tupleOf(out) : kind === 'SetExpression' ? dedupe(out) : out;
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
    return getItem(ip, obj, subscript(ip, scope));
  };
}

/** What subscriptValue reads inside `x[...]`: items, ':' and ',' in order. */
type SubscriptPart = Compiled | ':' | ',';

/** The value inside `x[...]`, as subscriptValue computes it; its items are evaluated at `depth` (0 for an assignment target). */
export function compileSubscript(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const layout: SubscriptPart[] = subscriptParts(node).map((c) => (c.name === ':' || c.name === ',' ? c.name : depth === 0 ? compileRoot(unit, c) : compile(unit, c, depth)));
  if (layout.length === 1 && typeof layout[0] === 'function') return layout[0];
  return (ip, scope) => subscriptFrom(ip, scope, layout);
}

function subscriptFrom(ip: Interpreter, scope: Scope, layout: SubscriptPart[]): Value {
  return subscriptOf(layout, (part) => (part as Compiled)(ip, scope));
}

/** One argument of a call: positional, `*xs`, `**kw` or `name=value`. */
interface ArgLayout {
  kind: 'positional' | '*' | '**' | 'keyword';
  name: string;
  value: Compiled;
}

const NO_ARGUMENTS: ArgLayout[] = [];

function compileCall(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const callee = compile(unit, node.firstChild!, depth + 1);
  const argList = lastChildNamed(node, 'ArgList');
  const layout = argList ? compileArgs(unit, argList, depth + 1) : NO_ARGUMENTS;
  const passesKeywords = layout?.some((arg) => arg.kind === 'keyword' || arg.kind === '**') ?? true;
  // The site is only read while the call runs (and by hooks at once), so one object serves every run.
  const site: CallSite = { unit, node };
  return (ip, scope) => {
    enter(ip, depth);
    const fn = callee(ip, scope);
    const args = layout === null ? evalArgsAt(ip, argList!, scope, unit, depth) : argumentsOf(ip, scope, layout, passesKeywords);
    ip.sites.push(site);
    ip.expressionDepth += depth;
    try {
      const result = ip.call(fn, args, node);
      ip.hooks.onCallResult?.(site, fn, result);
      return result;
    } finally {
      ip.expressionDepth -= depth;
      ip.sites.pop();
    }
  };
}

/** An argument list evaluateArgs would read, or null for one it must (a generator argument, an odd tree). */
function compileArgs(unit: FileUnit, argList: SyntaxNode, depth: number): ArgLayout[] | null {
  const out: ArgLayout[] = [];
  const make = (n: SyntaxNode): Compiled => compile(unit, n, depth);
  for (let c = argList.firstChild; c; c = c.nextSibling) if (c.name === 'for') return null;
  for (let c = argList.firstChild; c; c = c.nextSibling) {
    if (c.name === '(' || c.name === ')' || c.name === ',' || c.name === 'Comment') continue;
    if (c.name === '*' || c.name === '**') {
      const kind = c.name;
      c = c.nextSibling;
      if (!c) return null;
      out.push({ kind, name: '', value: make(c) });
      continue;
    }
    if (c.name === 'VariableName' && c.nextSibling?.name === 'AssignOp') {
      const name = unit.text(c);
      c = c.nextSibling.nextSibling;
      if (!c) return null;
      out.push({ kind: 'keyword', name, value: make(c) });
      continue;
    }
    out.push({ kind: 'positional', name: '', value: make(c) });
  }
  return out;
}

function evalArgsAt(ip: Interpreter, argList: SyntaxNode, scope: Scope, unit: FileUnit, depth: number): Args {
  ip.expressionDepth += depth;
  try {
    return evalArgs(ip, argList, scope, unit);
  } finally {
    ip.expressionDepth -= depth;
  }
}

/**
 * Calls without keyword arguments share one empty map: no callee adds to the keywords it is
 * given (bind copies them before consuming), and most calls pass none.
 */
const NO_KEYWORDS = new Map<string, Value>();

/** The Args evalArgs would build from the same list. */
function argumentsOf(ip: Interpreter, scope: Scope, layout: ArgLayout[], passesKeywords: boolean): Args {
  const positional: Value[] = [];
  const keywords = passesKeywords ? new Map<string, Value>() : NO_KEYWORDS;
  for (const arg of layout) {
    const v = arg.value(ip, scope);
    if (arg.kind === 'positional') positional.push(v);
    else if (arg.kind === 'keyword') keywords.set(arg.name, v);
    else if (arg.kind === '*') positional.push(...ip.iterate(v));
    else if (v instanceof PyDict) for (const [k, val] of v.entries.values()) keywords.set(String(k), val);
    else throw new CannotEvaluate(isUnknown(v) ? v.reason : '** of a non-dict');
  }
  return { positional, keywords };
}

function compileUnary(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const op = unit.text(node.firstChild!);
  const operand = compile(unit, node.lastChild!, depth + 1);
  return (ip, scope) => {
    enter(ip, depth);
    const v = operand(ip, scope);
    if (op === 'not') {
      const t = ip.truthy(v);
      return t === null ? unknown(isUnknown(v) ? v.reason : 'truth value unknown') : !t;
    }
    return unaryOp(op, v);
  };
}

const COMPARISONS = ['in', 'not in', 'is', 'is not'];

function compileBinary(unit: FileUnit, node: SyntaxNode, depth: number): Compiled {
  const leftNode = node.firstChild!;
  const opNode = leftNode.nextSibling!;
  const rightNode = node.lastChild!;
  let op = unit.text(opNode);
  const left = compile(unit, leftNode, depth + 1);
  const right = compile(unit, rightNode, depth + 1);
  if (op === 'and' || op === 'or') {
    const isAnd = op === 'and';
    return (ip, scope) => {
      enter(ip, depth);
      const a = left(ip, scope);
      const t = ip.truthy(a);
      if (t === null) return unknown(isUnknown(a) ? a.reason : 'truth value unknown');
      if (isAnd !== t) return a;
      return right(ip, scope);
    };
  }
  if (op === 'not' || op === 'is') {
    const second = opNode.nextSibling;
    // evalBinary's `second !== right` compares two fresh node objects, so it always holds.
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
      return compare(operator, m, right(ip, scope));
    };
  }
  const comparison = isCompare || COMPARISONS.includes(operator);
  return (ip, scope) => {
    enter(ip, depth);
    const a = left(ip, scope);
    const b = right(ip, scope);
    if (comparison) return compare(operator, a, b);
    // `@` is modelled as `*` (see matmul in expressions.ts).
    return binaryOp(operator === '@' ? '*' : operator, a, b);
  };
}

function compileConditional(unit: FileUnit, node: SyntaxNode, depth: number): Compiled | null {
  const parts = childNodes(node);
  if (parts.length < 3) return null;
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
