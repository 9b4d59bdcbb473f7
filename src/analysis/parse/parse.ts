import { Tree, TreeFragment } from '@lezer/common';
import { parser } from '@lezer/python';
import type { ParseStore } from '../types';
import { fastParse, fastParseNodes, treeFromNodes, wellFormedNodes } from './fastparse';
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

/**
 * Files shorter than this (package `__init__.py`s, small helpers) are parsed directly, never
 * stored: a parse of one costs about what finding it on disk does (timm 1.0.28's files under
 * 1,024 characters, warm: 16-29 µs to parse, 11-16 µs to load before the tree is built), so
 * storing them would only add files to the cache.
 */
export const STORED_PARSE_MIN_CHARS = 1024;

/**
 * parseSource of a whole file, through a store of earlier parses (the CLI's and the editor's
 * cache on disk): the stored node buffer of the very same text when there is one, else a fresh
 * parse, which is then stored. Only fastParse's buffers are stored; a file it leaves to lezer is
 * parsed every time. A stored buffer that is not well formed is parsed afresh, and a store that
 * throws is ignored: a cache can make the analysis faster, never wrong and never fail.
 */
export function parseStored(text: string, store: ParseStore | undefined): Tree {
  if (!store || text.length < STORED_PARSE_MIN_CHARS) return parseSource(text);
  // Stored by the text as written: the text parsed is a function of it of the same length.
  const stored = attempt(() => store.load(text));
  if (stored && wellFormedNodes(stored, text.length)) return treeFromNodes(stored, text.length);
  const input = withExponentFloats(text);
  const nodes = fastParseNodes(input);
  if (!nodes) return parser.parse(input);
  attempt(() => store.save(text, nodes));
  return treeFromNodes(nodes, input.length);
}

function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
