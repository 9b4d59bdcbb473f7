import * as vscode from 'vscode';
import { ModelAnalysis } from '../../analysis/types';
import { ConvLensContext } from '../context';
import { DocumentView, isPython } from '../documents';
import { layerTarget } from '../links';
import { modelLensTitle, unknownTotalsReason } from '../text/lens';
import { LayerSort, LayerTreeNode, layerTree, nodeDescription, nodeTooltip, sortedChildren } from '../text/layerTree';
import { oneLine } from '../text/markdown';

type Node = { kind: 'model'; view: DocumentView; model: ModelAnalysis; root: LayerTreeNode; count: number } | { kind: 'node'; view: DocumentView; model: ModelAnalysis; node: LayerTreeNode };

/** Commands of the view's title bar, registered by the view itself. */
export const SORT_COMMANDS = { macs: 'convLens.layers.sortByMacs', order: 'convLens.layers.sortByOrder' } as const;

/**
 * The "Conv Lens" view in the Explorer: the models of the last Python file the user worked in,
 * each a tree of its conv layers by module path (collapsed, figures in the descriptions),
 * sortable by MACs; clicking a layer jumps to its call. A panel taking focus leaves it as it is.
 */
export class LayersView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly listeners: vscode.Disposable[];
  private readonly tree: vscode.TreeView<Node>;
  private readonly trees = new WeakMap<ModelAnalysis, LayerTreeNode>();
  private document: vscode.TextDocument | undefined;
  private sort: LayerSort = 'order';

  constructor(private readonly ctx: ConvLensContext) {
    this.tree = vscode.window.createTreeView('convLens.layers', { treeDataProvider: this, showCollapseAll: true });
    this.document = pythonDocument(vscode.window.activeTextEditor);
    void this.setSort('order');
    this.listeners = [
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        // A webview or output panel taking focus has no text editor: keep the last file's models.
        const document = pythonDocument(editor);
        if (document && document !== this.document) {
          this.document = document;
          this.changed.fire();
        }
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document === this.document) {
          this.document = pythonDocument(vscode.window.activeTextEditor);
          this.changed.fire();
        }
      }),
      ctx.analyses.onDidUpdate(() => this.changed.fire()),
      ctx.config.onDidChange(() => this.changed.fire()),
      vscode.commands.registerCommand(SORT_COMMANDS.macs, () => this.setSort('macs')),
      vscode.commands.registerCommand(SORT_COMMANDS.order, () => this.setSort('order')),
    ];
  }

  private async setSort(sort: LayerSort): Promise<void> {
    this.sort = sort;
    this.tree.description = sort === 'macs' ? 'by MACs' : undefined;
    await vscode.commands.executeCommand('setContext', 'convLens.layers.sort', sort);
    this.changed.fire();
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      // Reading the tree never starts an analysis: it shows what the editors have asked for.
      const view = this.document ? this.ctx.analyses.latest(this.document) : null;
      this.tree.message = view?.status?.message;
      if (!view) return [];
      const count = view.analysis.models.length;
      return view.analysis.models.map((model) => ({ kind: 'model', view, model, root: this.treeOf(model), count }));
    }
    const parent = node.kind === 'model' ? node.root : node.node;
    return sortedChildren(parent, this.sort).map((child) => ({ kind: 'node', view: node.view, model: node.model, node: child }));
  }

  private treeOf(model: ModelAnalysis): LayerTreeNode {
    let root = this.trees.get(model);
    if (!root) this.trees.set(model, (root = layerTree(model)));
    return root;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const display = this.ctx.config.flopDisplay;
    if (node.kind === 'model') {
      // One model opens by itself; a file of many (torchvision's resnet.py has ten) starts folded.
      const item = new vscode.TreeItem(oneLine(node.model.entry), node.count === 1 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.description = modelLensTitle(node.model, display);
      item.tooltip = `${oneLine(node.model.entry)}: ${modelLensTitle(node.model, display)}${unknownTotalsReason(node.model) ? `\n${unknownTotalsReason(node.model)!}` : ''}`;
      item.iconPath = new vscode.ThemeIcon('symbol-class');
      item.id = `${node.view.owner.toString()}#${node.model.entry}`;
      return item;
    }
    const { node: tree, model, view } = node;
    const total = model.totals.conv_macs;
    const item = new vscode.TreeItem(oneLine(tree.label), tree.children.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `${view.owner.toString()}#${model.entry}#${tree.name}`;
    // The description is cut at the view's width: MACs alone (the FLOPs are in the tooltip's MACs x 2).
    item.description = nodeDescription(tree, total, display === 'both' ? 'macs' : display);
    item.tooltip = nodeTooltip(tree, model, total);
    const layer = tree.layer;
    item.iconPath = new vscode.ThemeIcon(layer?.error ? 'error' : layer ? 'symbol-field' : 'symbol-namespace');
    if (layer) item.command = { title: 'Go to Layer', command: 'convLens.revealLayer', arguments: [layerTarget(view.owner, layer.range)] };
    return item;
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.tree.dispose();
    this.changed.dispose();
  }
}

function pythonDocument(editor: vscode.TextEditor | undefined): vscode.TextDocument | undefined {
  return editor && isPython(editor.document) ? editor.document : undefined;
}
