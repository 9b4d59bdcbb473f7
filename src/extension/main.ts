import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { pythonLibraryFolders } from '../host/pythonLibraries';
import { activateConvLens } from './activate';
import { ConvLensContext } from './context';

/**
 * The desktop entry: wires the extension together with a synchronous reader for local files and
 * the folders of installed Python packages (torchvision and timm are read from there).
 */
export function activate(context: vscode.ExtensionContext): ConvLensContext {
  return activateConvLens(context, readLocalFile, () => pythonLibraryFolders().map((folder) => vscode.Uri.file(folder).path));
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
