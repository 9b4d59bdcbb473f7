import * as vscode from 'vscode';

export const READ_ONLY_SCHEME = 'conv-lens';

/**
 * Read-only virtual documents (the report, Analyze Layer's results): each path has a function
 * that renders its text, called again whenever `refresh` says the source has changed.
 */
export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly renderers = new Map<string, () => string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(READ_ONLY_SCHEME, this);

  /** Registers (or replaces) what a path shows and returns its URI. */
  put(path: string, render: () => string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: READ_ONLY_SCHEME, path });
    this.renderers.set(uri.path, render);
    this.changed.fire(uri);
    return uri;
  }

  refresh(path: string): void {
    if (this.renderers.has(path)) this.changed.fire(vscode.Uri.from({ scheme: READ_ONLY_SCHEME, path }));
  }

  paths(): string[] {
    return [...this.renderers.keys()];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.renderers.get(uri.path)?.() ?? 'This Conv Lens document is no longer available.';
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
    this.renderers.clear();
  }
}
