import * as vscode from 'vscode';
import { ConvLensContext } from '../context';
import { convLayerCount, statusText, unknownTotalsReason } from '../text/lens';
import { oneLine } from '../text/markdown';

/** The active model's totals in the status bar; clicking opens the report. */
export class ModelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('convLens.model', vscode.StatusBarAlignment.Right, 100);
  private readonly listeners: vscode.Disposable[];
  /** The last editor of a Python file: a webview or panel taking focus leaves the item as it was. */
  private editor: vscode.TextEditor | undefined;

  constructor(private readonly ctx: ConvLensContext) {
    this.item.name = 'Conv Lens model totals';
    this.listeners = [
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        // No editor means a panel has focus: keep showing the last model. Another file's editor replaces it.
        if (editor) this.update();
      }),
      // Cursor moves only pick the model under the cursor from the latest analysis.
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor) this.update(false);
      }),
      ctx.analyses.onDidUpdate(() => this.update()),
      ctx.config.onDidChange(() => this.update()),
    ];
  }

  /**
   * Shows the totals of the model under the cursor from the latest analysis that has arrived, or
   * why the analysis stopped; `analyze` false (cursor moves) never asks for an analysis.
   */
  update(analyze = true): void {
    const active = vscode.window.activeTextEditor;
    if (active) this.editor = active;
    const editor = this.editor && !this.editor.document.isClosed ? this.editor : undefined;
    if (editor && analyze) this.ctx.analyses.analyze(editor.document);
    const view = editor ? this.ctx.analyses.latest(editor.document) : null;
    const model = editor && view ? view.index.modelAt(view.toContract(editor.selection.active).line) : null;
    if (view?.status && (!model || view.status.kind === 'failed')) {
      this.item.text = '$(warning) Conv Lens: analysis stopped';
      this.item.tooltip = view.status.message;
      this.item.command = undefined;
      this.item.show();
      return;
    }
    if (!view || !model) {
      this.item.hide();
      return;
    }
    this.item.text = `$(symbol-class) ${statusText(model, this.ctx.config.flopDisplay)}`;
    // Without an input shape there are no MACs to report: the click sets one instead.
    const unfed = model.input === null;
    const click = unfed ? 'No input shape: click to set one.' : 'Click for the model view.';
    this.item.tooltip = `Conv Lens: ${oneLine(unknownTotalsReason(model) ?? convLayerCount(model))} (${oneLine(model.entry)}). ${click}${view.status ? `
${oneLine(view.status.message)}` : ''}`;
    this.item.command = unfed
      ? { title: 'Set Input Shape', command: 'convLens.setInputShape', arguments: [view.owner.toString()] }
      : { title: 'Open Model View', command: 'convLens.openModelView', arguments: [view.document.uri.toString(), model.entry] };
    this.item.show();
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.item.dispose();
  }
}
