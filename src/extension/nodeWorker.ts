import { Worker } from 'node:worker_threads';
import { StartWorker } from './analysisWorker';

/**
 * Heap limit of the analysis worker: a file that makes the analysis allocate without bound ends
 * the worker (which is restarted), never the extension host.
 */
const WORKER_HEAP_MB = 1024;

/**
 * Starts the desktop analysis worker (dist/analysisWorker.js) as a worker_threads Worker, which
 * keeps parses of imported files in `parseCache` (a folder) for its later lives.
 */
export function nodeWorkerStarter(script: string, parseCache?: string): StartWorker {
  return (events) => {
    const worker = new Worker(script, { workerData: { parseCache }, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    worker.on('message', (data: unknown) => events.message(data));
    worker.on('error', (error) => events.exit(error.message));
    worker.on('exit', (code) => events.exit(`exit code ${code}`));
    return { post: (message) => worker.postMessage(message), terminate: () => void worker.terminate() };
  };
}
