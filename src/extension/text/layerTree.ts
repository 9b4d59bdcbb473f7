import { KIND_LABELS } from '../../core';
import { LayerInstance, ModelAnalysis } from '../../analysis/types';
import { FlopDisplay, shapeText, short, workSummary } from './numbers';
import { oneLine } from './markdown';

/**
 * A model's conv layers as the tree `named_modules()` nests them: each module that holds conv
 * layers is a node with the sums of their figures, each conv layer a leaf. Modules without conv
 * layers (norms, activations) are left out: the tree is for finding where the compute goes.
 */
export interface LayerTreeNode {
  /** Dotted name, e.g. 'layer1.0.conv1'; '' for the model itself. */
  name: string;
  /** The last part of the name, e.g. 'conv1'. */
  label: string;
  type: string;
  layer: LayerInstance | null;
  children: LayerTreeNode[];
  /** Sums over the conv layers below; null when any of them is unknown. */
  params: bigint | null;
  macs: bigint | null;
}

export type LayerSort = 'order' | 'macs';

/** Builds the tree of a model's conv layers, in named_modules() order. */
export function layerTree(model: ModelAnalysis): LayerTreeNode {
  const root: LayerTreeNode = { name: '', label: model.entry, type: model.entry, layer: null, children: [], params: 0n, macs: 0n };
  const types = new Map(model.modules.map((m) => [m.name, m.type]));
  const byName = new Map<string, LayerTreeNode>([['', root]]);
  const nodeFor = (name: string): LayerTreeNode => {
    const found = byName.get(name);
    if (found) return found;
    const dot = name.lastIndexOf('.');
    const parent = nodeFor(dot < 0 ? '' : name.slice(0, dot));
    const node: LayerTreeNode = { name, label: name.slice(dot + 1), type: types.get(name) ?? 'Module', layer: null, children: [], params: 0n, macs: 0n };
    parent.children.push(node);
    byName.set(name, node);
    return node;
  };
  for (const layer of model.layers) {
    const node = nodeFor(layer.name);
    node.layer = layer;
    node.type = layer.type;
  }
  sum(root);
  return root;
}

function sum(node: LayerTreeNode): void {
  if (node.layer) {
    node.params = node.layer.record?.params ?? null;
    node.macs = node.layer.record?.macs ?? null;
  }
  for (const child of node.children) {
    sum(child);
    node.params = node.params === null || child.params === null ? null : node.params + child.params;
    node.macs = node.macs === null || child.macs === null ? null : node.macs + child.macs;
  }
}

/** Children in named_modules() order, or by MACs, largest first (unknown last, then in order). */
export function sortedChildren(node: LayerTreeNode, sort: LayerSort): LayerTreeNode[] {
  if (sort === 'order') return node.children;
  const rank = (n: LayerTreeNode): bigint => n.macs ?? -1n;
  return [...node.children].sort((a, b) => (rank(a) === rank(b) ? 0 : rank(a) > rank(b) ? -1 : 1));
}

/** A node's share of the model's conv MACs, e.g. "12.3%"; empty when either is unknown. */
export function shareOf(node: LayerTreeNode, total: bigint | null): string {
  if (node.macs === null || total === null || total === 0n) return '';
  const tenths = Number((node.macs * 1000n) / total) / 10;
  return `${tenths.toFixed(1)}%`;
}

/** The short description beside a node: figures first, so a narrow view still shows them. */
export function nodeDescription(node: LayerTreeNode, total: bigint | null, display: FlopDisplay): string {
  const layer = node.layer;
  if (layer && !layer.record) return layer.error ? `error: ${oneLine(layer.error.message)}` : layer.symbolic?.params ? `params = ${oneLine(layer.symbolic.params)}` : 'unknown';
  const parts = [workSummary(node.macs, display), `${short(node.params)} params`];
  const share = shareOf(node, total);
  if (share) parts.unshift(share);
  if (!layer) parts.push(oneLine(node.type));
  else parts.push(KIND_LABELS[layer.record!.kind]);
  return parts.join(' · ');
}

/** The tooltip of a node: what it is, its shapes and exact figures, and where it was built. */
export function nodeTooltip(node: LayerTreeNode, model: ModelAnalysis, total: bigint | null): string {
  const layer = node.layer;
  const lines = [`${oneLine(node.name)} (${oneLine(node.type)}${layer?.record ? `, ${KIND_LABELS[layer.record.kind]}` : ''}) in ${oneLine(model.entry)}`];
  const r = layer?.record;
  if (r) lines.push(r.input_shape ? `${shapeText(r.input_shape)} → ${shapeText(r.output_shape)}` : 'shapes unknown (no input reached this layer)');
  const share = shareOf(node, total);
  lines.push(`${node.params === null ? '?' : node.params.toLocaleString('en-US')} params · ${node.macs === null ? '?' : node.macs.toLocaleString('en-US')} MACs${share ? ` · ${share} of the model's conv MACs` : ''}`);
  if (layer?.error) lines.push(`PyTorch: ${oneLine(layer.error.message)}`);
  if (layer && layer.range.line > 0) lines.push(`Built at line ${layer.range.line}; click to go there`);
  else if (!layer) lines.push(`${countLayers(node)} conv layers`);
  return lines.join('\n');
}

function countLayers(node: LayerTreeNode): number {
  return (node.layer ? 1 : 0) + node.children.reduce((a, c) => a + countLayers(c), 0);
}
