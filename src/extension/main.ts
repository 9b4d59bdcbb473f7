import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { activateConvLens } from './activate';
import { ConvLensContext } from './context';

/** The desktop entry: wires the extension together with a synchronous reader for local files. */
export function activate(context: vscode.ExtensionContext): ConvLensContext {
  return activateConvLens(context, readLocalFile);
}

function readLocalFile(uri: vscode.Uri): string | undefined {
  try {
    return readFileSync(uri.fsPath, 'utf8');
  } catch {
    return undefined;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
