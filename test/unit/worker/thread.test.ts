import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeFile } from '../../../src/analysis';
import { AnalysisJob, AnalysisWorker, MirrorDocument, Outcome, StartWorker, WorkerHost } from '../../../src/extension/analysisWorker';
import { nodeWorkerStarter } from '../../../src/extension/nodeWorker';
import type { FileAnalysis } from '../../../src/analysis/types';
import { ResultPart, joinResult, placeKey } from '../../../src/protocol/analysis';
import { AnalysisService } from '../../../src/worker/service';

// The host's side of the analysis worker against the real worker thread (started from the
// worker's TypeScript source by bootstrap.js), as the desktop extension runs it.

const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
const bootstrap = path.join(__dirname, 'bootstrap.js');
const NET = 'import torch.nn as nn\n\n# conv-lens: input=(1, 8, 16, 16)\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(8, 16, 3, groups=4)\n\n    def forward(self, x):\n        return self.conv(x)\n';

/** A file whose analysis is long but ordinary (seconds): loops just under the per-loop limit. */
const LOOPS = `${Array.from({ length: 8 }, (_, i) => `x${i} = 0\nfor i in range(150000):\n    x${i} += i\n`).join('')}\n${NET}`;
/**
 * Models whose construction loops 300,000 times each: within the step budget every model's
 * construction gets afresh, but several seconds of analysis in all, so a one-second deadline
 * always ends the file first.
 */
const LONG_LOOPS = `import torch.nn as nn\n${Array.from({ length: 40 }, (_, k) => `\nclass Slow${k}(nn.Module):\n    def __init__(self):\n        super().__init__()\n${[0, 1].map((j) => `        x${j} = 0\n        for i in range(150000):\n            x${j} += i\n`).join('')}        self.conv = nn.Conv2d(8, 8, 3)\n`).join('')}`;

class Harness implements WorkerHost {
  readonly documents = new Map<string, { root: string; path: string; version: number; text: string }>();
  readonly arrived: string[] = [];
  readonly logs: string[] = [];
  readonly exits: string[] = [];
  readonly files = new Map<string, string>();
  readonly worker: AnalysisWorker;

  constructor(parseCache?: string) {
    const real = nodeWorkerStarter(bootstrap, parseCache);
    // The real worker, with its exits recorded (the host ignores those it caused).
    const start: StartWorker = (events) => real({ message: events.message, exit: (reason) => { this.exits.push(reason); events.exit(reason); } });
    this.worker = new AnalysisWorker(start, this);
  }

  openDocuments(): MirrorDocument[] {
    return [...this.documents.values()].map((d) => this.mirror(d));
  }
  document(root: string, p: string): MirrorDocument | undefined {
    const d = this.documents.get(placeKey(root, p));
    return d && this.mirror(d);
  }
  async readFile(root: string, p: string): Promise<string | null> {
    return this.files.get(placeKey(root, p)) ?? null;
  }
  fileArrived(key: string): void {
    this.arrived.push(key);
  }
  log(text: string): void {
    this.logs.push(text);
  }
  handled(): void {}

  private mirror(d: { root: string; path: string; version: number; text: string }): MirrorDocument {
    return { root: d.root, path: d.path, version: d.version, text: () => d.text };
  }

  open(root: string, p: string, text: string): void {
    const d = { root, path: p, version: 1, text };
    this.documents.set(placeKey(root, p), d);
    this.worker.opened(this.mirror(d));
  }

  edit(root: string, p: string, from: number, to: number, insert: string): void {
    const d = this.documents.get(placeKey(root, p))!;
    d.text = d.text.slice(0, from) + insert + d.text.slice(to);
    d.version++;
    this.worker.changed(this.mirror(d), [{ from, to, text: insert }], d.text.length);
  }

  analyze(root: string, p: string, deadlineMs = 5000, input: bigint[] | null = null, maxSteps = 2_000_000): Promise<Outcome> {
    const d = this.documents.get(placeKey(root, p))!;
    const job: AnalysisJob = { root, path: p, version: d.version, source: null, settings: { input, searchRoots: [], readableRoots: null, deadlineMs, maxSteps, environment: [] } };
    return new Promise((resolve) => this.worker.analyze(job, resolve));
  }
}

function result(outcome: Outcome) {
  assert.equal(outcome.kind, 'result', json(outcome));
  return outcome as Extract<Outcome, { kind: 'result' }>;
}

describe('analysis worker: a real worker thread', function () {
  this.timeout(60_000);
  let harness: Harness;
  let dir: string;

  beforeEach(() => {
    harness = new Harness();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conv-lens-worker-'));
  });

  afterEach(() => {
    harness.worker.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts at the first job, analyzes an open document, and follows its edits exactly', async () => {
    const file = path.join(dir, 'net.py');
    assert.equal(harness.worker.starts, 0);
    harness.open('file://', file, NET);
    const first = result(await harness.analyze('file://', file));
    assert.equal(harness.worker.starts, 1);
    assert.equal(first.analysis.models[0].layers[0].record?.params, 16n * 2n * 9n + 16n);
    const at = NET.indexOf('groups=4') + 'groups='.length;
    harness.edit('file://', file, at, at + 1, '8');
    harness.edit('file://', file, 0, 0, '# edited\n');
    const second = result(await harness.analyze('file://', file));
    const text = harness.documents.get(placeKey('file://', file))!.text;
    assert.equal(json(second.analysis), json(analyzeFile(text, { file, host: { readFile: () => undefined }, searchRoots: [] })));
    assert.equal(second.analysis.models[0].layers[0].record?.params, 16n * 1n * 9n + 16n);
  });

  it('reads imported files from disk itself, and records what it read', async () => {
    fs.writeFileSync(path.join(dir, 'blocks.py'), 'import torch.nn as nn\n\ndef block(c):\n    return nn.Conv2d(c, c, 3, padding=1)\n');
    const file = path.join(dir, 'uses.py');
    harness.open('file://', file, 'import torch.nn as nn\nfrom blocks import block\n\nclass Uses(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.b = block(4)\n');
    const outcome = result(await harness.analyze('file://', file));
    assert.equal(outcome.analysis.models[0].layers[0].record?.params, 4n * 4n * 9n + 4n);
    assert.ok(outcome.reads.includes(placeKey('file://', path.join(dir, 'blocks.py'))), JSON.stringify(outcome.reads));
  });

  it('keeps parses of the files it imports in the folder the extension gives, for its next lives', async () => {
    const cache = path.join(dir, 'storage');
    // A library file long enough to be worth keeping (parse.ts, STORED_PARSE_MIN_CHARS).
    const padding = Array.from({ length: 60 }, (_, i) => `# line ${i} of a long library file, as timm's are\n`).join('');
    fs.writeFileSync(path.join(dir, 'blocks.py'), `${padding}import torch.nn as nn\n\ndef block(c):\n    return nn.Conv2d(c, c, 3, padding=1)\n`);
    const file = path.join(dir, 'uses.py');
    const text = 'import torch.nn as nn\nfrom blocks import block\n\nclass Uses(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.b = block(4)\n';
    const lives = [new Harness(cache), new Harness(cache)];
    try {
      const results: Outcome[] = [];
      for (const life of lives) {
        life.open('file://', file, text);
        results.push(await life.analyze('file://', file));
        life.worker.dispose();
      }
      assert.equal(result(results[0]).analysis.models[0].layers[0].record?.params, 4n * 4n * 9n + 4n);
      assert.equal(json(result(results[1]).analysis), json(result(results[0]).analysis));
      const kept = fs.readdirSync(path.join(cache, 'parses'));
      assert.equal(kept.filter((name) => name.endsWith('.parse')).length, 1, kept.join(', '));
    } finally {
      for (const life of lives) life.worker.dispose();
    }
  });

  it('gives each phase the step budget the settings give', async () => {
    const loops = [0, 1, 2, 3].map((j) => `        x${j} = 0\n        for i in range(150000):\n            x${j} += i\n`).join('');
    const file = path.join(dir, 'looping.py');
    harness.open('file://', file, `import torch.nn as nn\n\n\nclass Looping(nn.Module):\n    def __init__(self):\n        super().__init__()\n${loops}        self.conv = nn.Conv2d(8, 8, 3)\n`);
    const short = result(await harness.analyze('file://', file));
    assert.equal(short.analysis.models[0].totals.params, null);
    assert.ok(short.analysis.unresolved.some((u) => u.why === 'step budget exceeded'), json(short.analysis.unresolved));
    const long = result(await harness.analyze('file://', file, 5000, null, 20_000_000));
    assert.equal(long.analysis.models[0].totals.params, 584n);
  });

  it('asks the host for files it cannot read, and has them for the next run', async () => {
    const root = 'vscode-vfs://github';
    harness.files.set(placeKey(root, '/repo/blocks.py'), 'import torch.nn as nn\n\ndef block(c):\n    return nn.Conv2d(c, c, 1)\n');
    harness.open(root, '/repo/uses.py', 'import torch.nn as nn\nfrom blocks import block\n\nclass Uses(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.b = block(4)\n');
    const before = result(await harness.analyze(root, '/repo/uses.py'));
    assert.equal(before.analysis.models[0]?.layers[0]?.record ?? null, null, 'the file has not arrived yet');
    for (let i = 0; i < 50 && harness.arrived.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(harness.arrived, [placeKey(root, '/repo/blocks.py')]);
    // The next run (the extension starts it when the file arrives) sees it.
    harness.edit(root, '/repo/uses.py', 0, 0, '\n');
    const after = result(await harness.analyze(root, '/repo/uses.py'));
    assert.equal(after.analysis.models[0].layers[0].record?.params, 4n * 4n + 4n);
  });

  it('replaces a waiting job for the same document', async () => {
    const a = path.join(dir, 'a.py');
    const b = path.join(dir, 'b.py');
    harness.open('file://', a, NET);
    harness.open('file://', b, NET);
    const running = harness.analyze('file://', a);
    const replaced = harness.analyze('file://', b);
    const latest = harness.analyze('file://', b, 5000, [2n, 8n, 16n, 16n]);
    assert.equal((await replaced).kind, 'superseded');
    result(await running);
    assert.deepEqual(result(await latest).analysis.models[0].input, [2n, 8n, 16n, 16n]);
  });

  it('stops a worker that outlives twice the deadline, says why, and analyzes the next job in a new one', async () => {
    const hostile = path.join(dir, 'hostile.py');
    // A file just under the 4 M-character limit: its parse, one call no budget check can
    // interrupt, takes about a second of CPU (0.9 s on a quiet machine), far past the 200 ms
    // watchdog: only the watchdog can stop it.
    const line = 'x = a + b + c + d + e + f + g + h + i + j + k + l + m + n\n';
    harness.open('file://', hostile, `import torch.nn as nn\n${line.repeat(Math.floor(3_700_000 / line.length))}`);
    const stopped = await harness.analyze('file://', hostile, 100);
    assert.equal(stopped.kind, 'failed');
    assert.match((stopped as { reason: string }).reason, /no answer within 200 ms \(twice the convLens\.analysisTimeoutMs deadline\)/);
    const file = path.join(dir, 'net.py');
    harness.open('file://', file, NET);
    result(await harness.analyze('file://', file));
    assert.equal(harness.worker.starts, 2);
  });

  it('stops a long analysis at its deadline and says what it skipped', async () => {
    const file = path.join(dir, 'loops.py');
    // The loops take several seconds before the step budget would stop them, and the analysis
    // reads its clock every few thousand steps. A whole second of deadline leaves the watchdog
    // (at twice it) a second's margin, which a loaded machine needs to post the answer.
    harness.open('file://', file, LONG_LOOPS);
    const outcome = result(await harness.analyze('file://', file, 1000));
    assert.deepEqual(outcome.stopped, { reason: 'deadline', deadlineMs: 1000 });
    assert.ok(outcome.analysis.unresolved.some((u) => /analysis deadline of 1000 ms reached/.test(u.why)), json(outcome.analysis.unresolved));
  });

  it('abandons a running analysis when a newer one for the same document comes', async () => {
    const file = path.join(dir, 'loops.py');
    harness.open('file://', file, LOOPS);
    const stale = harness.analyze('file://', file, 60_000);
    await new Promise((r) => setTimeout(r, 50));
    harness.edit('file://', file, 0, LOOPS.length, NET);
    const fresh = harness.analyze('file://', file, 60_000);
    // Without cancellation the stale run would finish and answer with its result.
    assert.equal((await stale).kind, 'superseded');
    const outcome = result(await fresh);
    assert.equal(outcome.stopped, null);
    assert.equal(outcome.analysis.models[0].layers[0].record?.params, 16n * 2n * 9n + 16n);
  });

  it('ends the worker thread when disposed', async () => {
    const file = path.join(dir, 'net.py');
    harness.open('file://', file, NET);
    result(await harness.analyze('file://', file));
    harness.worker.dispose();
    for (let i = 0; i < 100 && harness.exits.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(harness.exits.length, 1);
  });
});

describe('analysis worker: cancellation through shared memory', () => {
  it('abandons a run the host has given up on', () => {
    const posted: unknown[] = [];
    const service = new AnalysisService({ post: (m) => posted.push(m), now: () => performance.now(), warn: (t) => posted.push(t) });
    const cancel = new SharedArrayBuffer(4);
    service.handle({ type: 'init', cancel });
    service.handle({ type: 'open', root: 'file://', path: '/w/net.py', version: 1, text: NET });
    Atomics.store(new Int32Array(cancel), 0, 5);
    service.handle({ type: 'analyze', run: 5, root: 'file://', path: '/w/net.py', version: 1, source: null, settings: { input: null, searchRoots: [], readableRoots: null, deadlineMs: 5000, maxSteps: 2_000_000, environment: [] } });
    assert.deepEqual(posted, [{ type: 'ready' }, { type: 'cancelled', run: 5 }]);
    service.handle({ type: 'analyze', run: 6, root: 'file://', path: '/w/net.py', version: 1, source: null, settings: { input: null, searchRoots: [], readableRoots: null, deadlineMs: 5000, maxSteps: 2_000_000, environment: [] } });
    assert.equal((posted[posted.length - 1] as { type: string }).type, 'result');
  });
});

describe('analysis worker: Restricted Mode holds every import read to the readable folders', () => {
  const LAYERS = 'import torch.nn as nn\n\ndef block():\n    return nn.Conv2d(8, 16, 3)\n';
  const USER = 'import torch.nn as nn\nfrom layers import block\n\n# conv-lens: input=(1, 8, 16, 16)\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = block()\n\n    def forward(self, x):\n        return self.conv(x)\n';

  function run(readableRoots: string[] | null, outside: string, workspace: string): { params: bigint | null | undefined; reads: string[]; asked: unknown[] } {
    const posted: Array<{ type: string }> = [];
    const service = new AnalysisService({
      post: (m) => posted.push(m),
      now: () => performance.now(),
      warn: (t) => posted.push({ type: `warn ${t}` }),
      readDisk: (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined),
    });
    const file = path.join(workspace, 'net.py');
    service.handle({ type: 'open', root: 'file://', path: file, version: 1, text: USER });
    service.handle({ type: 'analyze', run: 1, root: 'file://', path: file, version: 1, source: null, settings: { input: null, searchRoots: [outside, workspace], readableRoots, deadlineMs: 5000, maxSteps: 2_000_000, environment: [] } });
    const done = posted.find((m) => m.type === 'result') as { analysis: FileAnalysis; reads: string[] } | undefined;
    assert.ok(done, 'the run posts a result');
    const joined = joinResult(done.analysis, posted.filter((m) => m.type === 'part') as ResultPart[]);
    assert.ok(joined.ok);
    return { params: joined.value.models[0]?.layers[0]?.record?.params, reads: done.reads, asked: posted.filter((m) => m.type === 'read') };
  }

  it('reads an import from a search root outside the workspace only when trusted', () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'conv-lens-restricted-'));
    const workspace = path.join(base, 'ws');
    const outside = path.join(base, 'elsewhere');
    fs.mkdirSync(workspace);
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'layers.py'), LAYERS);
    try {
      const trusted = run(null, outside, workspace);
      assert.equal(trusted.params, 16n * 8n * 9n + 16n);
      const restricted = run([workspace], outside, workspace);
      assert.equal(restricted.params, undefined, 'the layer from outside the workspace stays unknown');
      assert.ok(!restricted.reads.some((k) => k.includes('elsewhere')), 'nothing outside the workspace is read');
      assert.deepEqual(restricted.asked, [], 'nor asked of the host');
      fs.writeFileSync(path.join(workspace, 'layers.py'), LAYERS);
      assert.equal(run([workspace], outside, workspace).params, 16n * 8n * 9n + 16n, 'inside the workspace it is read');
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
