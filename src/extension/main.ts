import * as vscode from 'vscode';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { activateConvLens } from './activate';
import { StartWorker } from './analysisWorker';
import { ConvLensContext } from './context';

/**
 * Heap limit of the analysis worker: a file that makes the analysis allocate without bound ends
 * the worker (which is restarted), never the extension host.
 */
const WORKER_HEAP_MB = 1024;

/**
 * The desktop entry: the analysis runs in a worker_threads Worker, which reads local files and
 * finds installed torchvision and timm itself.
 */
export function activate(context: vscode.ExtensionContext): ConvLensContext {
  const script = join(context.extensionPath, 'dist', 'analysisWorker.js');
  const startWorker: StartWorker = (events) => {
    const worker = new Worker(script, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: false, stderr: false });
    worker.on('message', (data: unknown) => events.message(data));
    worker.on('error', (error) => events.exit(error.message));
    worker.on('exit', (code) => events.exit(`exit code ${code}`));
    return { post: (message) => worker.postMessage(message), terminate: () => void worker.terminate() };
  };
  return activateConvLens(context, startWorker);
}

export function deactivate(): void {
  // Everything, the analysis worker included, is disposed through context.subscriptions.
}
