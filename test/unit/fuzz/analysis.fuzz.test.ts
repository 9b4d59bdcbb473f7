import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { AnalysisOptions, FileAnalysis, SourceHost, SourceRange } from '../../../src/analysis/types';

// The analysis must survive anything typed in an editor: half-deleted corpus files, pasted
// fragments, and code that would never finish in Python (range(10**12), unbounded recursion,
// 2**10**10). Each case runs with a small step and depth budget; the properties are that
// analyzeFile returns (termination, not wall time, is what is asserted), never throws, and
// returns positions inside the file and exact non-negative counts.

const CORPUS = path.resolve(__dirname, '../../fixtures/models');
const FILE = '/fuzz/model.py';
const BUDGET = { steps: 50_000, depth: 32 };

type Analyze = (source: string, options: AnalysisOptions) => FileAnalysis;

/** Loaded when a test runs, so an unfinished engine fails these tests rather than the whole run. */
function analyzeFile(): Analyze {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../../src/analysis') as { analyzeFile: Analyze }).analyzeFile;
}

/** Files the fuzzer may import: a sibling module that exists, and nothing else. */
const host: SourceHost = {
  readFile: (p) => (p === '/fuzz/blocks.py' ? 'import torch.nn as nn\n\ndef conv(a, b):\n    return nn.Conv2d(a, b, 3)\n' : undefined),
};

function corpusFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.py')) out.push(fs.readFileSync(full, 'utf8'));
    }
  };
  walk(CORPUS);
  return out;
}

function checkRange(range: SourceRange, lines: number, what: string): void {
  assert.ok(Number.isInteger(range.line) && range.line >= 1 && range.line <= lines + 1, `${what}: line ${range.line} of ${lines}`);
  assert.ok(Number.isInteger(range.column) && range.column >= 0, `${what}: column ${range.column}`);
}

/** Runs the analysis and checks what must hold for any input at all. */
function analyzeAndCheck(source: string): FileAnalysis {
  const result = analyzeFile()(source, { file: FILE, host, budget: BUDGET });
  const lines = source.split('\n').length;
  assert.ok(Array.isArray(result.models) && Array.isArray(result.declarations));
  assert.ok(Array.isArray(result.diagnostics) && Array.isArray(result.unresolved));
  for (const d of result.diagnostics) checkRange(d.range, lines, `diagnostic '${d.message}'`);
  for (const u of result.unresolved) assert.ok(u.line >= 1 && u.line <= lines + 1, `unresolved '${u.what}' at line ${u.line}`);
  for (const decl of result.declarations) {
    checkRange(decl.range, lines, `declaration ${decl.type}`);
    if (decl.record) assert.ok(decl.record.params >= 0n, 'negative params');
  }
  for (const model of result.models) {
    for (const layer of model.layers) {
      checkRange(layer.range, lines, `layer ${layer.name}`);
      const macs = layer.record?.macs;
      if (macs !== null && macs !== undefined) assert.ok(macs >= 0n, 'negative MACs');
    }
  }
  return result;
}

type Mutation =
  | { kind: 'deleteLine' | 'duplicateLine'; at: number }
  | { kind: 'insertLine'; at: number; text: string }
  | { kind: 'deleteChars'; at: number; count: number }
  | { kind: 'insertChars'; at: number; text: string };

const PYTHON_BITS = ['(', ')', '[', ']', ':', ',', '=', '\n', '    ', '\t', '#', "'", '"', '\\', '*', '**', 'nn.Conv2d(', 'self.', 'def ', 'class ', 'return ', 'lambda', '0', '-1', '10**12'];

function mutationArb(pool: string[]): fc.Arbitrary<Mutation> {
  const at = fc.nat({ max: 100_000 });
  return fc.oneof(
    fc.record({ kind: fc.constantFrom('deleteLine' as const, 'duplicateLine' as const), at }),
    fc.record({ kind: fc.constant('insertLine' as const), at, text: fc.oneof(fc.constantFrom(...pool), fc.string({ maxLength: 40 })) }),
    fc.record({ kind: fc.constant('deleteChars' as const), at, count: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ kind: fc.constant('insertChars' as const), at, text: fc.constantFrom(...PYTHON_BITS) }),
  );
}

function applyMutation(source: string, m: Mutation): string {
  const lines = source.split('\n');
  const line = m.at % Math.max(1, lines.length);
  const char = m.at % Math.max(1, source.length);
  switch (m.kind) {
    case 'deleteLine': return [...lines.slice(0, line), ...lines.slice(line + 1)].join('\n');
    case 'duplicateLine': return [...lines.slice(0, line + 1), ...lines.slice(line)].join('\n');
    case 'insertLine': return [...lines.slice(0, line), m.text, ...lines.slice(line)].join('\n');
    case 'deleteChars': return source.slice(0, char) + source.slice(char + m.count);
    case 'insertChars': return source.slice(0, char) + m.text + source.slice(char);
  }
}

/** Expressions that cost nothing to write and forever to evaluate naively. */
const HOSTILE_EXPRESSIONS = [
  'range(10**12)', 'len(range(10**12))', 'sum(range(10**12))', 'list(range(10**12))', 'max(range(10**12))',
  '[0] * 10**12', "'ab' * 10**9", '2**10**10', '10**10**10 // 7', 'sorted(range(10**12))[-1]',
  '[x for x in range(10**9) if x < 0]', 'tuple(i * i for i in range(10**12))', 'f(10**6)', 'g()', 'h(1)',
  '10**30', '2**127 + 1', '-(10**40)', 'int(1e300)', '0', '-3', '3.5', 'None', "'same'", '(3, 3)',
];

const HOSTILE_PRELUDE = [
  'def f(n):', '    return f(n + 1) + 1', 'def g():', '    while True:', '        pass', 'def h(n):', '    return h(n) if n else 0', '',
].join('\n');

function hostileModel(a: string, b: string, c: string, loop: string): string {
  return [
    'import torch', 'import torch.nn as nn', HOSTILE_PRELUDE,
    '# conv-lens: input=(1, 3, 32, 32)',
    'class Hostile(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.layers = nn.ModuleList()',
    `        for i in ${loop}:`,
    '            self.layers.append(nn.Conv2d(3, 3, 3))',
    `        self.conv = nn.Conv2d(${a}, ${b}, ${c})`,
    '',
    '    def forward(self, x):',
    '        for layer in self.layers:',
    '            x = layer(x)',
    '        return self.conv(x)',
    '',
  ].join('\n');
}

describe('fuzz: analyzeFile on hostile and broken model files', function () {
  this.timeout(30_000);
  const corpus = corpusFiles();
  const pool = corpus.flatMap((text) => text.split('\n')).filter((l) => l.trim().length > 0);

  it('never throws on corpus files with random lines and characters deleted, inserted and duplicated', () => {
    fc.assert(
      fc.property(fc.nat({ max: corpus.length - 1 }), fc.array(mutationArb(pool), { minLength: 1, maxLength: 8 }), (index, mutations) => {
        analyzeAndCheck(mutations.reduce(applyMutation, corpus[index]));
      }),
      { numRuns: 50 },
    );
  });

  it('terminates within its step budget on unbounded loops, recursion and huge numbers', () => {
    const expr = fc.constantFrom(...HOSTILE_EXPRESSIONS);
    const loop = fc.constantFrom('range(10**12)', 'range(3)', 'iter(int, 1)', 'f(0)', 'range(g())', '[1] * 10**12');
    fc.assert(
      fc.property(expr, expr, expr, loop, (a, b, c, l) => {
        analyzeAndCheck(hostileModel(a, b, c, l));
      }),
      { numRuns: 40 },
    );
  });

  it('gives up on values Python would compute forever, says so, and blames no layer for them', () => {
    // Python hangs or raises RecursionError before any of these reaches the conv, so PyTorch
    // raises nothing about the layer; the analysis must leave it unresolved, naming its limit.
    const endless = fc.constantFrom('sum(range(10**12))', 'len(list(range(10**12)))', 'f(0)', 'g()', 'h(1)',
      'sorted(range(10**12))[-1]', 'tuple(i * i for i in range(10**12))[0]', 'max(range(10**12)) + 1');
    const position = fc.constantFrom(0, 1, 2);
    fc.assert(
      fc.property(endless, position, (expr, at) => {
        const args = ['8', '8', '3'];
        args[at] = expr;
        const result = analyzeAndCheck(hostileModel(args[0], args[1], args[2], 'range(3)'));
        const pytorchErrors = result.diagnostics.filter((d) => d.source === 'construct' || d.source === 'forward');
        assert.deepEqual(pytorchErrors.map((d) => d.message), [], `nn.Conv2d(${args.join(', ')}) blamed for an endless computation`);
        const reasons = result.unresolved.map((u) => u.why).join(' | ');
        assert.match(reasons, /budget|limit|recursion|exceed/i, `no budget or limit named for nn.Conv2d(${args.join(', ')}): ${reasons}`);
      }),
      { numRuns: 24 },
    );
  });

  it('survives expressions nested 2,000 deep (Python itself refuses them) and still finds the next conv', () => {
    const nestings: Record<string, (n: number) => string> = {
      parentheses: (n) => `${'('.repeat(n)}1${')'.repeat(n)}`,
      'unary minus': (n) => `${'-'.repeat(n)}1`,
      lists: (n) => `${'['.repeat(n)}${']'.repeat(n)}`,
      calls: (n) => `${'int('.repeat(n)}1${')'.repeat(n)}`,
      'a long sum': (n) => Array.from({ length: n }, () => '1').join(' + '),
      attributes: (n) => `nn${'.x'.repeat(n)}`,
    };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(nestings)), fc.constantFrom(300, 2000), (kind, depth) => {
        const source = `import torch.nn as nn\nc = ${nestings[kind](depth)}\nlayer = nn.Conv2d(3, 8, 3)\n`;
        const result = analyzeAndCheck(source);
        assert.equal(result.declarations.length, 1, `${kind} ${depth} deep: the conv on the next line is lost`);
      }),
      { numRuns: 8 },
    );
  });

  it('keeps channel counts past 2**64 exact', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 40n }), fc.integer({ min: 1, max: 7 }), (channels, kernel) => {
        const source = `import torch.nn as nn\nlayer = nn.Conv2d(${channels}, ${channels}, ${kernel}, groups=${channels})\n`;
        const result = analyzeAndCheck(source);
        const declaration = result.declarations[0];
        assert.ok(declaration?.record, `no record for nn.Conv2d(${channels}, ..., groups=${channels})`);
        const k = BigInt(kernel);
        assert.equal(declaration.record.params, channels * k * k + channels);
        assert.equal(declaration.record.kind, channels === 1n ? (kernel === 1 ? 'pointwise' : 'dense') : 'depthwise');
      }),
      { numRuns: 30 },
    );
  });

  it('stops runaway helper recursion that builds layers, and still reports the file', () => {
    const source = [
      'import torch.nn as nn',
      'def tower(n):',
      '    return nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), tower(n + 1))',
      '',
      '# conv-lens: input=(1, 8, 16, 16)',
      'class Tower(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.body = tower(0)',
      '        self.head = nn.Conv2d(8, 4, 1)',
      '',
      '    def forward(self, x):',
      '        return self.head(self.body(x))',
      '',
    ].join('\n');
    const result = analyzeAndCheck(source);
    const declared = result.declarations.map((d) => d.type);
    assert.ok(declared.includes('Conv2d'), 'the conv calls are still declared');
  });
});
