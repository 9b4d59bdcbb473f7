import { SyntaxNode, TreeCursor } from '@lezer/common';
import { FileUnit } from '../parse/unit';
import { isTrailingDotFloat } from '../parse/trailingDotFloats';

/** A top-level statement of the analyzed file, with the names it mentions. */
export interface TopLevel {
  node: SyntaxNode;
  kind: 'class' | 'def' | 'other';
  name: string | null;
  /** The class or def node (unwrapped from its decorators). */
  def: SyntaxNode | null;
  refs: Set<string>;
}

export interface Outline {
  top: TopLevel[];
  errors: SyntaxNode[];
  /** Calls whose callee names a conv layer or functional conv (by name or import alias). */
  convCalls: SyntaxNode[];
}

const CONV_NAMES = new Set<string>();
for (const d of ['1d', '2d', '3d']) {
  for (const base of ['Conv', 'ConvTranspose', 'LazyConv', 'LazyConvTranspose']) CONV_NAMES.add(base + d);
  CONV_NAMES.add(`conv${d}`);
  CONV_NAMES.add(`conv_transpose${d}`);
}

/** One pass over the tree: top-level statements and their references, syntax errors, conv calls. */
export function outline(unit: FileUnit): Outline {
  const top: TopLevel[] = [];
  const errors: SyntaxNode[] = [];
  const convCalls: SyntaxNode[] = [];
  const aliases = new Set<string>();
  for (let c = unit.tree.topNode.firstChild; c; c = c.nextSibling) {
    const def = c.name === 'DecoratedStatement' ? c.getChild('ClassDefinition') ?? c.getChild('FunctionDefinition') : c;
    const kind = def?.name === 'ClassDefinition' ? 'class' : def?.name === 'FunctionDefinition' ? 'def' : 'other';
    const nameNode = kind === 'other' ? null : def!.getChild('VariableName');
    top.push({ node: c, kind, name: nameNode ? unit.text(nameNode) : null, def: kind === 'other' ? null : def, refs: new Set() });
  }
  const names = new ReferenceFilter(unit.source, top);
  let index = -1;
  const cursor: TreeCursor = unit.tree.cursor();
  if (!cursor.firstChild()) return { top, errors, convCalls };
  let depth = 1;
  for (;;) {
    if (depth === 1) index++;
    const name = cursor.name;
    if (name === 'VariableName' || name === 'PropertyName') {
      if (index >= 0 && name === 'VariableName') names.note(top[index].refs, cursor.from, cursor.to);
    } else if (name === '⚠') {
      const node = cursor.node;
      if (!(node.parent?.name === 'MemberExpression' && isTrailingDotFloat(node.parent))) errors.push(node);
    } else if (name === 'CallExpression') {
      const callee = cursor.node.firstChild;
      const last = callee?.name === 'MemberExpression' ? callee.lastChild : callee;
      if (last && (last.name === 'VariableName' || last.name === 'PropertyName')) {
        const text = unit.text(last);
        if (CONV_NAMES.has(text) || aliases.has(text)) convCalls.push(cursor.node);
      }
    } else if (name === 'ImportStatement') {
      collectAliases(cursor.node, unit, aliases);
    }
    if (cursor.firstChild()) {
      depth++;
      continue;
    }
    while (!cursor.nextSibling()) {
      if (!cursor.parent() || --depth === 0) return { top, errors, convCalls };
    }
  }
}

/**
 * A statement's references are only ever asked about names the file defines at its top level
 * (classes, defs, imported names), so only those are kept; a length-and-first-character test
 * spares slicing the text of every other name in the file.
 */
class ReferenceFilter {
  private readonly names = new Set<string>();
  private readonly shapes = new Set<number>();

  constructor(private readonly source: string, top: TopLevel[]) {
    for (const t of top) {
      if (t.name) this.add(t.name);
      if (t.node.name !== 'ImportStatement') continue;
      for (let c = t.node.firstChild; c; c = c.nextSibling) if (c.name === 'VariableName') this.add(source.slice(c.from, c.to));
    }
  }

  private add(name: string): void {
    this.names.add(name);
    this.shapes.add(name.length * 65536 + name.charCodeAt(0));
  }

  note(refs: Set<string>, from: number, to: number): void {
    if (!this.shapes.has((to - from) * 65536 + this.source.charCodeAt(from))) return;
    const name = this.source.slice(from, to);
    if (this.names.has(name)) refs.add(name);
  }
}

function collectAliases(stmt: SyntaxNode, unit: FileUnit, aliases: Set<string>): void {
  for (let c = stmt.firstChild; c; c = c.nextSibling) {
    if (c.name === 'as' && c.prevSibling && CONV_NAMES.has(unit.text(c.prevSibling)) && c.nextSibling) aliases.add(unit.text(c.nextSibling));
  }
}

/** The index of the top-level statement that contains `offset`, or -1 (binary search). */
export function topIndexAt(outline: Outline, offset: number): number {
  let lo = 0;
  let hi = outline.top.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const node = outline.top[mid].node;
    if (offset < node.from) hi = mid - 1;
    else if (offset >= node.to) lo = mid + 1;
    else return mid;
  }
  return -1;
}
