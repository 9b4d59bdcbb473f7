import { SyntaxNode } from '@lezer/common';
import { BudgetExceeded } from '../evaluate/budget';
import { CannotEvaluate, PyError } from '../values/errors';
import { Interpreter } from '../evaluate/interpreter';
import { defaultArgs } from './model';
import { Outline } from './outline';
import { Scope } from '../values/scope';
import { separableAdvised } from '../../core';
import type { ConvDeclaration, ModelAnalysis } from '../types';
import { recordOf } from '../torch/conv';
import { ClassValue, FunctionValue, Instance, ModuleObject, Value } from '../values/values';

/**
 * Runs the defs holding conv calls that no model reached, with their parameters as named
 * unknowns, so every conv call in the file gets numbers or formulas.
 */
export function reachUnvisited(ip: Interpreter, outline: Outline, scope: Scope, cached: ReadonlySet<number | string>): void {
  const visited = new Set(ip.convModules.map((m) => m.conv?.site?.from));
  const done = new Set<number>();
  for (const call of outline.convCalls) {
    if (visited.has(call.from) || cached.has(positionKey(ip.main.range(call)))) continue;
    const def = enclosingDef(call);
    if (!def || done.has(def.from)) continue;
    done.add(def.from);
    const target = functionFor(ip, def, scope);
    if (!target) continue;
    ip.budget = ip.budget.renewed(50_000, 24);
    try {
      const { fn, self } = target;
      ip.invoke(fn, defaultArgs(ip, { name: fn.name, value: fn }), self);
    } catch (e) {
      if (!(e instanceof PyError || e instanceof CannotEvaluate || e instanceof BudgetExceeded)) throw e;
    }
  }
}

function enclosingDef(node: SyntaxNode): SyntaxNode | null {
  for (let p = node.parent; p; p = p.parent) if (p.name === 'FunctionDefinition') return p;
  return null;
}

/** The function value of a def at module level or directly in a module-level class, with a fresh self for methods. */
function functionFor(ip: Interpreter, def: SyntaxNode, scope: Scope): { fn: FunctionValue; self: Value | undefined } | null {
  const name = ip.main.text(def.getChild('VariableName')!);
  const body = def.parent?.name === 'DecoratedStatement' ? def.parent.parent : def.parent;
  const cls = body?.name === 'Body' ? body.parent : null;
  if (!cls) {
    const v = scope.vars.get(name);
    return v instanceof FunctionValue ? { fn: v, self: undefined } : null;
  }
  if (cls.name !== 'ClassDefinition') return null;
  const c = scope.vars.get(ip.main.text(cls.getChild('VariableName')!));
  if (!(c instanceof ClassValue)) return null;
  const fn = c.attrs.get(name);
  if (!(fn instanceof FunctionValue)) return null;
  return { fn, self: c.isModuleClass() ? new ModuleObject(c) : new Instance(c) };
}

/**
 * Declarations are keyed by position (line and column), which a cached model's facts keep across
 * edits: one number for any column a real line has, a string beyond it so keys never collide.
 */
export function positionKey(range: { line: number; column: number }): number | string {
  return range.column < COLUMNS ? range.line * COLUMNS + range.column : `${range.line}:${range.column}`;
}

const COLUMNS = 2 ** 20;

/**
 * The declaration facts conv modules and functional calls produced (slices of the interpreter's
 * lists), for the conv calls written in this file.
 */
export function declarationFacts(ip: Interpreter, outline: Outline, modules: ModuleObject[], functional: Interpreter['functionalConvs']): ConvDeclaration[] {
  const byKey = new Map<number | string, ConvDeclaration>();
  const unit = ip.main;
  const convCalls = new Set(outline.convCalls.map((c) => c.from));
  const declare = (site: SyntaxNode, type: string): ConvDeclaration => {
    const range = unit.range(site);
    const key = positionKey(range);
    let d = byKey.get(key);
    if (!d) {
      d = { type, range, calleeRange: unit.range(site.firstChild ?? site), record: null, error: null, instances: [] };
      byKey.set(key, d);
    }
    return d;
  };
  for (const m of modules) {
    const state = m.conv!;
    // Layers built by imported helpers are sited at this file's call of the helper: not a declaration here.
    if (!state.site || !convCalls.has(state.site.from)) continue;
    const d = declare(state.site, m.typeName);
    const better = state.spec && (!d.record || (state.forwardDone && d.record.input_shape === null));
    if (better && state.error?.phase !== 'construct') d.record = recordOf(state, ip);
    if (state.error && !d.error) d.error = state.error;
    if (state.symbolic && !d.record && !d.symbolic) d.symbolic = state.symbolic;
  }
  for (const f of functional) {
    if (!f.site) continue;
    const d = declare(f.site, f.record.spec.type);
    if (!d.record) d.record = f.record;
  }
  return [...byKey.values()];
}

/**
 * One declaration per conv call in the file: the facts gathered (the first with numbers wins,
 * a forwarded one over one without input), every name the models give it, and a fallback for
 * calls nothing reached.
 */
export function mergeDeclarations(ip: Interpreter, outline: Outline, facts: ConvDeclaration[], models: ModelAnalysis[]): ConvDeclaration[] {
  const byKey = new Map<number | string, ConvDeclaration>();
  for (const f of facts) {
    const key = positionKey(f.range);
    const d = byKey.get(key);
    if (!d) {
      byKey.set(key, { ...f, instances: [] });
      continue;
    }
    if (f.record && (!d.record || (d.record.input_shape === null && f.record.input_shape !== null))) d.record = f.record;
    if (f.error && !d.error) d.error = f.error;
    if (f.symbolic && !d.record && !d.symbolic) d.symbolic = f.symbolic;
  }
  const named = new Map<ConvDeclaration, Set<string>>();
  for (const m of models) {
    for (const l of m.layers) {
      const d = byKey.get(positionKey(l.range));
      if (!d) continue;
      let names = named.get(d);
      if (!names) named.set(d, (names = new Set()));
      if (!names.has(l.name)) {
        names.add(l.name);
        d.instances.push(l.name);
      }
    }
  }
  const unit = ip.main;
  for (const call of outline.convCalls) {
    const range = unit.range(call);
    if (byKey.has(positionKey(range))) continue;
    const callee = call.firstChild!;
    const last = callee.name === 'MemberExpression' ? callee.lastChild! : callee;
    byKey.set(positionKey(range), {
      type: unit.text(last), range, calleeRange: unit.range(callee), record: null, error: null, instances: [],
      symbolic: { reasons: ['not reached: no model or call site builds this layer'] },
    });
  }
  const out = [...byKey.values()].sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  for (const d of out) {
    const r = d.record;
    if (r && separableAdvised(r)) d.fix = { kind: 'separable' };
    else delete d.fix;
  }
  return out;
}
