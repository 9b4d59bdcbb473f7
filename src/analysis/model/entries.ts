import { SyntaxNode } from '@lezer/common';
import type { Outline, TopLevel } from './outline';
import { Scope } from '../values/scope';
import { BoundMethod, ClassValue, FunctionValue, Value } from '../values/values';

export interface Candidate {
  name: string;
  /** The top-level statement that defines (or, for an imported model, imports) it. */
  top: TopLevel;
  value: ClassValue | FunctionValue;
  /** The name token the model's range points at. */
  anchor: SyntaxNode;
  /** A model the module's top level built (`model = timm.create_model(...)`): that instance is the model. */
  instance?: import('../values/values').ModuleObject;
  /** What to call instead of `value`: a classmethod factory bound to its class. */
  callee?: BoundMethod;
}

/**
 * The file's models: nn.Module subclasses and factories (defs that return one of them) that no
 * other class or factory of the file mentions, i.e. not parts of another model.
 */
export function findCandidates(outline: Outline, scope: Scope): { all: Candidate[]; models: Candidate[] } {
  const all: Candidate[] = [];
  const moduleNames = new Set<string>();
  for (const t of outline.top) {
    if (t.kind !== 'class' || !t.name) continue;
    const v = scope.vars.get(t.name);
    if (v instanceof ClassValue && v.isModuleClass()) {
      all.push({ name: t.name, top: t, value: v, anchor: t.def!.getChild('VariableName')! });
      moduleNames.add(t.name);
    }
  }
  // A factory may return a class imported from a sibling file (`from .resnet import ResNet`).
  const imported = importedModuleClasses(outline, scope);
  let grew = true;
  const factories = new Set<string>();
  const returning = new Map<TopLevel, boolean>();
  const returns = (t: TopLevel): boolean => {
    let known = returning.get(t);
    if (known === undefined) returning.set(t, (known = t.def !== null && returnsValue(t.def)));
    return known;
  };
  while (grew) {
    grew = false;
    for (const t of outline.top) {
      if (t.kind !== 'def' || !t.name || factories.has(t.name)) continue;
      const v = scope.vars.get(t.name);
      if (!(v instanceof FunctionValue) || !returns(t)) continue;
      if ([...t.refs].some((r) => r !== t.name && (moduleNames.has(r) || factories.has(r) || imported.has(r)))) {
        factories.add(t.name);
        all.push({ name: t.name, top: t, value: v, anchor: t.def!.getChild('VariableName')! });
        grew = true;
      }
    }
  }
  // A model is a part of another when a class or a value-returning def mentions it (config
  // classes naming their block count; test() and main() functions that only run a model do not).
  const used = new Set<string>();
  for (const t of outline.top) {
    const defines = t.kind === 'class' || (t.kind === 'def' && returns(t));
    if (!defines) continue;
    for (const r of t.refs) if (r !== t.name) used.add(r);
  }
  return { all, models: all.filter((c) => !used.has(c.name)) };
}

function importedModuleClasses(outline: Outline, scope: Scope): Set<string> {
  const out = new Set<string>();
  for (const t of outline.top) {
    if (t.node.name !== 'ImportStatement') continue;
    for (const r of t.refs) {
      const v = scope.vars.get(r);
      if (v instanceof ClassValue && v.isModuleClass()) out.add(r);
    }
  }
  return out;
}

function returnsValue(def: SyntaxNode): boolean {
  const cursor = def.cursor();
  const end = def.to;
  while (cursor.next() && cursor.from < end) {
    if (cursor.name === 'ReturnStatement' && cursor.node.firstChild?.nextSibling) return true;
  }
  return false;
}

export type { Value };

/** A model class or factory the file imports (a training script's model), anchored at its import. */
export function importedCandidate(outline: Outline, scope: Scope, name: string, unitText: (n: SyntaxNode) => string): Candidate | null {
  const v = scope.vars.get(name);
  const isModel = (v instanceof ClassValue && v.isModuleClass()) || v instanceof FunctionValue;
  if (!isModel) return null;
  for (const t of outline.top) {
    if (t.node.name !== 'ImportStatement' || !t.refs.has(name)) continue;
    const anchor = t.node.getChildren('VariableName').find((n) => unitText(n) === name) ?? t.node;
    return { name, top: t, value: v, anchor };
  }
  return null;
}

/**
 * A classmethod or staticmethod factory named `Class.method` (`EfficientNet.from_name`, as
 * that repository's README builds its models), for a class the file defines or imports.
 */
export function methodCandidate(outline: Outline, scope: Scope, entry: string, unitText: (n: SyntaxNode) => string): Candidate | null {
  const parts = entry.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  const [className, methodName] = parts;
  const cls = scope.vars.get(className);
  if (!(cls instanceof ClassValue)) return null;
  const fn = cls.lookup(methodName);
  if (!(fn instanceof FunctionValue)) return null;
  const isClassMethod = fn.decorators.includes('classmethod');
  if (!isClassMethod && !fn.decorators.includes('staticmethod')) return null;
  const top = outline.top.find((t) => t.kind === 'class' && t.name === className)
    ?? outline.top.find((t) => t.node.name === 'ImportStatement' && t.refs.has(className));
  if (!top) return null;
  const ownName = fn.unit.tree === top.node.tree ? fn.node.getChild('VariableName') : null;
  const anchor = ownName ?? top.def?.getChild('VariableName') ?? top.node.getChildren('VariableName').find((n) => unitText(n) === className) ?? top.node;
  return { name: entry, top, value: fn, anchor, ...(isClassMethod ? { callee: new BoundMethod(fn, cls) } : {}) };
}
