import * as vscode from 'vscode';
import { LayerInstance, ModelAnalysis } from '../../analysis/types';
import { KIND_LABELS } from '../../core';
import { ConvLensContext } from '../context';
import { DocumentView } from '../documents';
import { layerTarget } from '../links';
import { modelLensTitle, unknownTotalsReason } from '../text/lens';
import { factor, short, workSummary } from '../text/numbers';
import { oneLine } from '../text/markdown';

type Node = { kind: 'model'; view: DocumentView; model: ModelAnalysis } | { kind: 'layer'; view: DocumentView; layer: LayerInstance };

/**
 * The "Conv Lens" view in the Explorer: the active file's models and their conv layers in
 * named_modules() order, each with its figures; clicking a layer jumps to its call.
 */
export class LayersView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly listeners: vscode.Disposable[];
  private readonly tree: vscode.TreeView<Node>;

  constructor(private readonly ctx: ConvLensContext) {
    this.tree = vscode.window.createTreeView('convLens.layers', { treeDataProvider: this, showCollapseAll: true });
    this.listeners = [
      vscode.window.onDidChangeActiveTextEditor(() => this.changed.fire()),
      ctx.analyses.onDidUpdate(() => this.changed.fire()),
      ctx.config.onDidChange(() => this.changed.fire()),
    ];
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      // Reading the tree never starts an analysis: it shows what the editors have asked for.
      const document = vscode.window.activeTextEditor?.document;
      const view = document ? this.ctx.analyses.latest(document) : null;
      this.tree.message = view?.status?.message;
      return view ? view.analysis.models.map((model) => ({ kind: 'model', view, model })) : [];
    }
    return node.kind === 'model' ? node.model.layers.map((layer) => ({ kind: 'layer', view: node.view, layer })) : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const display = this.ctx.config.flopDisplay;
    if (node.kind === 'model') {
      const item = new vscode.TreeItem(oneLine(node.model.entry), vscode.TreeItemCollapsibleState.Expanded);
      item.description = modelLensTitle(node.model, display);
      item.tooltip = unknownTotalsReason(node.model) ?? undefined;
      item.iconPath = new vscode.ThemeIcon('symbol-class');
      return item;
    }
    const { layer, view } = node;
    const r = layer.record;
    const item = new vscode.TreeItem(oneLine(layer.name), vscode.TreeItemCollapsibleState.None);
    item.description = r
      ? [KIND_LABELS[r.kind], `${short(r.params)} params`, workSummary(r.macs, display), r.spec.groups !== 1n ? `${factor(r.savings)} vs dense` : ''].filter(Boolean).join(' · ')
      : layer.error ? `error: ${oneLine(layer.error.message)}` : layer.symbolic?.params ? `params = ${oneLine(layer.symbolic.params)}` : 'unknown';
    item.tooltip = `${oneLine(layer.type)} at line ${layer.range.line}`;
    item.iconPath = new vscode.ThemeIcon(layer.error ? 'error' : 'symbol-field');
    item.command = { title: 'Go to Layer', command: 'convLens.revealLayer', arguments: [layerTarget(view.owner, layer.range)] };
    return item;
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.tree.dispose();
    this.changed.dispose();
  }
}
