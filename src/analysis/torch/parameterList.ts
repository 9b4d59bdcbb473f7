import { ModuleObject, Tensor, Value } from '../values/values';
import { namedModules } from './containers';

/**
 * module.parameters() and named_parameters(): every registered parameter of the module and its
 * tree, in PyTorch's order (each module's own, then its children's, preorder), each tensor once.
 * Loops such as `for p in self.parameters(): p.requires_grad = False` (freezing a layer) run, and
 * `sum(p.numel() for p in model.parameters())` counts what it can.
 */
export function namedParameters(root: ModuleObject): Array<[string, Tensor]> {
  const out: Array<[string, Tensor]> = [];
  const seen = new Set<Tensor>();
  for (const [prefix, m] of [['', root] as [string, ModuleObject], ...namedModules(root)]) {
    for (const name of m.params.keys()) {
      const held = m.attrs.get(name);
      const tensor = held instanceof Tensor ? held : new Tensor(null, true);
      if (seen.has(tensor)) continue;
      seen.add(tensor);
      out.push([prefix ? `${prefix}.${name}` : name, tensor]);
    }
  }
  return out;
}

export function parameterValues(root: ModuleObject, named: boolean): Value[] {
  const list = namedParameters(root);
  if (!named) return list.map(([, t]) => t);
  return list.map(([n, t]) => Object.assign([n, t] as Value[], { isTuple: true as const }));
}
