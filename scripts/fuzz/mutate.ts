import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Inputs for fuzzing the analysis: the model corpus and real library files (installed torch and
 * torchvision sources, when present), each mutated the ways an editor, a paste or a hostile file
 * would: lines deleted, duplicated, swapped or cut short, numbers replaced by huge, negative or
 * zero ones, files spliced, and snippets known to cost unbounded work or memory put in.
 */

export interface Seed {
  name: string;
  text: string;
}

export interface FuzzInput {
  /** Which seed and which mutations made it, to reproduce and to report. */
  label: string;
  text: string;
}

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same inputs on any machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CORPUS = path.resolve(__dirname, '../../test/fixtures/models');
const LIBRARIES = ['/usr/lib/python3/dist-packages/torchvision/models', '/usr/lib/python3/dist-packages/torch/nn/modules'];

/** The corpus files, then the installed libraries' model files (skipped when not installed). */
export function seedFiles(withLibraries = true): Seed[] {
  const out: Seed[] = [];
  const walk = (dir: string, prefix: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`);
      else if (entry.name.endsWith('.py')) out.push({ name: `${prefix}${entry.name}`, text: fs.readFileSync(full, 'utf8') });
    }
  };
  walk(CORPUS, 'corpus/');
  if (withLibraries) for (const dir of LIBRARIES) walk(dir, `${path.basename(path.dirname(dir))}/${path.basename(dir)}/`);
  return out;
}

/**
 * Statements that once took seconds, gigabytes or the analysis itself down (issue 10), put into
 * mutated files at random places, indented like the line they follow.
 */
export const HOSTILE_SNIPPETS = [
  'xs = [1 << (10**9 + i) for i in range(40)]',
  'xs = [0] * 1000 * 1000000',
  'n = (2**99999)**10000',
  's = str((2**99999)**1000)',
  'k = nn.Conv2d(3, 8, kernel_size=(3,) * 1000000)',
  'for i in range(1000):\n    t = sorted(list(range(200000)))',
  's = "ab" * 500000\nfor i in range(1000):\n    t = list(s)',
  'P = 2*3*5*7*11*13*17*19*23*29*31*37*41*43*47*53*59*61*67*71*73*79*83*89*97*101*103*107\nc = nn.Conv2d(P, P, 1, groups=P - 1)',
  'x = torch.randn(-1, 3, 32, 32)',
  'self.me = self',
  'while True:\n    pass',
  'for i in range(10**12):\n    pass',
  'y = eval("1+" * 50000 + "1")',
  'def f(n):\n    return f(n + 1)\nf(0)',
  'a = [[0] * 1000] * 1000\nb = str(a)',
  's = "x" * 3000000\nt = s.replace("x", "yy")',
  'm = nn.Sequential()\nfor i in range(100000):\n    m = nn.Sequential(m)',
  'L = nn.ModuleList()\nL.insert(0, undefined_thing())',
  'z = 10**4000 * 10**4000',
  'q = int("9" * 5000)',
];

type Mutation = (text: string, rnd: () => number, seeds: Seed[]) => { text: string; what: string };

function pick<T>(items: readonly T[], rnd: () => number): T {
  return items[Math.floor(rnd() * items.length)];
}

function lineRange(lines: string[], rnd: () => number): [number, number] {
  const start = Math.floor(rnd() * lines.length);
  const length = 1 + Math.floor(rnd() * Math.min(20, lines.length - start));
  return [start, start + length];
}

const MUTATIONS: Mutation[] = [
  (text, rnd) => {
    const lines = text.split('\n');
    const [a, b] = lineRange(lines, rnd);
    lines.splice(a, b - a);
    return { text: lines.join('\n'), what: `delete lines ${a + 1}-${b}` };
  },
  (text, rnd) => {
    const lines = text.split('\n');
    const [a, b] = lineRange(lines, rnd);
    lines.splice(b, 0, ...lines.slice(a, b));
    return { text: lines.join('\n'), what: `duplicate lines ${a + 1}-${b}` };
  },
  (text, rnd) => {
    const lines = text.split('\n');
    const i = Math.floor(rnd() * lines.length);
    const j = Math.floor(rnd() * lines.length);
    [lines[i], lines[j]] = [lines[j], lines[i]];
    return { text: lines.join('\n'), what: `swap lines ${i + 1} and ${j + 1}` };
  },
  (text, rnd) => {
    const at = Math.floor(rnd() * text.length);
    return { text: text.slice(0, at), what: `cut at ${at}` };
  },
  (text, rnd) => {
    const numbers = [...text.matchAll(/\b\d+\b/g)];
    if (numbers.length === 0) return { text, what: 'no number to replace' };
    const m = pick(numbers, rnd);
    const replacement = pick(['0', '-1', '-64', '1', '2', '7', '10**12', '2**64', '10**5000', '3.5', '-0', '(3,) * 100000', '1 << 100000', '10**9'], rnd);
    const at = m.index ?? 0;
    return { text: text.slice(0, at) + replacement + text.slice(at + m[0].length), what: `number at ${at} -> ${replacement}` };
  },
  (text, rnd) => {
    const lines = text.split('\n');
    const i = Math.floor(rnd() * (lines.length + 1));
    const indent = (lines[Math.max(0, i - 1)] ?? '').match(/^\s*/)?.[0] ?? '';
    const snippet = pick(HOSTILE_SNIPPETS, rnd);
    lines.splice(i, 0, ...snippet.split('\n').map((l) => indent + l));
    return { text: lines.join('\n'), what: `insert at line ${i + 1}: ${snippet.split('\n')[0]}` };
  },
  (text, rnd, seeds) => {
    const other = pick(seeds, rnd);
    const lines = other.text.split('\n');
    const [a, b] = lineRange(lines, rnd);
    const own = text.split('\n');
    const at = Math.floor(rnd() * (own.length + 1));
    own.splice(at, 0, ...lines.slice(a, b));
    return { text: own.join('\n'), what: `splice ${other.name}:${a + 1}-${b} at line ${at + 1}` };
  },
  (text, rnd) => {
    const at = Math.floor(rnd() * text.length);
    const ch = pick(['(', ')', ':', '\n', ' ', 'x', ',', '[', '"', '*', '.', '='], rnd);
    return { text: text.slice(0, at) + ch + text.slice(at + 1), what: `char ${at} -> ${JSON.stringify(ch)}` };
  },
];

/** Input number `index` of a run: a seed file with one to three mutations, the same for the same (seed, index). */
export function fuzzInput(seeds: Seed[], runSeed: number, index: number): FuzzInput {
  const rnd = random((runSeed * 1_000_003) ^ (index * 7919 + 17));
  const seed = pick(seeds, rnd);
  let text = seed.text;
  const steps: string[] = [];
  const count = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < count; i++) {
    const result = pick(MUTATIONS, rnd)(text, rnd, seeds);
    text = result.text;
    steps.push(result.what);
  }
  return { label: `#${index} ${seed.name}: ${steps.join('; ')}`, text };
}
