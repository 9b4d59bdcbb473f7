import * as vscode from 'vscode';
import { ConvLensContext } from './context';
import { DocumentView, notebookOf } from './documents';
import { LayerTarget } from './links';
import { ReadOnlyDocuments } from './readOnlyDocuments';
import { openOwnerView } from './targets';
import { fileSubjects, renderReport as render } from '../report';
import { reportMarkdown } from './text/report';

/**
 * The analysis view of the file or notebook named by a URI string, or of the active editor when
 * none is named. A named one must already be open in the editor (see targets.ts): a command
 * link never makes Conv Lens open, read or report a file of its choosing.
 */
export async function viewFor(ctx: ConvLensContext, owner?: unknown): Promise<DocumentView | null> {
  if (owner === undefined || owner === null) {
    const document = vscode.window.activeTextEditor?.document;
    return document ? ctx.analyses.settled(document) : null;
  }
  const checked = await openOwnerView(ctx, owner);
  if (!checked.ok) void vscode.window.showWarningMessage(`Conv Lens: not opening that report: ${checked.message}.`);
  return checked.ok ? checked.value : null;
}

/** The report's path in the read-only documents: one per analyzed file or notebook. */
function reportPath(owner: vscode.Uri): string {
  const name = owner.path.slice(owner.path.lastIndexOf('/') + 1);
  return `/report/${encodeURIComponent(owner.toString())}/${name} (Conv Lens report).md`;
}

/**
 * Renders the report Markdown. Markdown previews neither follow file: links nor run command
 * links, so the preview names layers plainly (the Conv Lens view jumps to them); an exported
 * report, saved next to the source, links each layer to its line (`model.py#L12`).
 */
export function renderReport(ctx: ConvLensContext, view: DocumentView, linkLines = false): string {
  const file = view.owner.path.slice(view.owner.path.lastIndexOf('/') + 1);
  // The `./` keeps a file name with a colon from reading as a URI scheme.
  return reportMarkdown(view.analysis, ctx.config.flopDisplay, (row) => (linkLines ? `./${encodeURIComponent(file)}#L${row.range.line}` : null));
}

/** The view's models as the CLI's report subjects: the file named as `conv-lens report` run in the workspace folder names it. */
export function subjectsOf(view: DocumentView): ReturnType<typeof fileSubjects> {
  return fileSubjects(view.analysis, vscode.workspace.asRelativePath(view.owner, false));
}

/** Shows the open document (or notebook cell) holding a checked layer target and selects its call. */
export async function revealLayer(ctx: ConvLensContext, target: LayerTarget): Promise<boolean> {
  const notebook = vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === target.uri);
  const documents = notebook
    ? notebook.getCells().map((c) => c.document)
    : vscode.workspace.textDocuments.filter((d) => d.uri.toString() === target.uri);
  for (const document of documents) {
    const view = await ctx.analyses.settled(document);
    const range = view?.toRange(target);
    if (!range) continue;
    const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(range.start, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return true;
  }
  return false;
}

/**
 * Keeps open reports live: each renders from the cache on demand, and is re-rendered when its
 * file's analysis is refreshed.
 */
export class Reports implements vscode.Disposable {
  private readonly listener: vscode.Disposable;

  constructor(private readonly ctx: ConvLensContext, private readonly documents: ReadOnlyDocuments) {
    this.listener = ctx.analyses.onDidUpdate((owner) => documents.refresh(reportPath(owner)));
  }

  /** Opens the report beside the editor and returns its URI (for tests and other commands). */
  async show(owner?: unknown): Promise<vscode.Uri | undefined> {
    const view = await viewFor(this.ctx, owner);
    if (!view) {
      if (owner === undefined || owner === null) void vscode.window.showInformationMessage('Conv Lens: open a Python file with a model to see its report.');
      return undefined;
    }
    const ownerUri = view.owner;
    const uri = this.documents.put(reportPath(ownerUri), () => {
      const current = this.currentView(ownerUri, view);
      return renderReport(this.ctx, current);
    });
    try {
      await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    } catch {
      await vscode.window.showTextDocument(uri, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }
    return uri;
  }

  /**
   * The latest analysis of an owner that has arrived (the report is re-rendered when a newer
   * one does), or the one the report was opened with when the file is closed.
   */
  private currentView(owner: vscode.Uri, fallback: DocumentView): DocumentView {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === owner.toString() || notebookOf(d)?.uri.toString() === owner.toString());
    return (document && this.ctx.analyses.latest(document)) ?? fallback;
  }

  /** Writes the report to a file chosen in a save dialog (or to `destination`, a URI string, without asking). */
  async export(format: 'md' | 'csv' | 'json', owner?: unknown, destination?: unknown): Promise<void> {
    const view = await viewFor(this.ctx, owner);
    if (!view) {
      if (owner === undefined || owner === null) void vscode.window.showInformationMessage('Conv Lens: open a Python file with a model to export its report.');
      return;
    }
    // JSON and CSV are exactly `conv-lens report --json` / `--format csv` of the same file.
    const text = format === 'md' ? renderReport(this.ctx, view, true) : `${render(subjectsOf(view), format === 'csv' ? 'csv' : 'json')}\n`;
    const base = view.owner.path.replace(/\.[^./]*$/, '');
    const target = typeof destination === 'string' ? vscode.Uri.parse(destination) : await vscode.window.showSaveDialog({
      defaultUri: view.owner.with({ path: `${base}.conv-lens.${format}` }),
      filters: { [format === 'md' ? 'Markdown' : format.toUpperCase()]: [format] },
      title: 'Export Conv Lens report',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    // Not awaited: a test or keybinding exporting to a given destination does not wait for a click.
    void vscode.window.showInformationMessage(`Conv Lens: report written to ${target.path.slice(target.path.lastIndexOf('/') + 1)}`, 'Open').then((choice) => {
      if (choice === 'Open') void vscode.window.showTextDocument(target, { preview: true });
    });
  }

  dispose(): void {
    this.listener.dispose();
  }
}
