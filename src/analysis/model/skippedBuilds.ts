import { CannotEvaluate } from '../values/errors';
import { subModules } from '../torch/containers';
import { ModuleObject } from '../values/values';
import { skippedReason } from '../values/unknownContents';

// Modules are marked where the evaluator meets what it cannot run or read (values/unknownContents.ts).
export { noteSkippedIn } from '../values/unknownContents';

/** The first skipped builder statement met by the root or any module of its tree, if any. */
export function skippedWithin(root: ModuleObject | null): string | null {
  if (!root) return null;
  let modules: ModuleObject[];
  try {
    modules = subModules(root);
  } catch (e) {
    if (e instanceof CannotEvaluate) return e.message;
    throw e;
  }
  for (const m of [root, ...modules]) {
    const why = skippedReason(m);
    if (why !== null) return why;
  }
  return null;
}
