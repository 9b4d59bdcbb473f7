import type { Tree } from '@lezer/common';

/** One node of a full cursor walk, with its depth (so nesting is compared too, not only spans). */
export interface WalkedNode {
  type: number;
  name: string;
  from: number;
  to: number;
  depth: number;
}

/** Every node of `tree` in cursor (pre-)order. */
export function walkTree(tree: Tree): WalkedNode[] {
  const nodes: WalkedNode[] = [];
  const cursor = tree.cursor();
  let depth = 0;
  for (;;) {
    nodes.push({ type: cursor.type.id, name: cursor.type.name, from: cursor.from, to: cursor.to, depth });
    if (cursor.firstChild()) {
      depth++;
      continue;
    }
    while (!cursor.nextSibling()) {
      if (!cursor.parent()) return nodes;
      depth--;
    }
  }
}

const describe = (node: WalkedNode | undefined): string =>
  node ? `${node.name}#${node.type} ${node.from}-${node.to} at depth ${node.depth}` : 'nothing';

/** The first node where the walks of `expected` and `actual` differ (type id, from, to, depth), or null. */
export function treeDifference(expected: Tree, actual: Tree): string | null {
  const a = walkTree(expected);
  const b = walkTree(actual);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y || x.type !== y.type || x.from !== y.from || x.to !== y.to || x.depth !== y.depth) {
      return `node ${i}: expected ${describe(x)}, got ${describe(y)}`;
    }
  }
  return null;
}
