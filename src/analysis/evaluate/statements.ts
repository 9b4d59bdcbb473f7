import { SyntaxNode } from '@lezer/common';
import { BudgetExceeded, LOOP_LIMIT } from './budget';
import { CannotEvaluate, PyError } from '../values/errors';
import { childNodes, evalExpr, makeFunction } from './expressions';
import { applyDecorators } from './decorators';
import { execImport } from './imports';
import { compiledBody, runBody } from './compiledStatements';
import { noteSkippedIn } from '../model/skippedBuilds';
import { markChanged } from './unknownEffects';
import type { Interpreter } from './interpreter';
import { binaryOp } from './operators';
import { Scope } from '../values/scope';
import { delItem, getItem, setItem } from './subscripts';
import { FileUnit, lastChildNamed } from '../parse/unit';
import { ClassValue, FunctionValue, Instance, ModuleObject, PyDict, Tensor, Value, isListValue, isUnknown, tupleOf, unknown } from '../values/values';

export type Signal = { type: 'return'; value: Value } | { type: 'break' } | { type: 'continue' } | undefined;

/** Runs a Body (or Script) node's statements. A statement that cannot be evaluated is skipped as unresolved. */
export function execBody(ip: Interpreter, body: SyntaxNode, scope: Scope, unit: FileUnit): Signal {
  return runBody(ip, compiledBody(unit, body), scope);
}

export function execGuarded(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit): Signal {
  try {
    return execStatement(ip, stmt, scope, unit);
  } catch (e) {
    return statementFailed(ip, stmt, scope, unit, e);
  }
}

/** What a statement that threw `e` leaves: skipped as unresolved, or the error passed on. */
export function statementFailed(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit, e: unknown): Signal {
  if (e instanceof PyError && ip.tryDepth > 0) throw e;
  if (e instanceof PyError || e instanceof CannotEvaluate) {
    const why = e instanceof PyError ? `${e.pyType}: ${e.message}` : e.message;
    ip.unresolvedAt(unit, stmt, why);
    noteSkippedBuilder(ip, stmt, scope, unit, why);
    if (stmt.name === 'ForStatement' || stmt.name === 'WhileStatement') forgetEffects(stmt, stmt.from, scope, unit, why);
    // A failed `x = f(x)` must not leave the old x for the next statements (a stale shape is a wrong shape).
    if (stmt.name === 'AssignStatement') forgetTargets(stmt, scope, unit, why);
    // A failed `return f(x)` returns an unknown value, not the None of running off the end.
    if (stmt.name === 'ReturnStatement') return { type: 'return', value: unknown(why) };
    return undefined;
  }
  // A half-typed statement can leave the tree without the nodes a construct needs; any other
  // failure of ours (a construct we do not model, a stack overflow) costs this statement only.
  if (e instanceof Error) {
    const why = hasSyntaxError(stmt) ? 'incomplete code' : `not analyzed (${e.name}: ${e.message})`;
    ip.unresolvedAt(unit, stmt, why);
    noteSkippedBuilder(ip, stmt, scope, unit, why);
    return undefined;
  }
  // Unwinding from runaway recursion stops at the first statement in the shallower half of the
  // stack, so the code that started it carries on (with this statement unresolved).
  if (e instanceof BudgetExceeded && e.reason === 'recursion limit exceeded' && ip.budget.depth < ip.budget.maxDepth / 2) {
    ip.unresolvedAt(unit, stmt, e.reason);
    // The function that recursed forever has no value: its callers get an unknown, not None.
    return { type: 'return', value: unknown(e.reason) };
  }
  throw e;
}

export function execStatement(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit): Signal {
  ip.budget.tick();
  switch (stmt.name) {
    case 'ExpressionStatement':
      evalExpr(ip, stmt.firstChild!, scope, unit);
      return undefined;
    case 'AssignStatement':
      execAssign(ip, stmt, scope, unit);
      return undefined;
    case 'UpdateStatement':
      execUpdate(ip, stmt, scope, unit);
      return undefined;
    case 'IfStatement':
      return execIf(ip, stmt, scope, unit);
    case 'ForStatement':
      return execFor(ip, stmt, scope, unit);
    case 'WhileStatement':
      return execWhile(ip, stmt, scope, unit);
    case 'FunctionDefinition':
      defineFunction(ip, stmt, scope, unit, []);
      return undefined;
    case 'ClassDefinition':
      defineClass(ip, stmt, scope, unit, []);
      return undefined;
    case 'DecoratedStatement':
      return execDecorated(ip, stmt, scope, unit);
    case 'ReturnStatement': {
      const values = childNodes(stmt).filter((c) => c.name !== 'return');
      if (values.length === 0) return { type: 'return', value: null };
      const evaluated = values.map((v) => evalExpr(ip, v, scope, unit));
      return { type: 'return', value: values.length === 1 && !hasTrailingComma(stmt) ? evaluated[0] : tupleOf(evaluated) };
    }
    case 'BreakStatement':
      return { type: 'break' };
    case 'ContinueStatement':
      return { type: 'continue' };
    case 'ImportStatement':
      execImport(ip, stmt, scope, unit);
      return undefined;
    case 'ScopeStatement':
      if (stmt.firstChild?.name === 'global') for (const n of stmt.getChildren('VariableName')) scope.declareGlobal(unit.text(n));
      return undefined;
    case 'RaiseStatement':
      return execRaise(ip, stmt, scope, unit);
    case 'TryStatement':
      return execTry(ip, stmt, scope, unit);
    case 'WithStatement':
      return execWith(ip, stmt, scope, unit);
    case 'DeleteStatement':
      for (const target of childNodes(stmt).filter((c) => c.name !== 'del')) deleteTarget(ip, target, scope, unit);
      return undefined;
  }
  return undefined;
}

function hasTrailingComma(stmt: SyntaxNode): boolean {
  return stmt.lastChild?.name === ',';
}

/** `a = b = value`, `a, *b = value`, `x: int = value`: targets before each '=', the value after the last. */
function execAssign(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit): void {
  const groups: SyntaxNode[][] = [[]];
  for (let c = stmt.firstChild; c; c = c.nextSibling) {
    if (c.name === 'AssignOp') groups.push([]);
    else if (c.name !== 'TypeDef' && c.name !== 'Comment') groups[groups.length - 1].push(c);
  }
  if (groups.length === 1) return;
  const valueNodes = groups.pop()!;
  const items = valueNodes.filter((n) => n.name !== ',');
  const evaluated = items.map((n) => evalExpr(ip, n, scope, unit));
  const value = items.length === 1 && valueNodes.length === 1 ? evaluated[0] : tupleOf(evaluated);
  for (const targets of groups) assignTarget(ip, targets, value, scope, unit);
}

/** Binds a value to a flat list of target nodes (with commas and '*'), unpacking as Python does. */
export function assignTarget(ip: Interpreter, targets: SyntaxNode[], value: Value, scope: Scope, unit: FileUnit): void {
  const parts = targets.filter((n) => n.name !== ',');
  const trailing = targets.length > 1 && targets[targets.length - 1].name === ',';
  if (parts.length === 1 && !trailing) {
    assignOne(ip, parts[0], value, scope, unit);
    return;
  }
  unpack(ip, parts, value, scope, unit);
}

function unpack(ip: Interpreter, parts: SyntaxNode[], value: Value, scope: Scope, unit: FileUnit): void {
  if (isUnknown(value)) {
    for (const p of parts) if (p.name !== '*') assignOne(ip, p, unknown(value.reason), scope, unit);
    return;
  }
  const items = ip.iterate(value);
  const starAt = parts.findIndex((p) => p.name === '*');
  if (starAt < 0) {
    if (items.length !== parts.length) {
      throw new PyError('ValueError', items.length > parts.length ? `too many values to unpack (expected ${parts.length})` : `not enough values to unpack (expected ${parts.length}, got ${items.length})`);
    }
    parts.forEach((p, i) => assignOne(ip, p, items[i], scope, unit));
    return;
  }
  const before = parts.slice(0, starAt);
  const starred = parts[starAt + 1];
  const after = parts.slice(starAt + 2);
  before.forEach((p, i) => assignOne(ip, p, items[i], scope, unit));
  assignOne(ip, starred, items.slice(before.length, items.length - after.length), scope, unit);
  after.forEach((p, i) => assignOne(ip, p, items[items.length - after.length + i], scope, unit));
}

function assignOne(ip: Interpreter, target: SyntaxNode, value: Value, scope: Scope, unit: FileUnit): void {
  switch (target.name) {
    case 'VariableName':
      scope.set(unit.text(target), value);
      noteShape(ip, target, value, unit);
      return;
    case 'MemberExpression': {
      const obj = evalExpr(ip, target.firstChild!, scope, unit);
      const property = lastChildNamed(target, 'PropertyName');
      if (property && target.firstChild!.nextSibling?.name === '.') {
        ip.setAttr(obj, unit.text(property), value);
        noteShape(ip, target, value, unit);
      } else {
        setItem(obj, subscriptOf(ip, target, scope, unit), value);
      }
      return;
    }
    case 'TupleExpression':
    case 'ArrayExpression':
    case 'ParenthesizedExpression': {
      const inner: SyntaxNode[] = [];
      for (let c = target.firstChild; c; c = c.nextSibling) if (!['(', ')', '[', ']'].includes(c.name)) inner.push(c);
      assignTarget(ip, inner, value, scope, unit);
      return;
    }
  }
  throw new CannotEvaluate(`cannot assign to ${target.name}`);
}

function subscriptOf(ip: Interpreter, target: SyntaxNode, scope: Scope, unit: FileUnit): Value {
  return evalSubscript(ip, target, scope, unit);
}

import { subscriptValue as evalSubscript } from './expressions';

/** Records the shape of a tensor assigned in a forward() of the analyzed file, for inlay hints. */
export function noteShape(ip: Interpreter, target: SyntaxNode, value: Value, unit: FileUnit): void {
  if (!ip.notes || unit !== ip.main || !(value instanceof Tensor)) return;
  if (ip.currentFrame()?.fn.name !== 'forward' || ip.notes.has(target.from)) return;
  ip.notes.set(target.from, { range: unit.range(target), label: unit.text(target), shape: value.shape });
}

function execUpdate(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit): void {
  const target = stmt.firstChild!;
  const op = unit.text(target.nextSibling!).slice(0, -1);
  const right = evalExpr(ip, stmt.lastChild!, scope, unit);
  const left = evalExpr(ip, target, scope, unit);
  if (op === '+' && isListValue(left)) {
    left.push(...ip.iterate(right));
    return;
  }
  if (op === '+' && left instanceof ModuleObject && (left.typeName === 'ModuleList' || left.typeName === 'Sequential')) {
    for (const m of ip.iterate(right)) if (m instanceof ModuleObject) left.modules.set(String(left.modules.size), m);
    return;
  }
  assignOne(ip, target, binaryOp(op, left, right), scope, unit);
}

function execIf(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit): Signal {
  for (let c = stmt.firstChild; c; c = c.nextSibling) {
    if (c.name === 'if' || c.name === 'elif') {
      const cond = c.nextSibling!;
      const body = cond.nextSibling!;
      const test = ip.truthy(evalExpr(ip, cond, scope, unit));
      if (test === null) {
        conditionUnknown(ip, stmt, c, cond, scope, unit);
        return undefined;
      }
      if (test) return execBody(ip, body, scope, unit);
      c = body;
    } else if (c.name === 'else') {
      return execBody(ip, c.nextSibling!, scope, unit);
    }
  }
  return undefined;
}

/**
 * True when every branch from `keyword` on (its body and any elif/else bodies after it) only
 * raises or passes: skipping such a chain, as argument checks are, loses no module.
 */
export function onlyRaises(keyword: SyntaxNode): boolean {
  for (let c: SyntaxNode | null = keyword; c; c = c.nextSibling) {
    if (c.name !== 'Body') continue;
    for (let s = c.firstChild; s; s = s.nextSibling) {
      if (s.name !== 'RaiseStatement' && s.name !== 'PassStatement' && s.name !== ':' && s.name !== 'Comment') return false;
    }
  }
  return true;
}

/** A for statement's parts: `for targets in iterable: body [else: elseBody]`. */
export function forParts(stmt: SyntaxNode): { targets: SyntaxNode[]; iterable: SyntaxNode; body: SyntaxNode; elseBody: SyntaxNode | null } {
  const targets: SyntaxNode[] = [];
  let c = stmt.firstChild!.nextSibling!;
  for (; c.name !== 'in'; c = c.nextSibling!) if (c.name !== 'Comment') targets.push(c);
  const iterable = c.nextSibling!;
  const body = iterable.nextSibling!;
  const elseBody = body.nextSibling?.name === 'else' ? body.nextSibling.nextSibling : null;
  return { targets, iterable, body, elseBody };
}

function execFor(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit): Signal {
  const { targets, iterable, body, elseBody } = forParts(stmt);
  for (const item of ip.iterate(evalExpr(ip, iterable, scope, unit))) {
    ip.budget.tick();
    assignTarget(ip, targets, item, scope, unit);
    const signal = execBody(ip, body, scope, unit);
    if (signal?.type === 'break') return undefined;
    if (signal?.type === 'return') return signal;
  }
  return elseBody ? execBody(ip, elseBody, scope, unit) : undefined;
}

function execWhile(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit): Signal {
  const cond = stmt.firstChild!.nextSibling!;
  const body = cond.nextSibling!;
  for (let i = 0; ; i++) {
    if (i > LOOP_LIMIT) throw new CannotEvaluate('step budget exceeded');
    const test = ip.truthy(evalExpr(ip, cond, scope, unit));
    if (test === null) throw new CannotEvaluate(`condition ${unit.text(cond)} is unknown`);
    if (!test) return undefined;
    const signal = execBody(ip, body, scope, unit);
    if (signal?.type === 'break') return undefined;
    if (signal?.type === 'return') return signal;
  }
}

function defineFunction(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit, decorators: string[]): FunctionValue {
  const name = unit.text(stmt.getChild('VariableName')!);
  const fn = makeFunction(ip, stmt, name, scope, unit, decorators);
  scope.set(name, fn);
  return fn;
}

function defineClass(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit, decorators: string[]): void {
  const name = unit.text(stmt.getChild('VariableName')!);
  const bases: Value[] = [];
  const argList = stmt.getChild('ArgList');
  if (argList) {
    for (let c = argList.firstChild; c; c = c.nextSibling) {
      if (c.name === 'VariableName' && c.nextSibling?.name === 'AssignOp') {
        c = c.nextSibling.nextSibling!;
        continue;
      }
      if (['(', ')', ',', 'Comment'].includes(c.name)) continue;
      bases.push(evalExpr(ip, c, scope, unit));
    }
  }
  const cls = new ClassValue(name, bases, unit, stmt);
  const body = new Scope(scope, 'class');
  body.vars.set('__qualname__', name);
  scope.set(name, cls);
  const bodyNode = lastChildNamed(stmt, 'Body');
  if (bodyNode) execBody(ip, bodyNode, body, unit);
  body.vars.delete('__qualname__');
  for (const [k, v] of body.vars) {
    cls.attrs.set(k, v);
    if (v instanceof FunctionValue && v.ownerClass === null) v.ownerClass = cls;
  }
  if (bases.some((b) => b instanceof ClassValue && b.attrs.has('__enum__'))) makeEnumMembers(cls);
  const namedTuple = bases.some((b) => b instanceof ClassValue && b.attrs.has('__namedtuple__'));
  if (decorators.includes('dataclass') || namedTuple) {
    cls.attrs.set('__dataclass_fields__', annotatedFields(bodyNode, unit));
    if (namedTuple) cls.attrs.set('__namedtuple__', true);
  }
  cls.attrs.set('__name__', name);
}

function annotatedFields(body: SyntaxNode | null, unit: FileUnit): Value[] {
  const names: Value[] = [];
  for (let s = body?.firstChild; s; s = s.nextSibling) {
    if (s.name === 'AssignStatement' && s.firstChild?.name === 'VariableName' && s.firstChild.nextSibling?.name === 'TypeDef') {
      names.push(unit.text(s.firstChild));
    }
  }
  return names;
}

function execDecorated(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit): Signal {
  const decorators: string[] = [];
  const decoratorNodes: SyntaxNode[] = [];
  let target: SyntaxNode | null = null;
  for (let c = stmt.firstChild; c; c = c.nextSibling) {
    if (c.name === 'Decorator') {
      decorators.push(decoratorName(c, unit));
      decoratorNodes.push(c);
    } else target = c;
  }
  if (target?.name === 'FunctionDefinition') {
    const fn = defineFunction(ip, target, scope, unit, decorators);
    const decorated = applyDecorators(ip, decoratorNodes, fn, scope, unit);
    if (decorated !== fn) scope.set(fn.name, decorated);
  }
  else if (target?.name === 'ClassDefinition') defineClass(ip, target, scope, unit, decorators);
  return undefined;
}

/** `@dataclasses.dataclass(frozen=True)` is 'dataclass': the last dotted name before any call. */
function decoratorName(decorator: SyntaxNode, unit: FileUnit): string {
  const names = decorator.getChildren('VariableName').map((n) => unit.text(n));
  const props = decorator.getChildren('PropertyName').map((n) => unit.text(n));
  if (props.length > 0) return props[props.length - 1];
  const expr = decorator.getChild('MemberExpression') ?? decorator.getChild('CallExpression');
  if (expr) {
    const inner = expr.name === 'CallExpression' ? expr.firstChild! : expr;
    const last = inner.lastChild;
    return last ? unit.text(last) : '';
  }
  return names[names.length - 1] ?? '';
}

function execRaise(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit): Signal {
  const expr = childNodes(stmt).find((c) => c.name !== 'raise' && c.name !== 'from');
  const value = expr ? evalExpr(ip, expr, scope, unit) : null;
  if (value instanceof Instance && value.attrs.has('__exception__')) {
    throw new PyError(String(value.attrs.get('__exception__')), String(value.attrs.get('message') ?? ''));
  }
  throw new PyError('Exception', expr ? unit.text(expr) : 'raise');
}

function execTry(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit): Signal {
  const body = stmt.getChild('Body')!;
  let signal: Signal;
  let failed: PyError | null = null;
  ip.tryDepth++;
  try {
    signal = execBody(ip, body, scope, unit);
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    failed = e;
  } finally {
    ip.tryDepth--;
  }
  let finallyBody: SyntaxNode | null = null;
  let handled = failed === null;
  for (let c = body.nextSibling; c; c = c.nextSibling) {
    if (c.name === 'except' && failed && !handled) {
      let n = c.nextSibling!;
      let alias: SyntaxNode | null = null;
      const types: string[] = [];
      while (n.name !== 'Body') {
        if (n.name === 'as') alias = n.nextSibling;
        else if (n !== alias) types.push(unit.text(n));
        n = n.nextSibling!;
      }
      if (types.length === 0 || types.some((t) => t.includes(failed!.pyType) || t.includes('Exception') || t.includes('BaseException'))) {
        handled = true;
        if (alias) scope.set(unit.text(alias), failed.message);
        signal = execBody(ip, n, scope, unit);
      }
      c = n;
    } else if (c.name === 'else' && !failed) {
      signal = execBody(ip, c.nextSibling!, scope, unit);
      c = c.nextSibling!;
    } else if (c.name === 'finally') {
      finallyBody = c.nextSibling;
      break;
    }
  }
  if (finallyBody) execBody(ip, finallyBody, scope, unit);
  if (!handled && failed) throw failed;
  return signal;
}

function execWith(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit): Signal {
  let body: SyntaxNode | null = null;
  for (let c = stmt.firstChild; c; c = c.nextSibling) {
    if (c.name === 'Body') body = c;
    else if (c.name === 'as') assignOne(ip, c.nextSibling!, unknown('context manager value'), scope, unit);
    else if (!['with', ',', 'as', 'async'].includes(c.name) && c.prevSibling?.name !== 'as') evalExpr(ip, c, scope, unit);
  }
  return body ? execBody(ip, body, scope, unit) : undefined;
}

function deleteTarget(ip: Interpreter, target: SyntaxNode, scope: Scope, unit: FileUnit): void {
  if (target.name === 'VariableName') {
    scope.vars.delete(unit.text(target));
    return;
  }
  if (target.name === 'MemberExpression') {
    const obj = evalExpr(ip, target.firstChild!, scope, unit);
    const property = lastChildNamed(target, 'PropertyName');
    if (property && target.firstChild!.nextSibling?.name === '.') {
      const name = unit.text(property);
      if (obj instanceof ModuleObject) {
        obj.modules.delete(name);
        obj.attrs.delete(name);
      } else if (obj instanceof Instance) obj.attrs.delete(name);
      return;
    }
    delItem(obj, evalSubscript(ip, target, scope, unit));
    return;
  }
  if (target.name === 'PyDict') return;
}

export { PyDict, getItem };

function hasSyntaxError(node: SyntaxNode): boolean {
  const cursor = node.cursor();
  const end = node.to;
  do {
    if (cursor.type.isError) return true;
  } while (cursor.next() && cursor.from <= end);
  return false;
}

/** Names a loop given up part-way would have assigned are unknown afterwards, never stale. */
function forgetTargets(stmt: SyntaxNode, scope: Scope, unit: FileUnit, why: string): void {
  for (let c = stmt.firstChild; c && c.name !== 'AssignOp'; c = c.nextSibling) {
    if (c.name === 'VariableName') scope.set(unit.text(c), unknown(why));
  }
}

/**
 * What code skipped part-way (a loop given up, branches of an unknown condition) would have
 * changed is unknown afterwards, never stale: the names it assigns, the attributes it sets on
 * `x.attr`, and the lists, dicts and objects it stores into or calls a mutating method of.
 * Only the code from offset `from` on counts (the branches after the one whose condition was known false).
 */
export function forgetEffects(root: SyntaxNode, from: number, scope: Scope, unit: FileUnit, why: string): void {
  const cursor = root.cursor();
  const end = root.to;
  while (cursor.next() && cursor.from < end) {
    if (cursor.from < from) continue;
    const name = cursor.name;
    if (name === 'AssignStatement' || name === 'UpdateStatement' || name === 'ForStatement' || name === 'DeleteStatement') {
      for (let c = cursor.node.firstChild; c && c.name !== 'AssignOp' && c.name !== 'UpdateOp' && c.name !== 'in'; c = c.nextSibling) {
        if (c.name === 'VariableName') scope.set(unit.text(c), unknown(why));
        else if (c.name === 'MemberExpression') forgetMember(c, scope, unit, why);
      }
    } else if (name === 'CallExpression') {
      const callee = cursor.node.firstChild;
      const method = callee?.name === 'MemberExpression' ? callee.lastChild : null;
      const receiver = callee?.firstChild;
      if (method?.name === 'PropertyName' && receiver?.name === 'VariableName') {
        const value = scope.lookup(unit.text(receiver));
        if (value !== undefined && (value instanceof Instance || MUTATORS.has(unit.text(method)))) markChanged(value, why);
      }
    }
  }
}

/** Methods by which code changes a list, a dict or a set. */
const MUTATORS = new Set(['append', 'extend', 'insert', 'update', 'pop', 'popitem', 'setdefault', 'remove', 'clear', 'sort', 'reverse', 'add', 'discard']);

/** `x.attr` or `x[key]` as a target of skipped code: the attribute becomes unknown, the container changed. */
function forgetMember(target: SyntaxNode, scope: Scope, unit: FileUnit, why: string): void {
  const base = target.firstChild;
  if (base?.name !== 'VariableName') return;
  const value = scope.lookup(unit.text(base));
  const property = lastChildNamed(target, 'PropertyName');
  if (!property || base.nextSibling?.name !== '.') {
    if (value !== undefined) markChanged(value, why);
    return;
  }
  const name = unit.text(property);
  if (value instanceof Instance) value.attrs.set(name, unknown(why));
  // A module's children are counted apart (noteSkippedBuilder); its plain attributes are forgotten.
  else if (value instanceof ModuleObject && value.child(name) === undefined && value.attr(name) !== undefined) value.attrs.set(name, unknown(why));
}

/** Handles a condition the analysis cannot decide: the chain from `keyword` on is skipped, and what it would have changed is unknown. */
export function conditionUnknown(ip: Interpreter, stmt: SyntaxNode, keyword: SyntaxNode, cond: SyntaxNode, scope: Scope, unit: FileUnit): void {
  const text = unit.text(cond);
  ip.unresolvedAt(unit, cond, `condition ${text} is unknown; branch skipped`);
  if (onlyRaises(keyword)) return;
  noteSkippedBuilder(ip, stmt, scope, unit, `condition ${text} is unknown`);
  forgetEffects(stmt, keyword.from, scope, unit, `condition ${text} is unknown, and a branch that could change this was skipped`);
}

/** An Enum's plain class attributes become members: instances with `name` and `value`, compared by identity. */
function makeEnumMembers(cls: ClassValue): void {
  for (const [name, value] of [...cls.attrs]) {
    if (name.startsWith('_') || value instanceof FunctionValue) continue;
    const member = new Instance(cls);
    member.attrs.set('name', name);
    member.attrs.set('value', value);
    cls.attrs.set(name, member);
  }
}

/** Methods through which a statement can add a module to a container. */
const CONTAINER_METHODS = new Set(['append', 'extend', 'add_module', 'insert', 'update', 'register_module']);

const COMPOUND_STATEMENTS = new Set(['ForStatement', 'WhileStatement', 'IfStatement', 'WithStatement', 'TryStatement']);

/**
 * Counts a skipped statement that could have built modules, so a model built past it is marked
 * incomplete instead of reporting totals that are too small. Inside a function, a skipped loop or
 * branch could have built any number of modules, and so could a statement that touches `self` or
 * a container method; a plain local assignment or a call like `warnings.warn(...)` cannot (what
 * it leaves unknown makes the statements that do build fail, and those are counted). Only
 * statements of a module's own methods (where `self` is the module) count, while a module is
 * being built: helpers such as weight-enum checks or usage logging build no module.
 */
export function noteSkippedBuilder(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit, why: string): void {
  if (ip.moduleInitDepth === 0 || !(scope.vars.get('self') instanceof ModuleObject)) return;
  if (stmt.name === 'IfStatement' && onlyRaises(stmt.firstChild!)) return;
  if (!COMPOUND_STATEMENTS.has(stmt.name) && !touchesModules(stmt, unit)) return;
  ip.skippedBuilders++;
  ip.firstSkippedBuilder ??= `${firstLineOf(unit.text(stmt)).slice(0, 80)}: ${why}`;
  noteSkippedIn(scope.vars.get('self') as ModuleObject, `${firstLineOf(unit.text(stmt)).slice(0, 80)}: ${why}`);
}

/**
 * Whether a statement may register a module: an assignment whose target is on `self`, or any
 * other statement that mentions `self` or calls a container method. An assignment that only
 * reads `self` (a buffer computed from self.window_size) registers nothing.
 */
function touchesModules(stmt: SyntaxNode, unit: FileUnit): boolean {
  if (stmt.name === 'AssignStatement' || stmt.name === 'UpdateStatement') {
    for (let c = stmt.firstChild; c && c.name !== 'AssignOp' && c.name !== 'UpdateOp'; c = c.nextSibling) {
      if (mentionsModules(c, unit)) return true;
    }
    return false;
  }
  // A buffer is neither a module nor a parameter: registering one changes no total.
  if (stmt.name === 'ExpressionStatement' && unit.text(stmt).startsWith('self.register_buffer(')) return false;
  return mentionsModules(stmt, unit);
}

function mentionsModules(stmt: SyntaxNode, unit: FileUnit): boolean {
  const cursor = stmt.cursor();
  do {
    if (cursor.name === 'VariableName' && unit.text(cursor.node) === 'self') return true;
    if (cursor.name === 'PropertyName' && CONTAINER_METHODS.has(unit.text(cursor.node))) return true;
  } while (cursor.next() && cursor.from < stmt.to);
  return false;
}

function firstLineOf(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}
