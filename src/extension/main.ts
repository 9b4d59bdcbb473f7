import * as vscode from 'vscode';
import { readSourceFile } from '../host/sourceFiles';
import type { UnreadFile } from '../analysis/types';
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

/** Only regular files, up to the size the analysis reads (a FIFO or a link to /dev/zero is not there). */
function readLocalFile(uri: vscode.Uri): string | undefined | UnreadFile {
  return readSourceFile(uri.fsPath);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
