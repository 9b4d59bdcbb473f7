import { CannotEvaluate } from '../values/errors';
import { namedModules } from '../torch/containers';
import { ModuleObject } from '../values/values';

/**
 * The modules whose own methods skipped a statement that could have built a submodule, with the
 * first such statement. A model that the file's own code built (in `__main__`, in `main()`) was
 * finished before its analysis began, so its totals are judged by what its tree met here.
 */
const skipped = new WeakMap<ModuleObject, string>();

export function noteSkippedIn(module: ModuleObject, why: string): void {
  if (!skipped.has(module)) skipped.set(module, why);
}

/** The first skipped builder statement met by the root or any module of its tree, if any. */
export function skippedWithin(root: ModuleObject | null): string | null {
  if (!root) return null;
  let modules: Array<[string, ModuleObject]>;
  try {
    modules = namedModules(root);
  } catch (e) {
    if (e instanceof CannotEvaluate) return e.message;
    throw e;
  }
  for (const m of [root, ...modules.map(([, child]) => child)]) {
    const why = skipped.get(m);
    if (why !== undefined) return why;
  }
  return null;
}
