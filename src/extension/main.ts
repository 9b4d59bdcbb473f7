import * as vscode from 'vscode';
import { join } from 'node:path';
import { activateConvLens } from './activate';
import { ConvLensContext } from './context';
import { nodeWorkerStarter } from './nodeWorker';

/**
 * The desktop entry: the analysis runs in a worker_threads Worker, which reads local files and
 * finds installed torchvision and timm itself.
 */
export function activate(context: vscode.ExtensionContext): ConvLensContext {
  return activateConvLens(context, nodeWorkerStarter(join(context.extensionPath, 'dist', 'analysisWorker.js')));
}

export function deactivate(): void {
  // Everything, the analysis worker included, is disposed through context.subscriptions.
}
