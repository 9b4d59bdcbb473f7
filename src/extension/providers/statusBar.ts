import * as vscode from 'vscode';
import { ConvLensContext } from '../context';
import { convLayerCount, statusText, unknownTotalsReason } from '../text/lens';
import { oneLine } from '../text/markdown';

/** The active model's totals in the status bar; clicking opens the report. */
export class ModelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('convLens.model', vscode.StatusBarAlignment.Right, 100);
  private readonly listeners: vscode.Disposable[];

  constructor(private readonly ctx: ConvLensContext) {
    this.item.name = 'Conv Lens model totals';
    this.listeners = [
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
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
    const editor = vscode.window.activeTextEditor;
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
    this.item.tooltip = `Conv Lens: ${oneLine(unknownTotalsReason(model) ?? convLayerCount(model))} (${oneLine(model.entry)}). Click for the model view.${view.status ? `
${oneLine(view.status.message)}` : ''}`;
    this.item.command = { title: 'Open Model View', command: 'convLens.openModelView', arguments: [view.document.uri.toString(), model.entry] };
    this.item.show();
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.item.dispose();
  }
}
