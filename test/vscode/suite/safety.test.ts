import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import * as vscode from 'vscode';
import { activateConvLens, closeAllEditors, openWorkspaceFile, positionOf, workspaceFile } from './helpers';

/** Renders Markdown as strictly as any surface could: raw HTML on, bare URLs made links. */
const markdown = new MarkdownIt({ html: true, linkify: true });

/** Every link target and image source in rendered HTML. */
function linksAndImages(html: string): { links: string[]; images: string[] } {
  return {
    links: [...html.matchAll(/<a\s[^>]*href="([^"]*)"/g)].map((m) => m[1]),
    images: [...html.matchAll(/<img\s[^>]*src="([^"]*)"/g)].map((m) => m[1]),
  };
}

async function hovers(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.MarkdownString[]> {
  const result = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  return result.flatMap((h) => h.contents.filter((c): c is vscode.MarkdownString => typeof c !== 'string' && 'value' in c));
}

/** The Conv Lens hover (the one with its command links) at a position. */
async function convLensHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.MarkdownString> {
  const found = (await hovers(document, position)).find((m) => m.value.includes('command:convLens.'));
  assert.ok(found, `no Conv Lens hover at ${position.line + 1}:${position.character + 1}`);
  return found;
}

function webviewTabs(): number {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview).length;
}

describe('Conv Lens with a hostile model file', () => {
  before(async () => {
    await activateConvLens();
  });

  afterEach(closeAllEditors);

  it('hovers show hostile module names, error strings and conditions as text: no link or image the file put there', async () => {
    const { document } = await openWorkspaceFile('editor_hostile.py');
    const places = [
      positionOf(document, 'nn.Conv2d(channels', 4), // built four times, under the four hostile names
      positionOf(document, 'nn.Conv2d(8, 8, 3, padding_mode', 4), // PyTorch's error quotes the string
      positionOf(document, 'nn.Conv2d(16 if flag', 4), // unknown condition, quoted in the reason
    ];
    for (const place of places) {
      const hover = await convLensHover(document, place);
      // VS Code before 1.78 drops hovers trusted for a command list, so there they stay untrusted.
      const [major, minor] = vscode.version.split('.').map(Number);
      const listTrust = major > 1 || minor >= 78;
      assert.deepEqual(hover.isTrusted, listTrust ? { enabledCommands: ['convLens.compareLayer', 'convLens.showReport'] } : undefined);
      assert.notEqual(hover.supportHtml, true);
      const { links, images } = linksAndImages(markdown.render(hover.value));
      assert.deepEqual(images, [], hover.value);
      assert.deepEqual(links.map((l) => l.slice(0, l.indexOf('?'))), ['command:convLens.compareLayer', 'command:convLens.showReport'], hover.value);
      // The two links carry this document and this layer, nothing the file wrote.
      const [compare, report] = links.map((l) => JSON.parse(decodeURIComponent(l.slice(l.indexOf('?') + 1))) as unknown[]);
      assert.equal((compare[0] as { uri: string }).uri, document.uri.toString());
      assert.deepEqual(report, [document.uri.toString()]);
    }
    const names = (await convLensHover(document, places[0])).value;
    // The model fails at line 20 (padding_mode): the four alike uses have no shapes, and say why.
    assert.match(names, /^shapes unknown \(not reached\\: the model fails at line 20\) · 584 params · 4 uses$/m);
    assert.ok(markdown.render(names).includes('blocks.[dict](command:convLens.showReport?%5B%22file%3A%2F%2F%2Fetc%2Fhosts%22%5D)'), 'the ModuleDict key is shown as written');
  });

  it('CodeLens titles and the report keep hostile text inert', async () => {
    const { document } = await openWorkspaceFile('editor_hostile.py');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100);
    for (const lens of lenses) assert.doesNotMatch(lens.command?.title ?? '', /(?<!\\)\$\((?!graph)/, `an icon the file chose: ${lens.command?.title}`);
    assert.ok(lenses.some((l) => l.command?.title.startsWith('PyTorch raises: padding_mode must be one of')));
    const uri = await vscode.commands.executeCommand<vscode.Uri>('convLens.showReport', document.uri.toString());
    const report = (await vscode.workspace.openTextDocument(uri)).getText();
    const { links, images } = linksAndImages(markdown.render(report));
    assert.deepEqual({ links, images }, { links: [], images: [] }, report);
    assert.ok(markdown.render(report).includes('&lt;img src=https://evil.example/added.png&gt;'));
  });

  it('Show Report opens only a document already open in the editor, never a URI it is handed', async () => {
    await openWorkspaceFile('editor_hostile.py');
    const closed = workspaceFile('editor_never_opened.py');
    for (const owner of [closed.toString(), 'file:///etc/passwd', 'untitled:x.py']) {
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('convLens.showReport', owner);
      assert.equal(uri, undefined, owner);
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === owner), `${owner} was opened`);
    }
  });

  it('Compare and Go to Layer act only on a conv layer of an open document', async () => {
    const { document } = await openWorkspaceFile('editor_hostile.py');
    const start = positionOf(document, 'nn.Conv2d(channels');
    const real = { uri: document.uri.toString(), line: start.line + 1, column: start.character, endLine: start.line + 1, endColumn: start.character + 'nn.Conv2d(channels, channels, 3, padding=1)'.length };
    const closed = workspaceFile('editor_never_opened.py').toString();
    const forged = [
      { ...real, column: real.column + 1 }, // not where any layer is
      { ...real, uri: closed }, // a file that is not open
      { ...real, uri: 'file:///etc/passwd' },
      { uri: document.uri.toString(), line: 'x' },
    ];
    for (const target of forged) {
      assert.equal(await vscode.commands.executeCommand('convLens.compareLayer', target), false, JSON.stringify(target));
      assert.equal(await vscode.commands.executeCommand('convLens.revealLayer', target), false, JSON.stringify(target));
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === closed || d.uri.scheme === 'file' && d.uri.path === '/etc/passwd'));
    }
    assert.equal(webviewTabs(), 0);
    assert.equal(await vscode.commands.executeCommand('convLens.revealLayer', real), true);
    assert.equal(await vscode.commands.executeCommand('convLens.compareLayer', real), true);
    for (let tries = 0; webviewTabs() === 0 && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(webviewTabs(), 1, 'the real layer opens the panel');
  });
});
