import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// `npm run bench:hostile`: every input issue 10 saw run past 10 s, past 1 GiB, hang or throw, each
// through the real CLI (`conv-lens report --json`) in a fresh process, in a project folder of
// its own so that imports go through the real file system. For each: CPU time and peak RSS of
// that process (goal <= 2 s of CPU and <= 512 MB), the exit code (0 or 1, never 70, the CLI's
// code for a crash), and the first thing it said it skipped. The tests check what each input
// reports (test/unit/analysis/hostile.test.ts); this is where their cost is measured.

const CLI = path.resolve(__dirname, '../../bin/conv-lens.js');
const PROBE = path.join(__dirname, 'probe.js');

const FIRST_28_PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107];
const P = FIRST_28_PRIMES.reduce((a, p) => a * BigInt(p), 1n);

interface Case {
  name: string;
  /** Lines of Net.__init__ after its first conv. */
  init?: string;
  /** The whole file, when the case is not a line of __init__. */
  file?: string;
  /** Files to make beside net.py before the run. */
  setup?: (dir: string) => void;
}

const CASES: Case[] = [
  { name: 'nn.Conv2d(P, P, 1), P = product of the first 28 primes', init: `self.big = nn.Conv2d(${P}, ${P}, 1)` },
  { name: '[1 << (10**9 + i) for i in range(40)]', init: 'xs = [1 << (10**9 + i) for i in range(40)]' },
  { name: '[0] * 1000 * 1000000', init: 'xs = [0] * 1000 * 1000000' },
  { name: '(2**99999)**10000', init: 'n = (2**99999)**10000' },
  { name: 'str((2**99999)**1000)', init: 's = str((2**99999)**1000)' },
  { name: 'list(s) and sorted(xs) in a loop', init: "s = 'ab' * 500000\nxs = list(range(200000))\nfor i in range(1000):\n    t = list(s)\n    u = sorted(xs)" },
  { name: 'kernel_size=(3,) * 1000000 in a loop', init: 'for i in range(100):\n    c = nn.Conv2d(3, 8, kernel_size=(3,) * 1000000)' },
  { name: 'an import that resolves to a FIFO', file: 'from .pipe import *\n', setup: (dir) => mkfifo(path.join(dir, 'pipe.py')) },
  { name: 'an import of a symlink to /dev/zero', file: 'from .zero import *\n', setup: (dir) => fs.symlinkSync('/dev/zero', path.join(dir, 'zero.py')) },
  { name: 'an import of a 50 MB file', file: 'from .huge import *\n', setup: (dir) => fs.writeFileSync(path.join(dir, 'huge.py'), 'x = [1, 2, 3]\n'.repeat(50 * 1024 * 1024 / 14)) },
  { name: 'a module that holds itself (self.me = self)', init: 'self.me = self' },
  { name: 'ModuleList.insert of an opaque value', file: 'from .missing import thing\n', init: 'self.blocks = nn.ModuleList([nn.Conv2d(8, 8, 1)])\nself.blocks.insert(0, thing)' },
  { name: 'torch.randn(-1, 3, 32, 32)', file: 'model = Net()\ny = model(torch.randn(-1, 3, 32, 32))\n' },
];

function mkfifo(file: string): void {
  const made = spawnSync('mkfifo', [file]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr.toString()}`);
}

function source(c: Case): string {
  const init = (c.init ?? '').split('\n').filter(Boolean).map((l) => `        ${l}`).join('\n');
  const net = `class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 8, 3)\n${init}\n\n    def forward(self, x):\n        return self.conv(x)\n`;
  const head = c.file && !c.init && !c.file.startsWith('model') ? c.file : '';
  const tail = c.file?.startsWith('model') ? `\n${c.file}` : '';
  const imports = c.file && c.init ? c.file : head;
  return `import torch\nimport torch.nn as nn\n${imports}\n\n# conv-lens: input=(1, 3, 32, 32)\n${net}${tail}`;
}

interface Run { cpuMs: number; rssMb: number; code: number | null; wallMs: number; skipped: string }

function run(c: Case): Run {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conv-lens-hostile-'));
  try {
    fs.writeFileSync(path.join(dir, '__init__.py'), '');
    c.setup?.(dir);
    fs.writeFileSync(path.join(dir, 'net.py'), source(c));
    const started = Date.now();
    const child = spawnSync(process.execPath, [PROBE, CLI, 'report', 'net.py', '--entry', 'Net', '--json'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    const wallMs = Date.now() - started;
    const usage = JSON.parse(child.stderr.split('\n').filter((l) => l.startsWith('{"probe"')).pop() ?? '{"probe":{"cpuMs":NaN,"rssMb":NaN,"code":null}}').probe as { cpuMs: number; rssMb: number; code: number | null };
    let skipped = '';
    try {
      const report = JSON.parse(child.stdout) as { unresolved?: Array<{ why: string }>; diagnostics?: Array<{ message: string }> };
      skipped = report.unresolved?.[0]?.why ?? report.diagnostics?.[0]?.message ?? '(nothing skipped)';
    } catch {
      skipped = `no JSON: ${child.stderr.split('\n')[0]}`;
    }
    return { ...usage, code: child.status, wallMs, skipped };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const rows = [`bench:hostile (Node ${process.version}): issue 10's inputs through conv-lens report, each in a fresh process; goal <= 2,000 ms CPU and <= 512 MB`];
  let met = 0;
  for (const c of CASES) {
    const r = run(c);
    const ok = r.cpuMs <= 2000 && r.rssMb <= 512 && (r.code === 0 || r.code === 1);
    if (ok) met++;
    rows.push(`  ${ok ? 'MET    ' : 'NOT MET'} ${c.name}: CPU ${r.cpuMs.toFixed(0)} ms, peak RSS ${r.rssMb.toFixed(0)} MB, exit ${r.code}, wall ${r.wallMs} ms`);
    rows.push(`          says: ${r.skipped.slice(0, 150)}`);
  }
  rows.push(`${met} of ${CASES.length} inputs within the goal`);
  process.stdout.write(`${rows.join('\n')}\n`);
}

main();
