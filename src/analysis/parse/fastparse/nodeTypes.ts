import { parser } from '@lezer/python';

// The @lezer/python grammar gives several node types the same name (one per grammar rule that
// names them, e.g. the `=` of an assignment, of a default parameter and of a keyword argument
// are three AssignOp types). `typeId(name, nth)` picks the nth type of that name in the node
// set's order, which is the grammar's order; the fastparse tests compare type ids with lezer's,
// so a grammar update that reorders them fails loudly instead of building a different tree.

const idsByName = new Map<string, number[]>();
for (const type of parser.nodeSet.types) {
  const ids = idsByName.get(type.name) ?? [];
  ids.push(type.id);
  idsByName.set(type.name, ids);
}

/** The id of the `nth` (0-based) node type called `name` in @lezer/python's node set. */
export function typeId(name: string, nth = 0): number {
  const id = idsByName.get(name)?.[nth];
  if (id === undefined) throw new Error(`@lezer/python has no node type ${name} #${nth}`);
  return id;
}
