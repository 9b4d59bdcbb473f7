import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateConvLens, closeAllEditors, openWorkspaceFile, positionOf, workspaceFile } from './helpers';

/** The text of every hover at a position, joined. */
async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

async function lensTitles(document: vscode.TextDocument): Promise<Array<{ line: number; title: string }>> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100);
  return lenses.filter((l) => l.command).map((l) => ({ line: l.range.start.line, title: l.command!.title }));
}

function convLensDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Conv Lens');
}

/** Resolves once `check` holds for the document's Conv Lens diagnostics (checked on every change). */
function diagnosticsWhere(uri: vscode.Uri, check: (ds: vscode.Diagnostic[]) => boolean, timeoutMs = 5000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const done = (): boolean => {
      const ds = convLensDiagnostics(uri);
      if (!check(ds)) return false;
      listener.dispose();
      clearTimeout(timer);
      resolve(ds);
      return true;
    };
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) done();
    });
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`diagnostics did not reach the expected state: ${JSON.stringify(convLensDiagnostics(uri).map((d) => d.message))}`));
    }, timeoutMs);
    done();
  });
}

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('convLens').update(key, value, vscode.ConfigurationTarget.Workspace);
}

describe('Conv Lens editor surfaces', () => {
  before(async () => {
    await activateConvLens();
  });

  afterEach(closeAllEditors);

  it('hovers a grouped conv with its shapes, counts, grouped-vs-dense line and command links', async () => {
    const { document } = await openWorkspaceFile('editor_net.py');
    const text = await hoverText(document, positionOf(document, 'nn.Conv2d(64, 128', 4));
    // One line of figures first, then the layer, then the exact counts.
    assert.equal(text.split('\n\n')[0], '`[1, 64, 32, 32]` → `[1, 128, 32, 32]` · 9,344 params · 9.44M MACs (18.9M FLOPs) · groups=8: 8x fewer than dense');
    assert.match(text, /\*\*Conv2d\*\*, grouped/);
    assert.match(text, /weight `\[128, 8, 3, 3\]`/);
    assert.match(text, /9,437,184 MACs · 18,874,368 FLOPs \(2 x MACs\)/);
    assert.match(text, /groups=8: 8\.0x fewer weights and MACs than dense \(9,216 vs 73,728 weights\)/);
    assert.match(text, /\(command:convLens\.compareLayer\?/);
    assert.match(text, /\(command:convLens\.showReport\?/);
  });

  it('hovers a depthwise conv with the depthwise-separable comparison and MobileNet 1/N + 1/k^2', async () => {
    const { document } = await openWorkspaceFile('editor_net.py');
    const text = await hoverText(document, positionOf(document, 'nn.Conv2d(128, 128', 4));
    // depthwise 1,152 + pointwise 33,024 = 34,176 params vs one dense 3x3 128->256 conv: 295,168.
    assert.match(text, /34,176 vs 295,168 params/);
    assert.match(text, /1\/N \+ 1\/k²/);
  });

  it('hovers a self.layer(x) call in forward with the layer that call ran and its input -> output shape', async () => {
    const { document } = await openWorkspaceFile('editor_net.py');
    const text = await hoverText(document, positionOf(document, 'self.grouped(out)', 6));
    assert.match(text, /^`\[1, 64, 32, 32\]` → `\[1, 128, 32, 32\]` · 9,344 params/m);
    assert.match(text, /`grouped`: Conv2d, grouped, in EditorNet/);
  });

  it('hovers a block\'s forward call with the block\'s layer, not the model\'s layer of the same name', async () => {
    const { document } = await openWorkspaceFile('editor_blocks.py');
    const text = await hoverText(document, positionOf(document, 'self.conv1(x)', 6));
    // Block.conv1 in blocks.0 takes the stem's 16 channels at 16x16; Net.conv1 (the stem) takes the 3-channel image.
    assert.match(text, /^`\[1, 16, 16, 16\]` → `\[1, 16, 16, 16\]` · 2,304 params/m);
    assert.match(text, /`blocks\.0\.conv1`: Conv2d, dense, in Net/);
    const second = await hoverText(document, positionOf(document, 'self.conv2(out)', 6));
    assert.match(second, /`blocks\.0\.conv2`/);
  });

  it('hovers an assignment target in forward with its shape', async () => {
    const { document } = await openWorkspaceFile('editor_net.py');
    const text = await hoverText(document, positionOf(document, 'out = self.depthwise', 1));
    assert.match(text, /\*\*out\*\*: `\[1, 128, 32, 32\]`/);
  });

  it('puts CodeLens above the model (totals, Report, Set Input Shape) and above each conv', async () => {
    const { document } = await openWorkspaceFile('editor_net.py');
    const titles = await lensTitles(document);
    const classLine = positionOf(document, 'class EditorNet').line;
    const onClass = titles.filter((t) => t.line === classLine).map((t) => t.title);
    assert.ok(onClass.some((t) => /45\.3K params · .*MACs.* · 4 conv layers · input \[1, 3, 32, 32\]/.test(t)), onClass.join(' | '));
    assert.ok(onClass.includes('Report') && onClass.includes('Set Input Shape'), onClass.join(' | '));
    const groupedLine = positionOf(document, 'self.grouped =').line;
    assert.ok(titles.some((t) => t.line === groupedLine && t.title.startsWith('9,344 params') && t.title.includes('8.0x fewer than dense')), JSON.stringify(titles));
  });

  it('shows shapes as inlay hints after assignments in forward, and hides them by setting', async () => {
    const { document } = await openWorkspaceFile('editor_net.py');
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, whole);
    const stemLine = positionOf(document, 'out = self.stem(x)').line;
    const label = (h: vscode.InlayHint): string => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
    assert.ok(hints.some((h) => h.position.line === stemLine && label(h) === '[1, 64, 32, 32]'), JSON.stringify(hints.map((h) => [h.position.line, label(h)])));
    await setting('inlayHints.enabled', false);
    try {
      const none = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, whole);
      assert.equal(none.filter((h) => label(h).startsWith('[')).length, 0);
    } finally {
      await setting('inlayHints.enabled', undefined);
    }
  });

  it('reports invalid groups with PyTorch\'s message, offers "Set groups to N", and clears after the fix', async () => {
    const editor = await openWorkspaceFile('editor_bad_groups.py');
    const { document } = editor;
    const [diagnostic] = await diagnosticsWhere(document.uri, (ds) => ds.length > 0);
    assert.equal(diagnostic.message, 'in_channels must be divisible by groups: in_channels 30 is not divisible by groups 4 (valid groups for 30 → 64 channels: 1, 2)');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostic.range.start.line, positionOf(document, 'self.conv2 =').line);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range);
    const titles = actions.map((a) => a.title);
    // gcd(30, 64) = 2: the valid groups are 1 and 2, nearest to 4 first.
    const fixes = titles.filter((t) => t.startsWith('Set '));
    assert.deepEqual(fixes, [
      'Set groups to 2 (nearest valid value; changes this layer only)',
      'Set groups to 1 (nearest valid value; changes this layer only)',
      'Set in_channels to 32 (nearest multiple of groups 4; the layer before must then give 32 channels)',
    ]);
    const fix = actions.find((a) => a.title.startsWith('Set groups to 2'))!;
    const started = Date.now();
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    assert.match(document.getText(), /nn\.Conv2d\(30, 64, kernel_size=3, padding=1, groups=2\)/);
    await diagnosticsWhere(document.uri, (ds) => ds.length === 0);
    console.log(`[measure] edit -> refreshed diagnostics: ${Date.now() - started} ms (debounce included)`);
    await vscode.commands.executeCommand('undo');
    assert.match(document.getText(), /groups=4\)/, 'one undo restores the original');
  });

  it('rewrites a dense 3x3 conv into depthwise + pointwise, keeping the model valid', async () => {
    const convertTitle = 'Convert to depthwise-separable (depthwise 3x3 + pointwise 1x1): renames the weights, checkpoints for this layer will not load';
    // An RGB stem (3 input channels) stays dense, as the hovers advise: nothing to convert there.
    const net = (await openWorkspaceFile('editor_net.py')).document;
    const stem = positionOf(net, 'nn.Conv2d(3, 64', 2);
    const stemActions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', net.uri, new vscode.Range(stem, stem));
    assert.ok(!stemActions.some((a) => a.title.startsWith('Convert')), stemActions.map((a) => a.title).join(' | '));

    const { document } = await openWorkspaceFile('whatif_net.py');
    const at = positionOf(document, 'nn.Conv2d(32, 64', 2);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, new vscode.Range(at, at));
    const convert = actions.find((a) => a.title === convertTitle);
    assert.ok(convert?.edit, actions.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(convert.edit));
    try {
      assert.ok(document.getText().includes([
        '        self.conv1 = nn.Sequential(OrderedDict([',
        "            ('depthwise', nn.Conv2d(32, 32, 3, padding=1, groups=32, bias=False)),",
        "            ('pointwise', nn.Conv2d(32, 64, 1)),",
        '        ]))',
      ].join('\n')), document.getText());
      assert.match(document.getText(), /^from collections import OrderedDict\nimport torch\n/m);
      const titles = await lensTitles(document);
      const classLine = positionOf(document, 'class PlainCNN').line;
      assert.ok(titles.some((t) => t.line === classLine && t.title.includes('6 conv layers')), JSON.stringify(titles));
      assert.deepEqual(convLensDiagnostics(document.uri).map((d) => d.message), []);
    } finally {
      await vscode.commands.executeCommand('undo');
    }
  });

  it('applies Set Input Shape live, per file', async () => {
    const { document } = await openWorkspaceFile('editor_net.py');
    await vscode.commands.executeCommand('convLens.setInputShape', document.uri.toString(), '2, 3, 64, 64');
    try {
      const text = await hoverText(document, positionOf(document, 'nn.Conv2d(64, 128', 4));
      assert.match(text, /`\[2, 64, 64, 64\]` → `\[2, 128, 64, 64\]`/);
    } finally {
      await vscode.commands.executeCommand('convLens.setInputShape', document.uri.toString(), '');
    }
    const text = await hoverText(document, positionOf(document, 'nn.Conv2d(64, 128', 4));
    assert.match(text, /`\[1, 64, 32, 32\]`/);
  });

  it('opens the report as a read-only document with the per-layer table', async () => {
    const { document } = await openWorkspaceFile('editor_net.py');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('convLens.showReport', document.uri.toString());
    assert.equal(uri?.scheme, 'conv-lens');
    const report = await vscode.workspace.openTextDocument(uri);
    assert.match(report.getText(), /\| grouped \(Conv2d\) \| grouped \| `\[1,128,32,32\]` \| 9,344 \|/);
    assert.match(report.getText(), /\*\*Total \(conv\)\*\* \| 4 layers/);
  });

  it('exports Markdown whose layer names link to their lines, and reveals a layer by its location', async () => {
    const { document } = await openWorkspaceFile('editor_net.py');
    const md = workspaceFile('exported.md');
    await vscode.commands.executeCommand('convLens.exportReportMarkdown', document.uri.toString(), md.toString());
    assert.match(new TextDecoder().decode(await vscode.workspace.fs.readFile(md)), /\| \[grouped\]\(<\.\/editor_net\.py#L11>\) \(Conv2d\) \|/);
    // Go to Layer acts on open documents only: another editor takes the front, this one stays open.
    await openWorkspaceFile('editor_symbolic.py');
    const line = positionOf(document, 'self.depthwise =').line;
    await vscode.commands.executeCommand('convLens.revealLayer', { uri: document.uri.toString(), line: line + 1, column: 25, endLine: line + 1, endColumn: 82 });
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), document.uri.toString());
    assert.deepEqual([vscode.window.activeTextEditor?.selection.active.line, vscode.window.activeTextEditor?.selection.active.character], [line, 25]);
  });

  it('turns CodeLens and hovers off by setting', async () => {
    const { document } = await openWorkspaceFile('editor_net.py');
    await setting('codeLens.enabled', false);
    await setting('hover.enabled', false);
    try {
      assert.equal((await lensTitles(document)).filter((t) => t.title === 'Set Input Shape').length, 0);
      assert.doesNotMatch(await hoverText(document, positionOf(document, 'nn.Conv2d(64, 128', 4)), /fewer weights/);
    } finally {
      await setting('codeLens.enabled', undefined);
      await setting('hover.enabled', undefined);
    }
  });

  it('exports the report as CSV and JSON with exact integers', async () => {
    const { document } = await openWorkspaceFile('editor_net.py');
    const csv = workspaceFile('exported.csv');
    const json = workspaceFile('exported.json');
    await vscode.commands.executeCommand('convLens.exportReportCsv', document.uri.toString(), csv.toString());
    await vscode.commands.executeCommand('convLens.exportReportJson', document.uri.toString(), json.toString());
    const csvText = new TextDecoder().decode(await vscode.workspace.fs.readFile(csv));
    // The CLI's CSV and JSON (`conv-lens report --format csv` / `--json`), one object for a file's one model.
    assert.match(csvText, /^editor_net\.py,EditorNet,grouped,Conv2d,11,\d+,64,128,3x3,1x1,1x1,1x1,8,true,grouped,128x8x3x3,1x64x32x32,1x128x32x32,9344,9437184,73856,75497472,8,$/m);
    const parsed = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(json))) as { totals: { conv_params: number } };
    assert.equal(parsed.totals.conv_params, 45312);
  });

  it('Analyze Layer opens the comparison panel on a typed layer, and keeps the CLI\'s description', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('convLens.analyzeLayer', 'nn.Conv2d(64, 128, 3, groups=8)', '1, 64, 56, 56');
    // The panel's tab shows up once the workbench has made it: look for it for a while.
    const compareTabs = (): string[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('convLens.compare')).map((t) => t.label);
    for (let i = 0; i < 100 && !compareTabs().includes('Compare: Conv2d (typed)'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(compareTabs(), ['Compare: Conv2d (typed)'], JSON.stringify(vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => [t.label, t.input instanceof vscode.TabInputWebview ? t.input.viewType : ''])));
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    assert.match(text, /^Conv2d\(64, 128, kernel_size=\(3, 3\), stride=\(1, 1\), groups=8\)$/m);
    assert.match(text, /output shape\s+\[1, 128, 54, 54\]/);
    assert.match(text, /groups=8 has 8x fewer weights and MACs than dense \(9,216 vs 73,728 weights\)/);
  });

  it('analyzes the code cells of a notebook together, mapping results back to each cell', async () => {
    const cell = (text: string): vscode.NotebookCellData => new vscode.NotebookCellData(vscode.NotebookCellKind.Code, text, 'python');
    const notebook = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData([
      cell('import torch.nn as nn'),
      cell('# conv-lens: input=(1, 8, 16, 16)\nclass CellNet(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(8, 16, 3, padding=1, groups=4)\n\n    def forward(self, x):\n        return self.conv(x)'),
      cell('%matplotlib inline\nbad = nn.Conv2d(6, 8, 3, groups=4)'),
    ]));
    await vscode.window.showNotebookDocument(notebook);
    const modelCell = notebook.cellAt(1).document;
    const text = await hoverText(modelCell, positionOf(modelCell, 'nn.Conv2d(8', 4));
    assert.match(text, /groups=4: 4\.0x fewer weights and MACs than dense/);
    assert.match(text, /`\[1, 8, 16, 16\]` → `\[1, 16, 16, 16\]`/);
    const badCell = notebook.cellAt(2).document;
    const [diagnostic] = await diagnosticsWhere(badCell.uri, (ds) => ds.length > 0);
    assert.equal(diagnostic.message, 'in_channels must be divisible by groups: in_channels 6 is not divisible by groups 4 (valid groups for 6 → 8 channels: 1, 2)');
    assert.equal(diagnostic.range.start.line, 1);
    assert.deepEqual(convLensDiagnostics(modelCell.uri), []);
  });

  it('shows symbolic figures as formulas with the reason', async () => {
    const { document } = await openWorkspaceFile('editor_symbolic.py');
    const text = await hoverText(document, positionOf(document, 'nn.Conv2d(nin, nin', 4));
    assert.match(text, /params = `10·nin`/);
    assert.match(text, /nin\\: parameter of SeparableBlock\\\.\\_\\_init\\_\\_, no call site found/);
    const titles = await lensTitles(document);
    assert.ok(titles.some((t) => t.title.startsWith('params symbolic')), JSON.stringify(titles));
  });

  it('follows imports of workspace files and shows their layers at the call site', async () => {
    const { document } = await openWorkspaceFile('editor_uses_import.py');
    const titles = await lensTitles(document);
    // conv_bn(3, 32, stride=2): a 3x3 conv without bias, 3*32*9 = 864 weights.
    assert.ok(titles.some((t) => t.line === positionOf(document, 'self.stage1').line && t.title.startsWith('stage1.0: 864 params')), JSON.stringify(titles));
    const text = await hoverText(document, positionOf(document, 'conv_bn(32', 2));
    assert.match(text, /`stage2\.0` — `\[1, 32, 32, 32\]` → `\[1, 64, 16, 16\]`/);
    assert.match(text, /\*\*Conv2d\*\*, dense/);
  });

  it('reads a torchvision backbone from the installed Python packages', async () => {
    // The runner puts test/vscode/site-packages, whose torchvision builds Conv2d(3, 16, 3), on PYTHONPATH.
    const { document } = await openWorkspaceFile('editor_uses_torchvision.py');
    const titles = await lensTitles(document);
    // 3*16*9 weights + 16 biases = 448 parameters.
    assert.ok(titles.some((t) => t.line === positionOf(document, 'self.backbone').line && t.title.startsWith('backbone.0: 448 params')), JSON.stringify(titles));
  });
});
