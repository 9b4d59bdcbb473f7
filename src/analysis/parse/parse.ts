import { Tree, TreeFragment } from '@lezer/common';
import { parser } from '@lezer/python';
import { fastParse } from './fastparse';
import { withExponentFloats } from './trailingDotFloats';

/**
 * Parses Python source into @lezer/python's tree. A whole-file parse takes fastParse's exact
 * copy of lezer's tree when it can (about ten times faster) and lezer otherwise; a parse that
 * continues from an earlier one's fragments (the editor, after an edit) is lezer's incremental
 * parse, since lezer reuses only nodes its own parser made.
 */
export function parseSource(text: string, fragments?: readonly TreeFragment[]): Tree {
  const input = withExponentFloats(text);
  if (fragments === undefined) {
    const tree = fastParse(input);
    if (tree) return tree;
  }
  return parser.parse(input, fragments);
}
