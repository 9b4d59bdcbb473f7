import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateConvLens, closeAllEditors, workspaceFile } from './helpers';

/**
 * Measurements in the real extension host, logged rather than asserted (goals are checked by
 * reading the log, never as timed assertions): activation time, hover latency on a 2,000-line
 * model file, and the time from an edit to refreshed diagnostics.
 */

/** A 2,000-line file of many model classes, each with a dozen convs and a forward. */
function bigModelSource(): string {
  const lines = ['import torch', 'import torch.nn as nn', ''];
  for (let block = 0; lines.length < 2000; block++) {
    const c = 16 * (1 + (block % 4));
    lines.push('', `# conv-lens: input=(1, ${c}, 32, 32)`, `class Block${block}(nn.Module):`, '    def __init__(self):', '        super().__init__()');
    for (let i = 0; i < 12; i++) {
      const groups = [1, 2, 4, c][i % 4];
      lines.push(`        self.conv${i} = nn.Conv2d(${c}, ${c}, ${1 + 2 * (i % 2)}, padding=${i % 2}, groups=${groups})`);
    }
    lines.push('', '    def forward(self, x):');
    for (let i = 0; i < 12; i++) lines.push(`        x = self.conv${i}(x)`);
    lines.push('        return x');
  }
  return lines.join('\n');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe('Conv Lens measurements (logged)', () => {
  let exports: { activationMillis?: number; analyses?: { lastMillis: number }; timings?: { take(kind: string): number[] } } | undefined;

  before(async () => {
    const extension = await activateConvLens();
    exports = extension.exports as typeof exports;
  });

  after(closeAllEditors);

  it('logs activation time', () => {
    assert.equal(typeof exports?.activationMillis, 'number');
    console.log(`[measure] activation (activate() body): ${exports!.activationMillis} ms`);
  });

  it('logs hover latency p50/p99 on a 2,000-line model file', async () => {
    const uri = workspaceFile('perf_big_model.py');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(bigModelSource()));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.ok(document.lineCount >= 2000);
    const targets: vscode.Position[] = [];
    for (let line = 0; line < document.lineCount; line++) {
      const at = document.lineAt(line).text.indexOf('nn.Conv2d(');
      if (at >= 0) targets.push(new vscode.Position(line, at + 3));
    }
    const first = Date.now();
    const warm = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, targets[0]);
    const firstMillis = Date.now() - first;
    assert.ok(warm.length > 0, 'no hover on the first conv');
    // Let the file watcher's event for the new file (which invalidates the cache) and the
    // debounced diagnostics run happen before measuring steady-state hovers.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, targets[0]);
    exports?.timings?.take('hover');
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      const position = targets[(i * 7919) % targets.length];
      const started = performance.now();
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
      times.push(performance.now() - started);
      assert.ok(hovers.length > 0);
    }
    times.sort((a, b) => a - b);
    const inside = (exports?.timings?.take('hover') ?? []).sort((a, b) => a - b);
    console.log(`[measure] hover provider itself (inside the extension host): p50 ${percentile(inside, 50).toFixed(3)} ms, p99 ${percentile(inside, 99).toFixed(3)} ms, max ${inside[inside.length - 1]?.toFixed(3)} ms over ${inside.length} calls`);
    console.log(`[measure] 2,000-line file (${targets.length} convs): first hover incl. analysis ${firstMillis} ms (analysis ${exports?.analyses?.lastMillis} ms); hover p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms over ${times.length} hovers (through vscode.executeHoverProvider)`);
  });

  it('logs the time from an edit to refreshed diagnostics on the 2,000-line file', async () => {
    const uri = workspaceFile('perf_big_model.py');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const line = document.getText().split('\n').findIndex((l) => l.includes('groups=2)'));
    const at = document.lineAt(line).text.indexOf('groups=2)') + 'groups='.length;
    const changed = new Promise<number>((resolve) => {
      const listener = vscode.languages.onDidChangeDiagnostics((e) => {
        if (!e.uris.some((u) => u.toString() === uri.toString())) return;
        if (!vscode.languages.getDiagnostics(uri).some((d) => d.source === 'Conv Lens' && /divisible by groups/.test(d.message))) return;
        listener.dispose();
        resolve(Date.now());
      });
    });
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(line, at, line, at + 1), '3');
    const started = Date.now();
    assert.ok(await vscode.workspace.applyEdit(edit));
    const refreshed = await changed;
    console.log(`[measure] edit -> diagnostics on the 2,000-line file: ${refreshed - started} ms (200 ms debounce + analysis ${exports?.analyses?.lastMillis} ms)`);
    await vscode.commands.executeCommand('undo');
  });
});
