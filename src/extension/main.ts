import * as vscode from 'vscode';
import { join } from 'node:path';
import { activateConvLens } from './activate';
import { ConvLensContext } from './context';
import { nodeWorkerStarter } from './nodeWorker';

/**
 * The desktop entry: the analysis runs in a worker_threads Worker, which reads local files and
 * finds installed torchvision and timm itself, and keeps parses of imported files in the
 * extension's global storage, so that a new window's first analysis of a file importing timm
 * does not parse timm again.
 */
export function activate(context: vscode.ExtensionContext): ConvLensContext {
  const script = join(context.extensionPath, 'dist', 'analysisWorker.js');
  return activateConvLens(context, nodeWorkerStarter(script, context.globalStorageUri.fsPath));
}

export function deactivate(): void {
  // Everything, the analysis worker included, is disposed through context.subscriptions.
}
