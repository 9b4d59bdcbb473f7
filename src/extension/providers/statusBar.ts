import * as vscode from 'vscode';
import { ConvLensContext } from '../context';
import { statusText } from '../text/lens';
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

  /** Shows the totals of the model under the cursor; `analyze` false never starts an analysis. */
  update(analyze = true): void {
    const editor = vscode.window.activeTextEditor;
    const view = editor ? (analyze ? this.ctx.analyses.get(editor.document) : this.ctx.analyses.latest(editor.document)) : null;
    const model = editor && view ? view.index.modelAt(view.toContract(editor.selection.active).line) : null;
    if (!view || !model) {
      this.item.hide();
      return;
    }
    this.item.text = `$(symbol-class) ${statusText(model, this.ctx.config.flopDisplay)}`;
    this.item.tooltip = `Conv Lens: ${model.totals.conv_layers} conv layers in ${oneLine(model.entry)}. Click for the report.`;
    this.item.command = { title: 'Show Report', command: 'convLens.showReport', arguments: [view.owner.toString()] };
    this.item.show();
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.item.dispose();
  }
}
