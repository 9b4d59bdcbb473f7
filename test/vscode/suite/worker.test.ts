import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { analyzeFile } from '../../../src/analysis';
import { activateConvLens, closeAllEditors, workspaceFile } from './helpers';

/**
 * The analysis runs in a worker, off the extension host's thread. These tests open files whose
 * analysis is long (a model built from a large imported library) or hostile (a billion-step loop
 * and a power with a 10^9-bit result), check that the right results (or the reason there are
 * none) arrive, and log how long the extension host's longest task was meanwhile: figures to
 * read, never timed assertions.
 */

interface Exports {
  analyses: { lastMillis: number; workerStarts: number };
  timings: { take(kind: string): number[] };
}

/**
 * Watches the extension host's event loop: a 5 ms interval timer that cannot run while a task
 * holds the thread, so the longest gap between its runs (less the 5 ms) is the longest task;
 * perf_hooks' event loop delay histogram gives the distribution.
 */
class LoopWatch {
  private last = performance.now();
  private longest = 0;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly histogram = monitorEventLoopDelay({ resolution: 5 });

  constructor() {
    this.histogram.enable();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.longest = Math.max(this.longest, now - this.last - 5);
      this.last = now;
    }, 5);
  }

  stop(): string {
    clearInterval(this.timer);
    this.histogram.disable();
    const ms = (ns: number): string => (ns / 1e6).toFixed(1);
    return `longest extension-host task ${this.longest.toFixed(1)} ms (5 ms interval drift); event loop delay p50 ${ms(this.histogram.percentile(50))} ms, p99 ${ms(this.histogram.percentile(99))} ms, max ${ms(this.histogram.max)} ms`;
  }
}

/** The worker's messages whose handling on the host is timed on its own. */
const messageTypes = ['result', 'part', 'cancelled', 'read'];
const timingKinds = ['host:message', 'host:refresh', 'codeLens', ...messageTypes.map((type) => `host:message:${type}`)];

/** A line whose parse is dear for its length (about 0.25 µs a character). */
const STALLING_LINE = 'x = a + b + c + d + e + f + g + h + i + j + k + l + m + n\n';

function hostSummary(exports: Exports): string {
  const longest = (kind: string): string => {
    const sorted = exports.timings.take(kind).sort((a, b) => a - b);
    return `${sorted[sorted.length - 1]?.toFixed(2) ?? '-'} ms over ${sorted.length}`;
  };
  const byType = messageTypes.map((type) => `${type} ${longest(`host:message:${type}`)}`).join(', ');
  return `Conv Lens's own host-side tasks, longest of each kind: message from the worker ${longest('host:message')} (${byType}), surface refresh ${longest('host:refresh')}, CodeLens provider ${longest('codeLens')}`;
}

/** A library of `blocks` conv blocks (about 12 lines each) and a factory chaining them all. */
function bigLibrary(blocks: number): { source: string; params: bigint } {
  const lines = ['import torch.nn as nn', ''];
  let params = 0n;
  for (let b = 0; b < blocks; b++) {
    const c = 8 * (1 + (b % 4));
    const groups = [1, 2, 4, c][b % 4];
    lines.push(`class Block${b}(nn.Module):`, '    def __init__(self):', '        super().__init__()');
    for (let i = 0; i < 4; i++) {
      const k = 1 + 2 * (i % 2);
      lines.push(`        self.conv${i} = nn.Conv2d(${c}, ${c}, ${k}, padding=${i % 2}, groups=${i === 3 ? groups : 1})`);
      params += BigInt(c * (c / (i === 3 ? groups : 1)) * k * k + c);
    }
    lines.push('', '    def forward(self, x):', '        return self.conv3(self.conv2(self.conv1(self.conv0(x))))', '', '');
  }
  lines.push('def build():', `    return nn.ModuleList([${Array.from({ length: blocks }, (_, b) => `Block${b}()`).join(', ')}])`, '');
  return { source: lines.join('\n'), params };
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function write(name: string, text: string): Promise<vscode.Uri> {
  const uri = workspaceFile(name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('convLens').update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** Resolves with the document's Conv Lens diagnostics once one matches. */
function diagnosticMatching(uri: vscode.Uri, pattern: RegExp, timeoutMs: number): Promise<vscode.Diagnostic> {
  return new Promise((resolve, reject) => {
    const find = (): vscode.Diagnostic | undefined => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'Conv Lens' && pattern.test(d.message));
    const listener = vscode.languages.onDidChangeDiagnostics(() => {
      const found = find();
      if (!found) return;
      listener.dispose();
      clearTimeout(timer);
      resolve(found);
    });
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`no diagnostic matching ${pattern}: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => d.message))}`));
    }, timeoutMs);
  });
}

describe('Conv Lens analysis worker', () => {
  let exports: Exports;

  before(async () => {
    exports = (await activateConvLens()).exports as Exports;
  });

  after(closeAllEditors);

  it('analyzes a model built from a large imported library, the host staying free meanwhile', async () => {
    const blocks = 400;
    const library = bigLibrary(blocks);
    await write('perf_big_lib.py', library.source);
    const uri = await write('perf_uses_big_lib.py', [
      'import torch.nn as nn',
      'from perf_big_lib import build',
      '',
      '',
      '# conv-lens: input=(1, 8, 32, 32)',
      'class UsesBigLib(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.blocks = build()',
      '',
      '    def forward(self, x):',
      '        return x',
      '',
    ].join('\n'));
    for (const kind of timingKinds) exports.timings.take(kind);
    const watch = new LoopWatch();
    const started = performance.now();
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
    const arrived = performance.now() - started;
    const loop = watch.stop();
    const titles = lenses.map((l) => l.command?.title ?? '');
    // The model lens counts every conv of the library's blocks: the params computed above, written short (e.g. 1.23M).
    const modelLens = titles.find((t) => t.includes(`${blocks * 4} conv layers`));
    assert.ok(modelLens, JSON.stringify(titles.slice(0, 5)));
    const report = await vscode.commands.executeCommand<vscode.Uri>('convLens.exportReportJson', uri.toString(), workspaceFile('perf_big_lib.json').toString());
    void report;
    // `conv-lens report --json`: one object for one model, an array for several.
    const exported = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceFile('perf_big_lib.json')))) as { totals: { conv_params: number } } | Array<{ totals: { conv_params: number } }>;
    const json = Array.isArray(exported) ? exported[0] : exported;
    assert.equal(BigInt(json.totals.conv_params), library.params);
    // Side by side, under the same load: the task this analysis was on the host's thread before it moved to the worker.
    const inThread = performance.now();
    const same = analyzeFile(document.getText(), { file: uri.path, host: { readFile: (path) => readOrUndefined(path) }, searchRoots: [workspaceFile('').path], input: [1n, 8n, 32n, 32n] });
    const inThreadMillis = performance.now() - inThread;
    assert.equal(same.models[0].totals.conv_params, library.params);
    console.log(`[measure] the same analysis run on the extension host's thread, as before the worker: one task of ${inThreadMillis.toFixed(0)} ms`);
    console.log(`[measure] worker, file importing a ${library.source.split('\n').length}-line library (${blocks * 4} convs): analysis ${exports.analyses.lastMillis.toFixed(0)} ms in the worker, lenses after ${arrived.toFixed(0)} ms; ${loop}; ${hostSummary(exports)}`);
  });

  it('shows what a long analysis found by its deadline, and says why the rest is missing', async () => {
    // Each of the 64 models loops 300,000 times in __init__: about 100 ms of work on this kind of
    // machine, within the step budget each model's construction gets afresh. The whole file takes
    // over 6 s, so the 1000 ms deadline ends it on any machine several times faster; one budget
    // for the file could not have done that (a fast machine spends it before the deadline). A
    // whole second leaves the watchdog (at twice the deadline) room on a loaded machine.
    await setting('analysisTimeoutMs', 1000);
    try {
      const slowModel = (k: number): string => `\n\nclass Slow${k}(nn.Module):\n    def __init__(self):\n        super().__init__()\n`
        + [0, 1].map((j) => `        x${j} = 0\n        for i in range(150000):\n            x${j} += i\n`).join('')
        + '        self.conv = nn.Conv2d(8, 8, 3)\n';
      const models = Array.from({ length: 64 }, (_, k) => slowModel(k)).join('');
      const uri = await write('perf_long.py', `import torch.nn as nn\n\nearly = nn.Conv2d(4, 8, 3)\n${models}`);
      const stopped = diagnosticMatching(uri, /at its 1000 ms deadline \(convLens\.analysisTimeoutMs\)/, 40_000);
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document);
      await stopped;
      // The conv before the loops was found in time: its lens is there.
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
      assert.ok(lenses.some((l) => l.command?.title.startsWith('296 params')), JSON.stringify(lenses.map((l) => l.command?.title)));
    } finally {
      await setting('analysisTimeoutMs', undefined);
    }
  });

  it('says on line 1 when the analysis ran out of steps, and a larger convLens.maxAnalysisSteps lets it finish', async () => {
    // Four loops of 150,000 iterations in one __init__: about 3 million steps, past the default
    // budget of 2 million each model's construction gets, and a fraction of a second of work.
    const loops = [0, 1, 2, 3].map((j) => `        x${j} = 0\n        for i in range(150000):\n            x${j} += i\n`).join('');
    const uri = await write('perf_steps.py', `import torch.nn as nn\n\n\nclass Looping(nn.Module):\n    def __init__(self):\n        super().__init__()\n${loops}        self.conv = nn.Conv2d(8, 8, 3)\n`);
    const outOfSteps = diagnosticMatching(uri, /ran out of analysis steps in this file \(convLens\.maxAnalysisSteps: 2,000,000\)/, 40_000);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await outOfSteps;
    // The model's lens: its one conv layer is found once its construction runs to the end.
    const BUILT = /^584 params · .* · 1 conv layer · /;
    const before = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
    assert.ok(!before.some((l) => BUILT.test(l.command?.title ?? '')), JSON.stringify(before.map((l) => l.command?.title)));
    await setting('maxAnalysisSteps', 20_000_000);
    try {
      const deadline = Date.now() + 40_000;
      let titles: string[] = [];
      while (Date.now() < deadline) {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
        titles = lenses.map((l) => l.command?.title ?? '');
        if (titles.some((t) => BUILT.test(t))) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.ok(titles.some((t) => BUILT.test(t)), JSON.stringify(titles));
      assert.ok(!vscode.languages.getDiagnostics(uri).some((d) => /ran out of analysis steps/.test(d.message)), 'the notice is gone');
    } finally {
      await setting('maxAnalysisSteps', undefined);
    }
  });

  it('stops a hostile file\'s analysis, says why, keeps the host free, and analyzes the next file', async () => {
    // 200 ms, so the watchdog (twice the deadline) stops the stalled worker well before the test's time runs out.
    await setting('analysisTimeoutMs', 200);
    try {
      const uri = await write('perf_hostile.py', [
        'import torch.nn as nn',
        '',
        'x = 0',
        'for i in range(1000000000):',
        '    x += i',
        'y = (2**99999)**10000',
        '',
        '',
        'class Hostile(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.conv = nn.Conv2d(3, 8, 3)',
        '',
        // Then lines up to just under the 4 M-character limit: their parse, one call no budget
        // check can interrupt, takes about a second of CPU, far past the 400 ms watchdog, so only
        // the watchdog can stop the worker.
        STALLING_LINE.repeat(Math.floor(3_700_000 / STALLING_LINE.length)),
      ].join('\n'));
      const startsBefore = exports.analyses.workerStarts;
      for (const kind of timingKinds) exports.timings.take(kind);
      const watch = new LoopWatch();
      const started = performance.now();
      const stopped = diagnosticMatching(uri, /convLens\.analysisTimeoutMs/, 60_000);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const diagnostic = await stopped;
      const arrived = performance.now() - started;
      const loop = watch.stop();
      assert.match(diagnostic.message, /Conv Lens stopped analyzing this file/);
      console.log(`[measure] worker, hostile file (1e9-step loop, (2**99999)**10000, 3.7 M characters to parse), deadline 200 ms: "${diagnostic.message}" after ${arrived.toFixed(0)} ms; ${loop}; ${hostSummary(exports)}`);

      // The next file is analyzed as usual (by a new worker when the old one was stopped).
      const net = await vscode.workspace.openTextDocument(workspaceFile('editor_net.py'));
      const at = net.positionAt(net.getText().indexOf('nn.Conv2d(64, 128') + 4);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', net.uri, at);
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(text, /groups=8: 8\.0x fewer weights and MACs than dense/);
      console.log(`[measure] analysis workers started since the hostile file was opened: ${exports.analyses.workerStarts - startsBefore}`);
    } finally {
      await setting('analysisTimeoutMs', undefined);
    }
  });
});
