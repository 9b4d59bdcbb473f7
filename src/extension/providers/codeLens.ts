import * as vscode from 'vscode';
import { ConvLensContext } from '../context';
import { DocumentView } from '../documents';
import { layerTarget } from '../links';
import { layerLensTitle, modelLensTitle, siteLensTitle, unknownLayerLensTitle, usesLensTitle } from '../text/lens';

/** Totals above each model class, and figures above each conv layer. */
export class ConvCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly listeners: vscode.Disposable[];

  constructor(private readonly ctx: ConvLensContext) {
    this.listeners = [ctx.analyses.onDidUpdate(() => this.changed.fire()), ctx.config.onDidChange(() => this.changed.fire())];
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.ctx.config.codeLensEnabled) return [];
    const view = await this.ctx.analyses.settled(document);
    if (token.isCancellationRequested) return [];
    if (!view) return [];
    const started = performance.now();
    try {
      return this.lenses(view);
    } finally {
      this.ctx.timings.record('codeLens', performance.now() - started);
    }
  }

  private lenses(view: DocumentView): vscode.CodeLens[] {
    const display = this.ctx.config.flopDisplay;
    const lenses: vscode.CodeLens[] = [];
    const owner = view.owner.toString();
    for (const model of view.analysis.models) {
      const range = view.toRange(model.range);
      if (!range) continue;
      lenses.push(
        new vscode.CodeLens(range, { title: modelLensTitle(model, display), command: 'convLens.showReport', arguments: [owner] }),
        new vscode.CodeLens(range, { title: 'Model View', command: 'convLens.openModelView', arguments: [view.document.uri.toString(), model.entry] }),
        new vscode.CodeLens(range, { title: 'Report', command: 'convLens.showReport', arguments: [owner] }),
        new vscode.CodeLens(range, { title: 'Set Input Shape', command: 'convLens.setInputShape', arguments: [owner] }),
      );
    }
    for (const declaration of view.analysis.declarations) {
      const range = view.toRange(declaration.range);
      if (!range) continue;
      const uses = view.index.usesOf(declaration);
      const title = uses.length > 1 ? usesLensTitle(uses.map((u) => u.record), display) : declaration.record ? layerLensTitle(declaration.record, display) : unknownLayerLensTitle(declaration.error, declaration.symbolic?.params);
      if (title) lenses.push(new vscode.CodeLens(range, { title, command: 'convLens.compareLayer', arguments: [layerTarget(view.owner, declaration.range)] }));
    }
    for (const site of view.index.sites) {
      const range = view.toRange(site.range);
      if (range) lenses.push(new vscode.CodeLens(range, { title: siteLensTitle(site.layers, display), command: 'convLens.showReport', arguments: [owner] }));
    }
    return lenses;
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.changed.dispose();
  }
}
