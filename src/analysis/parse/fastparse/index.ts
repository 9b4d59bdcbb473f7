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
  const fast = new Parser(source);
  try {
    fast.parseScript();
  } catch (error) {
    // Anything else (a stack overflow on absurdly deep nesting, a case we got wrong) also leaves
    // the file to lezer, which parses any input iteratively: the analysis must never throw.
    if (error instanceof Bail || error instanceof Error) return null;
    throw error;
  }
  return Tree.build({
    buffer: new Int32BufferCursor(fast.buf, fast.n),
    nodeSet: parser.nodeSet,
    topID: scriptType,
    length: source.length,
  });
}
