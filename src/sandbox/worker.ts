/**
 * The sandbox's Web Worker: it loads the kernel from the bytes the page fetched, runs what the
 * page asks, and answers with progress and results. It has no DOM and no Node; the page ends a
 * run by terminating it. Every request is validated before anything acts on it.
 */
import { WasmConvKernel, loadKernel } from '../kernel';
import { WorkerReply, WorkerRequest, parseWorkerRequest } from '../protocol/sandbox';
import { runModel } from './modelRun';
import { runSandbox } from './run';

/** The worker global's few members used here (the core's type library has no WebWorker types). */
interface WorkerScope {
  postMessage(message: WorkerReply): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  performance: { now(): number };
}

const scope = globalThis as unknown as WorkerScope;
let kernel: WasmConvKernel | null = null;
let queue: Promise<void> = Promise.resolve();

scope.addEventListener('message', (event) => {
  const parsed = parseWorkerRequest(event.data);
  if (!parsed.ok) {
    scope.postMessage({ type: 'failed', runId: 0, message: `the sandbox ignored a malformed request (${parsed.error})` });
    return;
  }
  // One request at a time, in order: a run waits for the kernel to load.
  queue = queue.then(() => handle(parsed.value)).catch((e: unknown) => scope.postMessage({ type: 'failed', runId: 0, message: messageOf(e) }));
});

async function handle(request: WorkerRequest): Promise<void> {
  if (request.type === 'init') {
    try {
      kernel = await loadKernel({ simd: request.simd, ...(request.relaxed ? { relaxed: request.relaxed } : {}) });
      scope.postMessage({ type: 'loaded', flavour: kernel.variant });
    } catch (e) {
      scope.postMessage({ type: 'loadFailed', message: messageOf(e) });
    }
    return;
  }
  const { runId } = request;
  if (!kernel) return scope.postMessage({ type: 'failed', runId, message: 'the kernel is not loaded' });
  if (request.type === 'runModel') {
    const env = { kernel, now: () => scope.performance.now(), progress: (done: number, total: number, label: string) => scope.postMessage({ type: 'progress', runId, done, total, label }) };
    try {
      await runModel(request.request, env, (layer) => scope.postMessage({ type: 'layerDone', runId, layer }));
      scope.postMessage({ type: 'modelDone', runId, flavour: kernel.variant });
    } catch (e) {
      scope.postMessage({ type: 'failed', runId, message: messageOf(e) });
    }
    return;
  }
  try {
    const outcome = await runSandbox(request.request, {
      kernel,
      now: () => scope.performance.now(),
      progress: (done, total, label) => scope.postMessage({ type: 'progress', runId, done, total, label }),
    });
    scope.postMessage(outcome.type === 'result' ? { type: 'result', runId, result: outcome.result } : { ...outcome, runId });
  } catch (e) {
    scope.postMessage({ type: 'failed', runId, message: messageOf(e) });
  }
}

function messageOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).slice(0, 1900);
}
