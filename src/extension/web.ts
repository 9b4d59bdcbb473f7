import * as vscode from 'vscode';
import { activateConvLens } from './activate';
import { StartWorker } from './analysisWorker';
import { ConvLensContext } from './context';

/**
 * The browser entry (VS Code for the Web): the analysis runs in a Web Worker, and imported files
 * are read by the host through vscode.workspace.fs and sent to it.
 */
export function activate(context: vscode.ExtensionContext): ConvLensContext {
  const script = vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', 'analysisWorker.js').toString(true);
  const startWorker: StartWorker = (events) => {
    const worker = new Worker(script, { name: 'Conv Lens analysis' });
    worker.onmessage = (event) => events.message(event.data);
    worker.onerror = (event) => events.exit(event.message || 'the worker failed to load');
    return { post: (message) => worker.postMessage(message), terminate: () => worker.terminate() };
  };
  return activateConvLens(context, startWorker);
}

export function deactivate(): void {
  // Everything, the analysis worker included, is disposed through context.subscriptions.
}
