import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Tree } from '@lezer/common';
import { parser } from '@lezer/python';
import { fastParse } from '../../src/analysis/parse/fastparse';
import { walkTree, type WalkedNode } from '../../src/analysis/parse/fastparse/treeDiff';
import { withExponentFloats } from '../../src/analysis/parse/trailingDotFloats';

// Checks fastParse against @lezer/python on every .py file under the given folders (default:
// the system's Python packages and standard library), each read as the analysis parses it
// (parseSource's text: `0. else` spelt `0e0else`): each file is MATCHED (same tree), BAILED
// (fastParse returned null) or MISMATCHED (a different tree: a bug). Prints the first differing
// node of each mismatch and the time both parsers took over the matched files.
//
//   node -r ./test/register.js scripts/parser/compare.ts [DIRS...]
//
// lezer's LR driver has a kludge against overly deep trees: after more than 300 large reductions
// from one start position it force-reduces its stack, wherever it is. In very long files (the
// 20,000-line benchmark file, generated sympy and torch doc files) that leaves error nodes and
// cut-short nodes the same code never gets in a shorter file; fastParse does not imitate it. Such
// files are counted apart (LEZER-FORCED) when both trees agree on every node that ends before
// lezer's first forced reduction, found by watching lezer's parse (internal fields, dev only).

const DEFAULT_DIRS = ['/usr/lib/python3/dist-packages', ...pythonStdlibDirs()];

function pythonStdlibDirs(): string[] {
  try {
    return fs.readdirSync('/usr/lib').filter((name) => /^python3\.\d+$/.test(name)).map((name) => `/usr/lib/${name}`);
  } catch {
    return [];
  }
}

function pythonFiles(dir: string, out: string[]): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !entry.isSymbolicLink()) pythonFiles(full, out);
    else if (entry.isFile() && entry.name.endsWith('.py')) out.push(full);
  }
  return out;
}

const same = (a: WalkedNode, b: WalkedNode): boolean => a.type === b.type && a.from === b.from && a.to === b.to && a.depth === b.depth;
const show = (node: WalkedNode | undefined): string => (node ? `${node.name}#${node.type} ${node.from}-${node.to}` : 'nothing');

function firstDifference(a: WalkedNode[], b: WalkedNode[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (!a[i] || !b[i] || !same(a[i], b[i])) return i;
  return -1;
}

interface LezerParse {
  advance(): Tree | null;
  stacks: { pos: number }[];
  bigReductionCount: number;
}

/** lezer's tree, and the position of its first forced reduction (-1 when none). */
function lezerParse(source: string): { tree: Tree; forcedAt: number } {
  const parse = parser.startParse(source) as unknown as LezerParse;
  let forcedAt = -1;
  for (;;) {
    if (forcedAt < 0 && parse.bigReductionCount > 300 && parse.stacks.length === 1) forcedAt = parse.stacks[0].pos;
    const tree = parse.advance();
    if (tree) return { tree, forcedAt };
  }
}

/** Whether both walks agree on every node that ends before `pos`. */
function sameBefore(a: WalkedNode[], b: WalkedNode[], pos: number): boolean {
  const before = (nodes: WalkedNode[]) => nodes.filter((node) => node.to < pos);
  return firstDifference(before(a), before(b)) === -1;
}

function main(): void {
  const dirs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DEFAULT_DIRS;
  const files = dirs.flatMap((dir) => pythonFiles(dir, [])).sort();
  let matched = 0;
  let bailed = 0;
  let forced = 0;
  let lezerMs = 0;
  let fastMs = 0;
  const mismatches: string[] = [];
  for (const file of files) {
    let source: string;
    try {
      source = withExponentFloats(fs.readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    let start = performance.now();
    parser.parse(source);
    const lezerTime = performance.now() - start;
    const { tree: lezer, forcedAt } = lezerParse(source);
    start = performance.now();
    const fast = fastParse(source);
    const fastTime = performance.now() - start;
    if (fast === null) {
      bailed++;
      continue;
    }
    const a = walkTree(lezer);
    const b = walkTree(fast);
    const at = firstDifference(a, b);
    if (at === -1) {
      matched++;
      lezerMs += lezerTime;
      fastMs += fastTime;
    } else if (forcedAt >= 0 && sameBefore(a, b, forcedAt)) {
      forced++;
      console.log(`LEZER-FORCED ${file}: lezer force-reduced at ${forcedAt}; first difference node ${at}: lezer ${show(a[at])}, fastParse ${show(b[at])}`);
    } else {
      mismatches.push(file);
      console.log(`MISMATCHED ${file}: node ${at}: lezer ${show(a[at])}, fastParse ${show(b[at])}`);
    }
  }
  console.log(`${files.length} files: ${matched} matched, ${bailed} bailed, ${mismatches.length} MISMATCHED, ${forced} LEZER-FORCED (same tree before lezer's forced reduction)`);
  console.log(`matched files: lezer ${lezerMs.toFixed(0)} ms, fastParse ${fastMs.toFixed(0)} ms, ${(lezerMs / fastMs).toFixed(2)}x`);
  if (mismatches.length > 0) process.exitCode = 1;
}

main();
