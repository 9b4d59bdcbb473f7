import type { Capture } from './model';
import type { Candidate } from './entries';
import type { Outline } from './outline';
import { FileUnit } from '../parse/unit';
import { Scope } from '../values/scope';
import type { SyntaxNode } from '@lezer/common';
import { ClassValue, FunctionValue, ModuleObject, Namespace, Unknown, Value } from '../values/values';

/** A model the module's top level builds with a library's call: `model = timm.create_model(...)`. */
export interface ModuleLevelModel {
  candidate: Candidate;
  capture: Capture;
}

/** What the top level built, by instance: the callee that built it, and the input it was first fed. */
export type TopLevelBuilds = Map<ModuleObject, { callee: Value; capture: Capture }>;

/**
 * Top-level assignments `NAME = call(...)` whose value, once the module's top level has run, is a
 * module holding conv layers or parameters built by an imported class or function (a zoo's
 * builder, not the file's own classes, which are models already; not a lone layer). A model
 * without a conv (timm's naflexvit) is one too: "0 conv layers" is its exact answer. The
 * variable's name is the entry, its assignment the anchor; the model is the instance the file's
 * code built.
 */
export function moduleLevelModels(unit: FileUnit, outline: Outline, scope: Scope, builds: TopLevelBuilds, taken: ReadonlySet<ModuleObject>): ModuleLevelModel[] {
  const out: ModuleLevelModel[] = [];
  const seen = new Set<ModuleObject>(taken);
  for (const { top, target } of callAssignments(outline)) {
    const name = unit.text(target);
    const instance = scope.vars.get(name);
    if (!(instance instanceof ModuleObject) || seen.has(instance) || instance.conv) continue;
    const built = builds.get(instance);
    if (!built || !isZooBuild(unit, instance, built.callee) || !holdsLayers(instance)) continue;
    seen.add(instance);
    out.push({ candidate: { name, top, value: built.callee as FunctionValue | ClassValue, anchor: target, instance }, capture: built.capture });
  }
  return out;
}

/**
 * Top-level `NAME = zoo.build(...)` whose value is unknown, the callee reached through timm or
 * torchvision (the module, or a function or class imported from it): the model the user built
 * could not be, and it must say why, not vanish (timm's `create_model` on a config the analysis
 * cannot read). Other unknown top-level values (a config read from a file) are no model and say
 * nothing here.
 */
export function unbuiltModuleLevel(unit: FileUnit, outline: Outline, scope: Scope): Array<{ node: SyntaxNode; name: string; why: string }> {
  const out: Array<{ node: SyntaxNode; name: string; why: string }> = [];
  for (const { target, call } of callAssignments(outline)) {
    const value = scope.vars.get(unit.text(target));
    if (!(value instanceof Unknown)) continue;
    let root = call.firstChild;
    while (root && root.name === 'MemberExpression') root = root.firstChild;
    const callee = root?.name === 'VariableName' ? scope.vars.get(unit.text(root)) : undefined;
    if (isZoo(callee)) out.push({ node: target, name: unit.text(target), why: `${unit.text(target)} could not be built: ${value.reason}` });
  }
  return out;
}

/** The top-level statements `NAME = call(...)`, with the name and the call. */
function* callAssignments(outline: Outline): Generator<{ top: Outline['top'][number]; target: SyntaxNode; call: SyntaxNode }> {
  for (const top of outline.top) {
    if (top.node.name !== 'AssignStatement') continue;
    const target = top.node.firstChild;
    const call = target?.nextSibling?.nextSibling;
    if (target?.name === 'VariableName' && target.nextSibling?.name === 'AssignOp' && call?.name === 'CallExpression') yield { top, target, call };
  }
}

function isZoo(v: Value | undefined): boolean {
  if (v instanceof Namespace) return /^(timm|torchvision)(\.|$)/.test(v.name);
  if (v instanceof FunctionValue || v instanceof ClassValue) return v.unit !== null && /\/(timm|torchvision)\//.test(v.unit.path);
  return false;
}

/** A module built by a class or function of another Python file (a library's or the project's), not a lone layer. */
export function isZooBuild(unit: FileUnit, instance: ModuleObject, callee: Value): boolean {
  if (!(callee instanceof FunctionValue || callee instanceof ClassValue)) return false;
  return callee.unit !== null && callee.unit !== unit && !instance.conv;
}

/**
 * Whether a conv layer, or any parameter, is in the tree (a bounded walk: a zoo model has
 * hundreds of modules, not millions). A loss or a wrapper without weights is no model.
 */
function holdsLayers(root: ModuleObject): boolean {
  const stack = [root];
  const visited = new Set<ModuleObject>();
  while (stack.length && visited.size < 100_000) {
    const m = stack.pop()!;
    if (visited.has(m)) continue;
    visited.add(m);
    if (m.conv || (m.ownParams() ?? 1n) > 0n) return true;
    m.forEachChild((c) => {
      if (c) stack.push(c);
    });
  }
  return false;
}
