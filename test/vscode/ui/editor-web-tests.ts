// Runs inside VS Code for the Web's extension host (a web worker): checks that the browser build
// of Conv Lens analyzes, hovers and follows workspace imports through vscode.workspace.fs.
// Bundled and started by test/vscode/ui/editor-web.ts; no Node APIs, no mocha.
import * as vscode from 'vscode';

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, message: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${message}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function open(name: string): Promise<vscode.TextDocument> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  check(folder !== undefined, 'no workspace folder');
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder!.uri, name));
  await vscode.window.showTextDocument(document);
  return document;
}

async function hoverText(document: vscode.TextDocument, needle: string): Promise<string> {
  const position = document.positionAt(document.getText().indexOf(needle) + 4);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension('conv-lens.conv-lens');
  check(extension !== undefined, 'Conv Lens is not loaded');
  await extension!.activate();
  console.log(`[web] activated in a ${typeof navigator === 'undefined' ? 'Node' : 'browser'} extension host`);

  const net = await open('editor_net.py');
  const hover = await hoverText(net, 'nn.Conv2d(64, 128');
  check(/groups=8: 8\.0x fewer weights and MACs than dense \(9,216 vs 73,728 weights\)/.test(hover), `hover: ${hover}`);
  console.log('[web] hover on the grouped conv: ok');
  // The analysis ran in a Web Worker, not on the extension host's thread.
  const starts = (extension!.exports as { analyses: { workerStarts: number } }).analyses.workerStarts;
  check(starts === 1, `analysis workers started: ${starts}`);
  console.log('[web] analyzed in a Web Worker: ok');

  // The imported helper is read asynchronously through vscode.workspace.fs; the lens appears
  // once the file has arrived and the analysis has been refreshed.
  const uses = await open('editor_uses_import.py');
  const titles = await eventually(
    async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uses.uri, 100)).map((l) => l.command?.title ?? ''),
    (list) => list.some((t) => t.startsWith('stage1.0: 864 params')),
    'no CodeLens for the layer built by the imported helper',
  );
  console.log(`[web] imported helper resolved: ${titles.find((t) => t.startsWith('stage1.0'))}`);
}
