import { Tree } from '@lezer/common';
import { parser } from '@lezer/python';
import { Int32BufferCursor } from './bufferCursor';
import { Bail } from './lexer';
import { Parser } from './parser';

const scriptType = parser.topNode.id;

/**
 * Parses Python source into the very tree @lezer/python's `parser.parse(source)` builds (same
 * node types, same spans, same order), several times faster; or returns null when the source
 * holds anything this parser does not reproduce exactly (syntax errors, rare constructs), and
 * the caller must use lezer.
 *
 * One known exception, on lezer's side: in very long files (after 300 reductions of 2,000+
 * characters from one start, e.g. 300 blank lines in one long block) lezer's LR driver
 * force-reduces its stack wherever it stands, which can leave error nodes or cut nodes short on
 * valid code. fastParse does not imitate that: its tree is the one lezer builds for the same
 * code in a shorter file (scripts/parser/compare.ts counts such files as LEZER-FORCED).
 */
export function fastParse(source: string): Tree | null {
  const nodes = fastParseNodes(source);
  return nodes && treeFromNodes(nodes, source.length);
}

/**
 * fastParse's result before the tree is built: every node as four numbers [type, from, to,
 * size] in postfix order (children before their parent; size counts the node's own four and
 * its descendants'), the form Tree.build reads and a parse store keeps.
 */
export function fastParseNodes(source: string): Int32Array | null {
  const fast = new Parser(source);
  try {
    fast.parseScript();
  } catch (error) {
    // Anything else (a stack overflow on absurdly deep nesting, a case we got wrong) also leaves
    // the file to lezer, which parses any input iteratively: the analysis must never throw.
    if (error instanceof Bail || error instanceof Error) return null;
    throw error;
  }
  return fast.buf.subarray(0, fast.n);
}

/** The tree of a text `length` characters long from its postfix node buffer. */
export function treeFromNodes(nodes: Int32Array, length: number): Tree {
  return Tree.build({
    buffer: new Int32BufferCursor(nodes, nodes.length),
    nodeSet: parser.nodeSet,
    topID: scriptType,
    length,
  });
}

/**
 * Whether a node buffer read back from a store is one Tree.build can read for a text of
 * `length` characters: known node types, spans inside the text and in order, and sizes that
 * nest (each node's descendants lie within the nodes before it, and the top-level nodes cover
 * the buffer exactly). A store checks its bytes' integrity; this keeps a buffer that passed
 * that check from ever sending Tree.build out of bounds.
 */
export function wellFormedNodes(nodes: Int32Array, length: number): boolean {
  if (nodes.length % 4 !== 0) return false;
  const types = parser.nodeSet.types.length;
  // Ends of the node ranges being checked, innermost last: a node's size must fit inside the
  // range of its parent, which starts where the parent's own size says.
  const starts: number[] = [0];
  for (let end = nodes.length; end > 0; ) {
    while (end <= starts[starts.length - 1]) starts.pop();
    const floor = starts[starts.length - 1] ?? 0;
    const type = nodes[end - 4];
    const from = nodes[end - 3];
    const to = nodes[end - 2];
    const size = nodes[end - 1];
    if (type < 0 || type >= types || from < 0 || from > to || to > length) return false;
    if (size < 4 || size % 4 !== 0 || end - size < floor) return false;
    starts.push(end - size);
    end -= 4;
  }
  return true;
}
