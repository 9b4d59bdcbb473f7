import * as vscode from 'vscode';
import { sandboxSettingsMessage } from '../../protocol/sandbox';
import type { Parsed } from '../../protocol/validate';
import { makeNonce, pageHtml, randomBytes } from './html';

/** A page's built script (under dist/webview) and stylesheet (under media/webview). */
export interface PageFiles {
  script: string;
  style: string;
  title?: string;
}

export interface PanelHostOptions<P> {
  extensionUri: vscode.Uri;
  log: { appendLine(line: string): void };
  /** The panel's name in the log, e.g. "compare". */
  tag: string;
  page: PageFiles;
  /** Validates a message from the page; nothing else reaches `handle`. */
  parse(data: unknown): Parsed<P>;
}

/**
 * What every Conv Lens webview panel shares: its options and page, one typed way to post to the
 * page and to receive from it (every message validated first), the sandbox's settings, and
 * disposal. A panel extends it with what it shows and how it answers the page.
 */
export abstract class PanelHost<H extends { type: string }, P extends { type: string }> implements vscode.Disposable {
  protected readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  private isDisposed = false;

  protected constructor(readonly panel: vscode.WebviewPanel, private readonly host: PanelHostOptions<P>) {
    panel.webview.options = webviewOptions(host.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'icon.png');
    panel.webview.html = pageFor(panel.webview, host.extensionUri, host.page);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((data: unknown) => this.receive(data)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('convLens.sandbox')) this.postSandboxSettings();
      }),
    );
  }

  /** Answers one validated message from the page. */
  protected abstract handle(message: P): Promise<void>;

  /** Stops what the panel itself started (timers); called once, before its listeners go. */
  protected disposeOwn(): void {}

  protected post(message: H): void {
    this.postAny(message.type, message);
  }

  /** The sandbox run's memory budget from the settings (src/protocol/sandbox.ts clamps it to what it accepts). */
  protected postSandboxSettings(): void {
    this.postAny('sandboxSettings', sandboxSettingsMessage(vscode.workspace.getConfiguration('convLens').get('sandbox.memoryBudgetMB')));
  }

  protected log(line: string): void {
    this.host.log.appendLine(`[${this.host.tag}] ${line}`);
  }

  protected logFailure(what: string, e: unknown): void {
    this.log(`${what} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  }

  private postAny(type: string, message: unknown): void {
    if (this.isDisposed) return;
    void this.panel.webview.postMessage(message).then(undefined, (e: unknown) => this.log(`could not post ${type}: ${String(e)}`));
  }

  private receive(data: unknown): void {
    const parsed = this.host.parse(data);
    if (!parsed.ok) return this.log(`rejected a message from the page: ${parsed.error}`);
    void this.handle(parsed.value).catch((e: unknown) => this.logFailure(parsed.value.type, e));
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.disposeOwn();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.disposed.fire();
    this.disposed.dispose();
  }
}

/** Scripts on; files only from the built pages (compare, model view), their stylesheets and the sandbox's kernel builds. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'dist', 'kernel'), vscode.Uri.joinPath(extensionUri, 'media', 'webview')],
  };
}

/** Whether a text editor tab shows this URI (restored tabs count before their document loads). */
export function openInEditorTab(uri: string): boolean {
  return vscode.window.tabGroups.all.some((group) => group.tabs.some((tab) => (tab.input instanceof vscode.TabInputText || tab.input instanceof vscode.TabInputNotebook) && tab.input.uri.toString() === uri));
}

function pageFor(webview: vscode.Webview, extensionUri: vscode.Uri, page: PageFiles): string {
  const file = (...parts: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
  return pageHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(randomBytes),
    scriptUri: file('dist', 'webview', page.script),
    styleUri: file('media', 'webview', page.style),
    title: page.title,
  });
}
