import * as vscode from 'vscode';
import { parseLayerExpression } from '../analysis/layerExpression';
import { computeLayer, separableReplacement } from '../core';
import { describe } from '../cli/describe';
import { ReadOnlyDocuments } from './readOnlyDocuments';
import { parseInputShape } from './text/inputShape';

let counter = 0;

/**
 * "Analyze Layer…": asks for a constructor call and an optional input shape, then shows the same
 * description as `conv-lens layer` in a read-only document.
 */
export async function analyzeLayer(documents: ReadOnlyDocuments, initial?: string): Promise<void> {
  const expression = await vscode.window.showInputBox({
    title: 'Conv Lens: Analyze Layer',
    prompt: 'A PyTorch conv constructor call',
    value: initial ?? 'nn.Conv2d(64, 128, 3, padding=1, groups=8)',
    validateInput: (text) => {
      const parsed = parseLayerExpression(text);
      return parsed.ok ? undefined : parsed.message;
    },
  });
  if (expression === undefined) return;
  const parsed = parseLayerExpression(expression);
  if (!parsed.ok) return;
  const shapeText = await vscode.window.showInputBox({
    title: 'Conv Lens: Analyze Layer',
    prompt: 'Input shape, batched (N, C, H, W) or unbatched (C, H, W); leave empty for none',
    placeHolder: '1, 64, 56, 56',
    validateInput: (text) => {
      if (text.trim() === '') return undefined;
      const shape = parseInputShape(text);
      return shape.ok ? undefined : shape.message;
    },
  });
  if (shapeText === undefined) return;
  const shape = shapeText.trim() === '' ? null : parseInputShape(shapeText);
  const input = shape && shape.ok ? shape.shape : null;
  const record = computeLayer(parsed.spec, input);
  const text = `${describe(record, separableReplacement(parsed.spec, input))}\n`;
  const uri = documents.put(`/layer/${++counter}/${parsed.spec.type}.txt`, () => text);
  await vscode.window.showTextDocument(uri, { preview: true });
}
