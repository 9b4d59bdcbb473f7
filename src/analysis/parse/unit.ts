import { NodeType, SyntaxNode, Tree } from '@lezer/common';
import type { SourceRange } from '../types';
import { Scope } from '../values/scope';
import type { Args, Value } from '../values/values';
import type { CompiledBody, Signal } from '../evaluate/statements';
import type { Interpreter } from '../evaluate/interpreter';

/**
 * Values derived from syntax nodes, made once per node. Lezer makes a new object for a node at
 * each navigation, so nodes are told apart by start, end and type.
 */
export class NodeCache<T> {
  private readonly byStart = new Map<number, Array<{ to: number; type: NodeType; value: T }>>();

  get(node: SyntaxNode, make: () => T): T {
    let entries = this.byStart.get(node.from);
    if (entries) {
      for (const e of entries) if (e.to === node.to && e.type === node.type) return e.value;
    } else {
      entries = [];
      this.byStart.set(node.from, entries);
    }
    const value = make();
    entries.push({ to: node.to, type: node.type, value });
    return value;
  }
}

/** One parsed Python file: its text, tree, line starts and (once executed) its globals. */
export class FileUnit {
  private readonly lineStarts: number[] = [0];
  scope: Scope | null = null;
  executing = false;
  /** The evaluator's compiled statement bodies, statements run alone, expressions and argument lists of this file (see evaluate/). */
  readonly bodies = new NodeCache<CompiledBody>();
  readonly statements = new NodeCache<(ip: Interpreter, scope: Scope) => Signal>();
  readonly expressions = new NodeCache<(ip: Interpreter, scope: Scope) => Value>();
  readonly argumentLists = new NodeCache<(ip: Interpreter, scope: Scope) => Args>();

  constructor(readonly path: string, readonly source: string, readonly tree: Tree) {
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  text(node: SyntaxNode): string {
    return this.source.slice(node.from, node.to);
  }

  /** 1-based line and 0-based column of an offset. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] };
  }

  range(node: { from: number; to: number }): SourceRange {
    const start = this.position(node.from);
    const end = this.position(node.to);
    return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  }

  /** The text of the line before `offset`'s line, for `# conv-lens:` comments. */
  lineText(line: number): string {
    if (line < 1 || line > this.lineStarts.length) return '';
    const start = this.lineStarts[line - 1];
    const end = line < this.lineStarts.length ? this.lineStarts[line] - 1 : this.source.length;
    return this.source.slice(start, end);
  }
}

/**
 * The child named `name` for node kinds that have at most one (a call's ArgList, a def's Body, a
 * member's PropertyName): those come last, so the last child is tried before searching, which
 * spares lezer's getChild the cursor it allocates.
 */
export function lastChildNamed(node: SyntaxNode, name: string): SyntaxNode | null {
  const last = node.lastChild;
  return last?.name === name ? last : node.getChild(name);
}
