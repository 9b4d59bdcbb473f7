import { SyntaxNode } from '@lezer/common';
import { BudgetExceeded, LOOP_LIMIT } from './budget';
import { CannotEvaluate, PyError } from '../values/errors';
import { Compiled, FunctionMaker, childNodes, compileRoot, compileSubscript, functionMaker } from './expressions';
import { applyDecorators } from './decorators';
import { execImport } from './imports';
import { noteSkippedIn } from '../model/skippedBuilds';
import { markChanged } from '../values/unknownContents';
import { forgetEffects } from './unknownEffects';
import type { Interpreter } from './interpreter';
import { Scope } from '../values/scope';
import { delItem } from './subscripts';
import { deleteAttribute } from './attributes';
import { FileUnit, lastChildNamed } from '../parse/unit';
import { Builtin, ClassValue, FunctionValue, Instance, ModuleObject, PyDict, Value, isUnknown, tupleOf, unknown } from '../values/values';
import { augmentedValue } from './calls';
import { pyEquals } from './operators';
import { Target, compileTargets } from './targets';

/**
 * The evaluator of statements: each statement is compiled once, at its first run, into a closure
 * over its compiled expressions and bodies (expressions.ts); a body keeps its statements' closures
 * (FileUnit.bodies). Each statement ticks the budget once, then does its work.
 */
export type Signal = { type: 'return'; value: Value } | { type: 'break' } | { type: 'continue' } | undefined;

type Statement = (ip: Interpreter, scope: Scope) => Signal;

export interface CompiledBody {
  readonly unit: FileUnit;
  readonly nodes: SyntaxNode[];
  readonly statements: Array<Statement | undefined>;
}

function compiledBody(unit: FileUnit, body: SyntaxNode): CompiledBody {
  return unit.bodies.get(body, () => {
    const nodes: SyntaxNode[] = [];
    for (let c = body.firstChild; c; c = c.nextSibling) nodes.push(c);
    return { unit, nodes, statements: new Array<Statement | undefined>(nodes.length) };
  });
}

/** Runs a Body (or Script) node's statements. A statement that cannot be evaluated is skipped as unresolved. */
export function execBody(ip: Interpreter, body: SyntaxNode, scope: Scope, unit: FileUnit): Signal {
  return runBody(ip, compiledBody(unit, body), scope);
}

function runBody(ip: Interpreter, body: CompiledBody, scope: Scope): Signal {
  const { unit, nodes, statements } = body;
  for (let i = 0; i < nodes.length; i++) {
    const run = (statements[i] ??= compileStatement(unit, nodes[i]));
    let signal: Signal;
    try {
      signal = run(ip, scope);
    } catch (e) {
      signal = statementFailed(ip, nodes[i], scope, unit, e);
    }
    if (signal) return signal;
  }
  return undefined;
}

/** Runs one statement of `unit` on its own (the analyzed file's top level, statement by statement). */
export function execGuarded(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit): Signal {
  try {
    return unit.statements.get(stmt, () => compileStatement(unit, stmt))(ip, scope);
  } catch (e) {
    return statementFailed(ip, stmt, scope, unit, e);
  }
}

/** What a statement that threw `e` leaves: skipped as unresolved, or the error passed on. */
/** Steps a statement failing again costs besides its size (see statementFailed). */
const FAILURE_STEPS = 200;

/** Whether the statement failed before in this analysis; notes that it has now. */
function failedBefore(ip: Interpreter, unit: FileUnit, stmt: SyntaxNode): boolean {
  let offsets = ip.failedAt.get(unit);
  if (!offsets) ip.failedAt.set(unit, (offsets = new Set()));
  if (offsets.has(stmt.from)) return true;
  offsets.add(stmt.from);
  return false;
}

function statementFailed(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit, e: unknown): Signal {
  if (e instanceof PyError && ip.tryDepth > 0) throw e;
  if (e instanceof PyError || e instanceof CannotEvaluate) {
    // Recovering costs tens of microseconds (the unwinding, the entry, a walk of the statement's
    // tree for what it would have changed). A statement failing again (in a loop, or a helper
    // called per layer) is charged FAILURE_STEPS, or a loop whose body fails 100,000 times runs
    // for seconds within the budget; a first failure costs its size only. More than 200 would
    // spend the budget of importing timm, whose helpers fail some statement on each of
    // thousands of calls (timm.create_model found no model at 1,000).
    ip.budget.charge((failedBefore(ip, unit, stmt) ? FAILURE_STEPS * 16 : 0) + (stmt.to - stmt.from), 16);
    const why = e instanceof PyError ? `${e.pyType}: ${e.message}` : e.message;
    ip.unresolvedAt(unit, stmt, why);
    noteSkippedBuilder(ip, stmt, scope, unit, why);
    if (stmt.name === 'ForStatement' || stmt.name === 'WhileStatement') forgetEffects(stmt, stmt.from, scope, unit, why);
    // A failed `x = f(x)` must not leave the old x for the next statements (a stale shape is a wrong
    // shape), nor a failed `xs.extend(...)` the list as it was: Python ran the statement.
    if (!COMPOUND_STATEMENTS.has(stmt.name)) forgetEffects(stmt, stmt.from, scope, unit, why);
    if (stmt.name === 'AssignStatement') forgetTargets(stmt, scope, unit, why);
    // A failed `x += f(x)` may have extended the list x in place before it failed, or not.
    if (stmt.name === 'UpdateStatement') forgetUpdated(stmt, scope, unit, why);
    // A failed `return f(x)` returns an unknown value, not the None of running off the end; so
    // does a failed try, if or loop that holds a return (timm's create_aa returns inside a try).
    if (stmt.name === 'ReturnStatement' || (COMPOUND_STATEMENTS.has(stmt.name) && holdsReturn(stmt))) return { type: 'return', value: unknown(why) };
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

/** Whether a compound statement holds a `return` of its own (not one of a nested def or class). */
function holdsReturn(stmt: SyntaxNode): boolean {
  const cursor = stmt.cursor();
  const end = stmt.to;
  while (cursor.next() && cursor.from < end) {
    if (cursor.name === 'ReturnStatement') return true;
    if (cursor.name !== 'FunctionDefinition' && cursor.name !== 'ClassDefinition' && cursor.name !== 'LambdaExpression') continue;
    // Skip the nested definition's own body: on to its next sibling, or an ancestor's.
    while (!cursor.nextSibling()) if (!cursor.parent() || cursor.to >= end) return false;
    if (cursor.from >= end) return false;
    if ((cursor.name as string) === 'ReturnStatement') return true;
  }
  return false;
}

/** Compiles a statement; a tree the compiler does not expect fails when the statement runs. */
function compileStatement(unit: FileUnit, node: SyntaxNode): Statement {
  try {
    return compileNode(unit, node);
  } catch (e) {
    return (ip) => {
      ip.budget.tick();
      throw e;
    };
  }
}

/** A statement with nothing to do (pass, a comment, a body's ':', a construct not modelled). */
function tickOnly(ip: Interpreter): Signal {
  ip.budget.tick();
  return undefined;
}

const BREAK: Signal = { type: 'break' };
const CONTINUE: Signal = { type: 'continue' };

function compileNode(unit: FileUnit, node: SyntaxNode): Statement {
  switch (node.name) {
    case 'ExpressionStatement': {
      if (!node.firstChild) return tickOnly;
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
    case 'FunctionDefinition': {
      const define = functionDefinition(unit, node);
      return (ip, scope) => {
        ip.budget.tick();
        define(ip, scope, []);
        return undefined;
      };
    }
    case 'ClassDefinition': {
      const define = classDefinition(unit, node);
      return (ip, scope) => {
        ip.budget.tick();
        define(ip, scope, []);
        return undefined;
      };
    }
    case 'DecoratedStatement':
      return compileDecorated(unit, node);
    case 'BreakStatement':
      return (ip) => {
        ip.budget.tick();
        return BREAK;
      };
    case 'ContinueStatement':
      return (ip) => {
        ip.budget.tick();
        return CONTINUE;
      };
    case 'ImportStatement':
      return (ip, scope) => {
        ip.budget.tick();
        execImport(ip, node, scope, unit);
        return undefined;
      };
    case 'ScopeStatement': {
      const globals = node.firstChild?.name === 'global' ? node.getChildren('VariableName').map((n) => unit.text(n)) : [];
      return (ip, scope) => {
        ip.budget.tick();
        for (const name of globals) scope.declareGlobal(name);
        return undefined;
      };
    }
    case 'RaiseStatement':
      return compileRaise(unit, node);
    case 'TryStatement':
      return compileTry(unit, node);
    case 'WithStatement':
      return compileWith(unit, node);
    case 'DeleteStatement':
      return compileDelete(unit, node);
  }
  return tickOnly;
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
  const targets = groups.map((g) => compileTargets(unit, g));
  return (ip, scope) => {
    ip.budget.tick();
    const value = single ? items[0](ip, scope) : tupleOf(items.map((item) => item(ip, scope)));
    for (const target of targets) target(ip, value, scope);
    return undefined;
  };
}

/** `target op= value`: the value first, then the target's current value, as the analysis always read them. */
function compileUpdate(unit: FileUnit, node: SyntaxNode): Statement {
  const targetNode = node.firstChild!;
  const op = unit.text(targetNode.nextSibling!).slice(0, -1);
  const right = compileRoot(unit, node.lastChild!);
  const left = compileRoot(unit, targetNode);
  const assign = compileTargets(unit, [targetNode]);
  return (ip, scope) => {
    ip.budget.tick();
    const r = right(ip, scope);
    const value = augmentedValue(ip, op, left(ip, scope), r);
    if (value !== undefined) assign(ip, value, scope);
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

type BodyRunner = (ip: Interpreter, scope: Scope) => Signal;

/** A body run from a compiled statement, found (and compiled) at its first run; a missing body (half-typed code) fails then. */
function lazyBody(unit: FileUnit, node: SyntaxNode | null | undefined): BodyRunner {
  if (!node) return () => {
    throw new Error('incomplete code: a statement without its body');
  };
  let body: CompiledBody | null = null;
  return (ip, scope) => runBody(ip, (body ??= compiledBody(unit, node)), scope);
}

interface Branch {
  keyword: SyntaxNode;
  condNode: SyntaxNode;
  condText: string;
  cond: Compiled;
  body: BodyRunner;
}

function compileIf(unit: FileUnit, node: SyntaxNode): Statement {
  const branches: Branch[] = [];
  let otherwise: BodyRunner | null = null;
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.name === 'if' || c.name === 'elif') {
      const condNode = c.nextSibling;
      if (!condNode) throw new Error('incomplete code: a condition is missing');
      const body = condNode.nextSibling;
      branches.push({ keyword: c, condNode, condText: unit.text(condNode), cond: compileRoot(unit, condNode), body: lazyBody(unit, body) });
      if (!body) break;
      c = body;
    } else if (c.name === 'else') {
      otherwise = lazyBody(unit, c.nextSibling);
      break;
    }
  }
  return (ip, scope) => {
    ip.budget.tick();
    for (const b of branches) {
      const value = b.cond(ip, scope);
      const test = ip.truthy(value);
      if (test === null) {
        const why = isUnknown(value) ? `${b.condText} (${value.reason})` : b.condText;
        conditionUnknown(ip, node, b.keyword, why, scope, unit);
        // A skipped branch that returns makes the fall-through uncertain: what the function returns is unknown.
        return returnsIn(b.keyword) ? { type: 'return', value: unknown(`condition ${why} is unknown, and a branch that returns was skipped`) } : undefined;
      }
      if (test) return b.body(ip, scope);
    }
    return otherwise ? otherwise(ip, scope) : undefined;
  };
}

/**
 * A condition the analysis cannot decide: the chain from `keyword` on is skipped, reported, and
 * what its branches would have changed is unknown afterwards (see forgetEffects).
 */
function conditionUnknown(ip: Interpreter, stmt: SyntaxNode, keyword: SyntaxNode, condText: string, scope: Scope, unit: FileUnit): void {
  ip.unresolvedAt(unit, keyword.nextSibling ?? keyword, `condition ${condText} is unknown; branch skipped`);
  if (onlyRaises(keyword)) return;
  noteSkippedBuilder(ip, stmt, scope, unit, `condition ${condText} is unknown`);
  forgetEffects(stmt, keyword.from, scope, unit, `condition ${condText} is unknown, and a branch that could change this was skipped`);
}

/**
 * True when every branch from `keyword` on (its body and any elif/else bodies after it) only
 * raises or passes: skipping such a chain, as argument checks are, loses no module.
 */
function onlyRaises(keyword: SyntaxNode): boolean {
  for (let c: SyntaxNode | null = keyword; c; c = c.nextSibling) {
    if (c.name !== 'Body') continue;
    for (let s = c.firstChild; s; s = s.nextSibling) {
      if (s.name !== 'RaiseStatement' && s.name !== 'PassStatement' && s.name !== ':' && s.name !== 'Comment') return false;
    }
  }
  return true;
}

/** True when a branch from `keyword` on holds a return statement of the function that runs it. */
function returnsIn(keyword: SyntaxNode): boolean {
  for (let c: SyntaxNode | null = keyword; c; c = c.nextSibling) {
    if (c.name === 'Body' && holdsReturn(c)) return true;
  }
  return false;
}

/** A for statement's parts: `for targets in iterable: body [else: elseBody]`. */
function forParts(stmt: SyntaxNode): { targets: SyntaxNode[]; iterable: SyntaxNode; body: SyntaxNode; elseBody: SyntaxNode | null } {
  const targets: SyntaxNode[] = [];
  let c = stmt.firstChild!.nextSibling!;
  for (; c.name !== 'in'; c = c.nextSibling!) if (c.name !== 'Comment') targets.push(c);
  const iterable = c.nextSibling!;
  const body = iterable.nextSibling!;
  const elseBody = body.nextSibling?.name === 'else' ? body.nextSibling.nextSibling : null;
  return { targets, iterable, body, elseBody };
}

function compileFor(unit: FileUnit, node: SyntaxNode): Statement {
  const { targets, iterable: iterableNode, body: bodyNode, elseBody: elseNode } = forParts(node);
  const assign = compileTargets(unit, targets);
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

function compileWhile(unit: FileUnit, node: SyntaxNode): Statement {
  const condNode = node.firstChild!.nextSibling!;
  const cond = compileRoot(unit, condNode);
  const condText = unit.text(condNode);
  const body = lazyBody(unit, condNode.nextSibling);
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

/** Defines a def's function in the scope it runs in, with the decorators it was written with; returns it. */
type Definition<T> = (ip: Interpreter, scope: Scope, decorators: string[]) => T;

function functionDefinition(unit: FileUnit, stmt: SyntaxNode): Definition<FunctionValue> {
  const name = unit.text(stmt.getChild('VariableName')!);
  const make: FunctionMaker = functionMaker(unit, stmt, name);
  return (ip, scope, decorators) => {
    const fn = make(ip, scope, decorators);
    scope.set(name, fn);
    return fn;
  };
}

function classDefinition(unit: FileUnit, stmt: SyntaxNode): Definition<void> {
  const name = unit.text(stmt.getChild('VariableName')!);
  const bases: Compiled[] = [];
  const argList = stmt.getChild('ArgList');
  if (argList) {
    for (let c = argList.firstChild; c; c = c.nextSibling) {
      if (c.name === 'VariableName' && c.nextSibling?.name === 'AssignOp') {
        c = c.nextSibling.nextSibling!;
        continue;
      }
      if (['(', ')', ',', 'Comment'].includes(c.name)) continue;
      bases.push(compileRoot(unit, c));
    }
  }
  const bodyNode = lastChildNamed(stmt, 'Body');
  return (ip, scope, decorators) => {
    const baseValues = bases.map((base) => base(ip, scope));
    const cls = new ClassValue(name, baseValues, unit, stmt);
    const body = new Scope(scope, 'class');
    body.vars.set('__qualname__', name);
    scope.set(name, cls);
    if (bodyNode) execBody(ip, bodyNode, body, unit);
    body.vars.delete('__qualname__');
    for (const [k, v] of body.vars) {
      cls.attrs.set(k, v);
      if (v instanceof FunctionValue && v.ownerClass === null) v.ownerClass = cls;
    }
    if (baseValues.some((b) => b instanceof ClassValue && b.lookup('__enum__') !== undefined)) makeEnumMembers(cls, baseValues);
    const namedTuple = baseValues.some((b) => b instanceof ClassValue && b.attrs.has('__namedtuple__'));
    if (decorators.includes('dataclass') || namedTuple) {
      cls.attrs.set('__dataclass_fields__', annotatedFields(bodyNode, unit));
      // A ClassVar or InitVar annotation is no field of dataclasses.fields(), which is then left unknown.
      if (bodyNode && /\b(ClassVar|InitVar)\b/.test(unit.text(bodyNode))) cls.attrs.set('__dataclass_special__', true);
      if (namedTuple) cls.attrs.set('__namedtuple__', true);
    }
    cls.attrs.set('__name__', name);
  };
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

/** The data type an Enum is mixed with: `class Format(str, Enum)` is 'str', IntEnum and IntFlag 'int'. */
function enumMixin(bases: Value[]): string | null {
  for (const base of bases) {
    if (base instanceof Builtin && ['str', 'int', 'float'].includes(base.name)) return base.name;
    if (base instanceof ClassValue) {
      const inherited = base.lookup('__enum_mixin__');
      if (typeof inherited === 'string') return inherited;
      if (base.mro().some((c) => c.unit === null && (c.name === 'IntEnum' || c.name === 'IntFlag'))) return 'int';
    }
  }
  return null;
}

/**
 * An Enum's plain class attributes become members: instances with `name` and `value`, compared
 * by identity, or as their value when the Enum is mixed with a data type (see mixinValue). A
 * second name for an equal value is an alias of the first member, as Python makes it.
 */
function makeEnumMembers(cls: ClassValue, bases: Value[]): void {
  const mixin = enumMixin(bases);
  if (mixin) cls.attrs.set('__enum_mixin__', mixin);
  const members: Instance[] = [];
  for (const [name, value] of [...cls.attrs]) {
    if (name.startsWith('_') || value instanceof FunctionValue || value instanceof ClassValue) continue;
    const alias = members.find((m) => pyEquals(m.attrs.get('value')!, value));
    if (alias) {
      cls.attrs.set(name, alias);
      continue;
    }
    const member = new Instance(cls);
    member.attrs.set('name', name);
    member.attrs.set('value', value);
    cls.attrs.set(name, member);
    members.push(member);
  }
  cls.attrs.set('__enum_members__', members);
}

function compileDecorated(unit: FileUnit, stmt: SyntaxNode): Statement {
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
    const define = functionDefinition(unit, target);
    return (ip, scope) => {
      ip.budget.tick();
      const fn = define(ip, scope, decorators);
      const decorated = applyDecorators(ip, decoratorNodes, fn, scope, unit);
      if (decorated !== fn) scope.set(fn.name, decorated);
      return undefined;
    };
  }
  if (target?.name === 'ClassDefinition') {
    const define = classDefinition(unit, target);
    return (ip, scope) => {
      ip.budget.tick();
      define(ip, scope, decorators);
      return undefined;
    };
  }
  return tickOnly;
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

function compileRaise(unit: FileUnit, stmt: SyntaxNode): Statement {
  const exprNode = childNodes(stmt).find((c) => c.name !== 'raise' && c.name !== 'from');
  const expr = exprNode ? compileRoot(unit, exprNode) : null;
  const text = exprNode ? unit.text(exprNode) : 'raise';
  return (ip, scope) => {
    ip.budget.tick();
    const value = expr ? expr(ip, scope) : null;
    if (value instanceof Instance && value.attrs.has('__exception__')) {
      throw new PyError(String(value.attrs.get('__exception__')), String(value.attrs.get('message') ?? ''));
    }
    throw new PyError('Exception', text);
  };
}

interface Handler {
  /** The texts of the exception types named (none: a bare `except:`). */
  types: string[];
  alias: string | null;
  body: BodyRunner;
}

/** `try` with its handlers, `else` and `finally`; the handler that names the error's type (or Exception) runs. */
function compileTry(unit: FileUnit, stmt: SyntaxNode): Statement {
  const bodyNode = stmt.getChild('Body')!;
  const body = lazyBody(unit, bodyNode);
  const handlers: Handler[] = [];
  let otherwise: BodyRunner | null = null;
  let finallyBody: BodyRunner | null = null;
  for (let c = bodyNode.nextSibling; c; c = c.nextSibling) {
    if (c.name === 'except') {
      let n = c.nextSibling;
      let alias: SyntaxNode | null = null;
      const types: string[] = [];
      for (; n && n.name !== 'Body'; n = n.nextSibling) {
        if (n.name === 'as') alias = n.nextSibling;
        // The alias's own text is read as a type too, as the analysis always has: it names no error type.
        else types.push(unit.text(n));
      }
      handlers.push({ types, alias: alias ? unit.text(alias) : null, body: lazyBody(unit, n) });
      if (!n) break;
      c = n;
    } else if (c.name === 'else') {
      otherwise = lazyBody(unit, c.nextSibling);
      if (!c.nextSibling) break;
      c = c.nextSibling;
    } else if (c.name === 'finally') {
      finallyBody = lazyBody(unit, c.nextSibling);
      break;
    }
  }
  return (ip, scope) => {
    ip.budget.tick();
    let signal: Signal;
    let failed: PyError | null = null;
    ip.tryDepth++;
    try {
      signal = body(ip, scope);
    } catch (e) {
      if (!(e instanceof PyError)) throw e;
      failed = e;
    } finally {
      ip.tryDepth--;
    }
    if (failed) {
      const error = failed;
      const handler = handlers.find((h) => h.types.length === 0 || h.types.some((t) => t.includes(error.pyType) || t.includes('Exception') || t.includes('BaseException')));
      if (handler) {
        if (handler.alias) scope.set(handler.alias, error.message);
        signal = handler.body(ip, scope);
        failed = null;
      }
    } else if (otherwise) {
      signal = otherwise(ip, scope);
    }
    if (finallyBody) finallyBody(ip, scope);
    if (failed) throw failed;
    return signal;
  };
}

/** `with a as x, b: body`: each context expression in order, its `as` target bound to an unknown. */
function compileWith(unit: FileUnit, stmt: SyntaxNode): Statement {
  const steps: Array<{ value: Compiled } | { target: Target }> = [];
  let bodyNode: SyntaxNode | null = null;
  for (let c = stmt.firstChild; c; c = c.nextSibling) {
    if (c.name === 'Body') bodyNode = c;
    else if (c.name === 'as') steps.push({ target: compileTargets(unit, [c.nextSibling!]) });
    else if (!['with', ',', 'as', 'async'].includes(c.name) && c.prevSibling?.name !== 'as') steps.push({ value: compileRoot(unit, c) });
  }
  const body = bodyNode ? lazyBody(unit, bodyNode) : null;
  return (ip, scope) => {
    ip.budget.tick();
    for (const step of steps) {
      if ('value' in step) step.value(ip, scope);
      else step.target(ip, unknown('context manager value'), scope);
    }
    return body ? body(ip, scope) : undefined;
  };
}

type Deletion = (ip: Interpreter, scope: Scope) => void;

function compileDelete(unit: FileUnit, stmt: SyntaxNode): Statement {
  const deletions = childNodes(stmt).filter((c) => c.name !== 'del').map((target) => compileDeletion(unit, target));
  return (ip, scope) => {
    ip.budget.tick();
    for (const deletion of deletions) deletion(ip, scope);
    return undefined;
  };
}

function compileDeletion(unit: FileUnit, target: SyntaxNode): Deletion {
  if (target.name === 'VariableName') {
    const name = unit.text(target);
    return (_ip, scope) => {
      scope.vars.delete(name);
    };
  }
  if (target.name !== 'MemberExpression') return () => undefined;
  const object = compileRoot(unit, target.firstChild!);
  const property = lastChildNamed(target, 'PropertyName');
  if (property && target.firstChild!.nextSibling?.name === '.') {
    const name = unit.text(property);
    return (ip, scope) => deleteAttribute(object(ip, scope), name);
  }
  const subscript = compileSubscript(unit, target, 0);
  return (ip, scope) => {
    const obj = object(ip, scope);
    delItem(obj, subscript(ip, scope));
  };
}

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

function forgetUpdated(stmt: SyntaxNode, scope: Scope, unit: FileUnit, why: string): void {
  const target = stmt.firstChild;
  if (target?.name !== 'VariableName') return;
  const name = unit.text(target);
  const old = scope.lookup(name);
  if (Array.isArray(old) || old instanceof PyDict) markChanged(old, why);
  scope.set(name, unknown(why));
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
function noteSkippedBuilder(ip: Interpreter, stmt: SyntaxNode, scope: Scope, unit: FileUnit, why: string): void {
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
