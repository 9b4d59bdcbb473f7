import { SyntaxNode } from '@lezer/common';
import { LOOP_LIMIT } from './budget';
import { CannotEvaluate, PyError } from '../values/errors';
import { Compiled, compileRoot, compileSubscript } from './compiledExpressions';
import { childNodes } from './expressions';
import type { Interpreter } from './interpreter';
import { binaryOp } from './operators';
import type { Scope } from '../values/scope';
import { Signal, assignTarget, conditionUnknown, execGuarded, execStatement, forParts, noteShape, statementFailed } from './statements';
import { setItem } from './subscripts';
import { FileUnit, lastChildNamed } from '../parse/unit';
import { ModuleObject, Value, isListValue, isUnknown, tupleOf, unknown } from '../values/values';

/**
 * Statement bodies compiled once per analysis (see compiledExpressions.ts). A body's statements
 * are compiled at their first run; each does what execStatement does for it, and a statement the
 * compiler does not handle runs through execStatement itself.
 */
type Statement = (ip: Interpreter, scope: Scope) => Signal;

/** Binds a value to an assignment target, as assignTarget does. */
type Target = (ip: Interpreter, value: Value, scope: Scope) => void;

export interface CompiledBody {
  readonly unit: FileUnit;
  readonly nodes: SyntaxNode[];
  readonly statements: Array<Statement | undefined>;
  /** How many times the body started running: most bodies run once, and are not worth compiling. */
  runs: number;
}

export function compiledBody(unit: FileUnit, body: SyntaxNode): CompiledBody {
  return unit.bodies.get(body, () => {
    const nodes: SyntaxNode[] = [];
    for (let c = body.firstChild; c; c = c.nextSibling) nodes.push(c);
    return { unit, nodes, statements: new Array<Statement | undefined>(nodes.length), runs: 0 };
  });
}

/**
 * Runs a body's statements as execBody does: one that fails is skipped as unresolved. The first
 * run walks the tree, except for loops, whose every part runs again at each iteration.
 */
export function runBody(ip: Interpreter, body: CompiledBody, scope: Scope): Signal {
  const { unit, nodes, statements } = body;
  const compiled = body.runs++ > 0;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    let signal: Signal;
    if (compiled || node.name === 'ForStatement' || node.name === 'WhileStatement') {
      const run = (statements[i] ??= compileStatement(unit, node));
      try {
        signal = run(ip, scope);
      } catch (e) {
        signal = statementFailed(ip, node, scope, unit, e);
      }
    } else {
      signal = execGuarded(ip, node, scope, unit);
    }
    if (signal) return signal;
  }
  return undefined;
}

function compileStatement(unit: FileUnit, node: SyntaxNode): Statement {
  try {
    const fast = compileNode(unit, node);
    if (fast) return fast;
  } catch {
    // An unexpected tree: execStatement reports it exactly as before.
  }
  return (ip, scope) => execStatement(ip, node, scope, unit);
}

/** What execStatement does for a statement it does not model (pass, a comment, a body's ':'). */
function tickOnly(ip: Interpreter): Signal {
  ip.budget.tick();
  return undefined;
}

function compileNode(unit: FileUnit, node: SyntaxNode): Statement | null {
  switch (node.name) {
    case ':':
    case 'Comment':
    case 'PassStatement':
      return tickOnly;
    case 'ExpressionStatement': {
      if (!node.firstChild) return null;
      const expr = compileRoot(unit, node.firstChild);
      return (ip, scope) => {
        ip.budget.tick();
        expr(ip, scope);
        return undefined;
      };
    }
    case 'AssignStatement':
      return compileAssign(unit, node);
    case 'UpdateStatement':
      return compileUpdate(unit, node);
    case 'ReturnStatement':
      return compileReturn(unit, node);
    case 'IfStatement':
      return compileIf(unit, node);
    case 'ForStatement':
      return compileFor(unit, node);
    case 'WhileStatement':
      return compileWhile(unit, node);
  }
  return null;
}

/** `a = b = value`, `a, *b = value`, `x: int = value`: targets before each '=', the value after the last. */
function compileAssign(unit: FileUnit, node: SyntaxNode): Statement {
  const groups: SyntaxNode[][] = [[]];
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.name === 'AssignOp') groups.push([]);
    else if (c.name !== 'TypeDef' && c.name !== 'Comment') groups[groups.length - 1].push(c);
  }
  if (groups.length === 1) return tickOnly;
  const valueNodes = groups.pop()!;
  const items = valueNodes.filter((n) => n.name !== ',').map((n) => compileRoot(unit, n));
  const single = items.length === 1 && valueNodes.length === 1;
  const targets = groups.map((g) => compileTarget(unit, g));
  return (ip, scope) => {
    ip.budget.tick();
    const value = single ? items[0](ip, scope) : tupleOf(items.map((item) => item(ip, scope)));
    for (const target of targets) target(ip, value, scope);
    return undefined;
  };
}

/** A flat list of target nodes (with commas and '*'), unpacked as assignTarget does. */
function compileTarget(unit: FileUnit, targets: SyntaxNode[]): Target {
  const parts = targets.filter((n) => n.name !== ',');
  const trailing = targets.length > 1 && targets[targets.length - 1].name === ',';
  if (parts.length === 1 && !trailing) return compileAssignOne(unit, parts[0]);
  const starAt = parts.findIndex((p) => p.name === '*');
  if (starAt >= 0 && starAt + 1 >= parts.length) return (ip, value, scope) => assignTarget(ip, targets, value, scope, unit);
  const assign = parts.map((p) => compileAssignOne(unit, p));
  return (ip, value, scope) => {
    if (isUnknown(value)) {
      for (let i = 0; i < parts.length; i++) if (parts[i].name !== '*') assign[i](ip, unknown(value.reason), scope);
      return;
    }
    const items = ip.iterate(value);
    if (starAt < 0) {
      if (items.length !== parts.length) {
        const expected = parts.length;
        throw new PyError('ValueError', items.length > expected ? `too many values to unpack (expected ${expected})` : `not enough values to unpack (expected ${expected}, got ${items.length})`);
      }
      for (let i = 0; i < parts.length; i++) assign[i](ip, items[i], scope);
      return;
    }
    const after = parts.length - starAt - 2;
    for (let i = 0; i < starAt; i++) assign[i](ip, items[i], scope);
    assign[starAt + 1](ip, items.slice(starAt, items.length - after), scope);
    for (let i = 0; i < after; i++) assign[starAt + 2 + i](ip, items[items.length - after + i], scope);
  };
}

function compileAssignOne(unit: FileUnit, target: SyntaxNode): Target {
  switch (target.name) {
    case 'VariableName': {
      const name = unit.text(target);
      return (ip, value, scope) => {
        scope.set(name, value);
        noteShape(ip, target, value, unit);
      };
    }
    case 'MemberExpression': {
      const objectNode = target.firstChild!;
      const object = compileRoot(unit, objectNode);
      const property = lastChildNamed(target, 'PropertyName');
      if (property && objectNode.nextSibling?.name === '.') {
        const name = unit.text(property);
        return (ip, value, scope) => {
          ip.setAttr(object(ip, scope), name, value);
          noteShape(ip, target, value, unit);
        };
      }
      const subscript = compileSubscript(unit, target, 0);
      return (ip, value, scope) => {
        const obj = object(ip, scope);
        setItem(obj, subscript(ip, scope), value);
      };
    }
    case 'TupleExpression':
    case 'ArrayExpression':
    case 'ParenthesizedExpression': {
      const inner: SyntaxNode[] = [];
      for (let c = target.firstChild; c; c = c.nextSibling) if (!['(', ')', '[', ']'].includes(c.name)) inner.push(c);
      return compileTarget(unit, inner);
    }
  }
  return (ip, value, scope) => assignTarget(ip, [target], value, scope, unit);
}

function compileUpdate(unit: FileUnit, node: SyntaxNode): Statement {
  const targetNode = node.firstChild!;
  const op = unit.text(targetNode.nextSibling!).slice(0, -1);
  const right = compileRoot(unit, node.lastChild!);
  const left = compileRoot(unit, targetNode);
  const assign = compileAssignOne(unit, targetNode);
  return (ip, scope) => {
    ip.budget.tick();
    const r = right(ip, scope);
    const l = left(ip, scope);
    if (op === '+' && isListValue(l)) {
      l.push(...ip.iterate(r));
      return undefined;
    }
    if (op === '+' && l instanceof ModuleObject && (l.typeName === 'ModuleList' || l.typeName === 'Sequential')) {
      for (const m of ip.iterate(r)) if (m instanceof ModuleObject) l.modules.set(String(l.modules.size), m);
      return undefined;
    }
    assign(ip, binaryOp(op, l, r), scope);
    return undefined;
  };
}

function compileReturn(unit: FileUnit, node: SyntaxNode): Statement {
  const values = childNodes(node).filter((c) => c.name !== 'return').map((c) => compileRoot(unit, c));
  const tuple = values.length !== 1 || node.lastChild?.name === ',';
  return (ip, scope) => {
    ip.budget.tick();
    if (values.length === 0) return { type: 'return', value: null };
    if (!tuple) return { type: 'return', value: values[0](ip, scope) };
    return { type: 'return', value: tupleOf(values.map((v) => v(ip, scope))) };
  };
}

/** A body run from a compiled statement, found (and compiled) at its first run. */
function lazyBody(unit: FileUnit, node: SyntaxNode): (ip: Interpreter, scope: Scope) => Signal {
  let body: CompiledBody | null = null;
  return (ip, scope) => runBody(ip, (body ??= compiledBody(unit, node)), scope);
}

interface Branch {
  keyword: SyntaxNode;
  condNode: SyntaxNode;
  condText: string;
  cond: Compiled;
  body: (ip: Interpreter, scope: Scope) => Signal;
}

function compileIf(unit: FileUnit, node: SyntaxNode): Statement | null {
  const branches: Branch[] = [];
  let otherwise: ((ip: Interpreter, scope: Scope) => Signal) | null = null;
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.name === 'if' || c.name === 'elif') {
      const condNode = c.nextSibling;
      const body = condNode?.nextSibling;
      if (!condNode || !body) return null;
      branches.push({ keyword: c, condNode, condText: unit.text(condNode), cond: compileRoot(unit, condNode), body: lazyBody(unit, body) });
      c = body;
    } else if (c.name === 'else') {
      if (!c.nextSibling) return null;
      otherwise = lazyBody(unit, c.nextSibling);
      break;
    }
  }
  return (ip, scope) => {
    ip.budget.tick();
    for (const b of branches) {
      const test = ip.truthy(b.cond(ip, scope));
      if (test === null) {
        conditionUnknown(ip, node, b.keyword, b.condNode, scope, unit);
        return undefined;
      }
      if (test) return b.body(ip, scope);
    }
    return otherwise ? otherwise(ip, scope) : undefined;
  };
}

function compileFor(unit: FileUnit, node: SyntaxNode): Statement {
  const { targets, iterable: iterableNode, body: bodyNode, elseBody: elseNode } = forParts(node);
  const assign = compileTarget(unit, targets);
  const iterable = compileRoot(unit, iterableNode);
  const body = lazyBody(unit, bodyNode);
  const otherwise = elseNode ? lazyBody(unit, elseNode) : null;
  return (ip, scope) => {
    ip.budget.tick();
    for (const item of ip.iterate(iterable(ip, scope))) {
      ip.budget.tick();
      assign(ip, item, scope);
      const signal = body(ip, scope);
      if (signal?.type === 'break') return undefined;
      if (signal?.type === 'return') return signal;
    }
    return otherwise ? otherwise(ip, scope) : undefined;
  };
}

function compileWhile(unit: FileUnit, node: SyntaxNode): Statement | null {
  const condNode = node.firstChild!.nextSibling!;
  const bodyNode = condNode.nextSibling;
  if (!bodyNode) return null;
  const cond = compileRoot(unit, condNode);
  const condText = unit.text(condNode);
  const body = lazyBody(unit, bodyNode);
  return (ip, scope) => {
    ip.budget.tick();
    for (let i = 0; ; i++) {
      if (i > LOOP_LIMIT) throw new CannotEvaluate('step budget exceeded');
      const test = ip.truthy(cond(ip, scope));
      if (test === null) throw new CannotEvaluate(`condition ${condText} is unknown`);
      if (!test) return undefined;
      const signal = body(ip, scope);
      if (signal?.type === 'break') return undefined;
      if (signal?.type === 'return') return signal;
    }
  };
}
