import type { Capture } from './model';
import type { Candidate } from './entries';
import type { Outline } from './outline';
import { FileUnit } from '../parse/unit';
import { Scope } from '../values/scope';
import { ClassValue, FunctionValue, ModuleObject, Value } from '../values/values';

/** A model the module's top level builds with a library's call: `model = timm.create_model(...)`. */
export interface ModuleLevelModel {
  candidate: Candidate;
  capture: Capture;
}

/** What the top level built, by instance: the callee that built it, and the input it was first fed. */
export type TopLevelBuilds = Map<ModuleObject, { callee: Value; capture: Capture }>;

/**
 * Top-level assignments `NAME = call(...)` whose value, once the module's top level has run, is a
 * module holding conv layers built by an imported class or function (a zoo's builder, not the
 * file's own classes, which are models already; not a lone layer). The variable's name is the
 * entry, its assignment the anchor; the model is the instance the file's code built.
 */
export function moduleLevelModels(unit: FileUnit, outline: Outline, scope: Scope, builds: TopLevelBuilds, taken: ReadonlySet<ModuleObject>): ModuleLevelModel[] {
  const out: ModuleLevelModel[] = [];
  const seen = new Set<ModuleObject>(taken);
  for (const top of outline.top) {
    if (top.node.name !== 'AssignStatement') continue;
    const target = top.node.firstChild;
    if (target?.name !== 'VariableName' || target.nextSibling?.name !== 'AssignOp') continue;
    if (target.nextSibling.nextSibling?.name !== 'CallExpression') continue;
    const name = unit.text(target);
    const instance = scope.vars.get(name);
    if (!(instance instanceof ModuleObject) || seen.has(instance) || instance.conv) continue;
    const built = builds.get(instance);
    if (!built || !isZooBuild(unit, instance, built.callee) || !holdsConv(instance)) continue;
    seen.add(instance);
    out.push({ candidate: { name, top, value: built.callee as FunctionValue | ClassValue, anchor: target, instance }, capture: built.capture });
  }
  return out;
}

/** A module built by a class or function of another Python file (a library's or the project's), not a lone layer. */
export function isZooBuild(unit: FileUnit, instance: ModuleObject, callee: Value): boolean {
  if (!(callee instanceof FunctionValue || callee instanceof ClassValue)) return false;
  return callee.unit !== null && callee.unit !== unit && !instance.conv;
}

/** Whether a conv layer is in the tree (a bounded walk: a zoo model has hundreds of modules, not millions). */
function holdsConv(root: ModuleObject): boolean {
  const stack = [root];
  const visited = new Set<ModuleObject>();
  while (stack.length && visited.size < 100_000) {
    const m = stack.pop()!;
    if (visited.has(m)) continue;
    visited.add(m);
    if (m.conv) return true;
    m.forEachChild((c) => {
      if (c) stack.push(c);
    });
  }
  return false;
}
