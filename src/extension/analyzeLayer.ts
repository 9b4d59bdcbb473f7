import * as vscode from 'vscode';
import { parseLayerExpression } from '../analysis/model/layerExpression';
import { ConvSpec, computeLayer, separableReplacement } from '../core';
import { describe } from '../cli/describe';
import { ReadOnlyDocuments } from './readOnlyDocuments';
import { parseInputShape } from './text/inputShape';

let counter = 0;

/**
 * "Analyze Layer…": asks for a constructor call and an optional input shape, then opens the
 * comparison panel on that layer (its figures, what-ifs and sandbox run). Both may be given as
 * arguments (a keybinding, a test), which skips the input boxes. The same description as
 * `conv-lens layer` is kept in a read-only document whose URI is returned, for scripts and tests.
 */
export async function analyzeLayer(documents: ReadOnlyDocuments, givenExpression?: unknown, givenShape?: unknown, openPanel?: (spec: ConvSpec, input: bigint[] | null) => void): Promise<vscode.Uri | undefined> {
  const expression = typeof givenExpression === 'string' ? givenExpression : await vscode.window.showInputBox({
    title: 'Conv Lens: Analyze Layer',
    prompt: 'A PyTorch conv constructor call',
    value: 'nn.Conv2d(64, 128, 3, padding=1, groups=8)',
    validateInput: (text) => {
      const parsed = parseLayerExpression(text);
      return parsed.ok ? undefined : parsed.message;
    },
  });
  if (expression === undefined) return undefined;
  const parsed = parseLayerExpression(expression);
  if (!parsed.ok) {
    void vscode.window.showErrorMessage(`Conv Lens: ${parsed.message}`);
    return undefined;
  }
  const shapeText = typeof givenShape === 'string' ? givenShape : await vscode.window.showInputBox({
    title: 'Conv Lens: Analyze Layer',
    prompt: 'Input shape, batched (N, C, H, W) or unbatched (C, H, W); leave empty for none',
    placeHolder: '1, 64, 56, 56',
    validateInput: (text) => {
      if (text.trim() === '') return undefined;
      const shape = parseInputShape(text);
      return shape.ok ? undefined : shape.message;
    },
  });
  if (shapeText === undefined) return undefined;
  const shape = shapeText.trim() === '' ? null : parseInputShape(shapeText);
  if (shape && !shape.ok) {
    void vscode.window.showErrorMessage(`Conv Lens: ${shape.message}`);
    return undefined;
  }
  const input = shape ? shape.shape : null;
  const record = computeLayer(parsed.spec, input);
  const text = `${describe(record, separableReplacement(parsed.spec, input))}\n`;
  const uri = documents.put(`/layer/${++counter}/${parsed.spec.type}.txt`, () => text);
  if (openPanel) openPanel(parsed.spec, input);
  else await vscode.window.showTextDocument(uri, { preview: true });
  return uri;
}
