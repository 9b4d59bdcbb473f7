import { ModelRunLayerResult, ModelRunRequest, SandboxRunRequest, SandboxResult, SimdFlavour, WorkerReply, WorkerRequest, parseWorkerReply } from '../../protocol/sandbox';

/** Where the worker script and the kernel builds are: beside the page's own script in dist/. */
export interface SandboxFiles {
  worker: string;
  simd: string;
  relaxed: string;
}

export type RunEnd =
  | { type: 'result'; result: SandboxResult }
  | { type: 'refused'; message: string; suggestion: string[] | null; tooLarge: string[] }
  | { type: 'failed'; message: string }
  | { type: 'cancelled' }
  | { type: 'modelDone'; flavour: SimdFlavour };

interface Pending {
  runId: number;
  progress(done: number, total: number, label: string): void;
  finish(end: RunEnd): void;
  /** A whole-model run's layers, as each finishes. */
  layer?(result: ModelRunLayerResult): void;
}

/**
 * Runs sandbox requests in a Web Worker. The worker starts from a blob: URL made from the
 * worker script's text, because a webview's resource URLs are on another origin than the page
 * and a Worker must be same-origin; the page (not the worker) fetches the .wasm builds, so no
 * fetch depends on a worker's own CSP or service worker, and sends their bytes. Cancel
 * terminates the worker; the next run starts a fresh one.
 */
export class SandboxClient {
  private worker: Worker | null = null;
  private loading: Promise<SimdFlavour> | null = null;
  private blobUrl: string | null = null;
  private pending: Pending | null = null;
  private nextRunId = 1;

  constructor(private readonly files: SandboxFiles) {}

  get running(): boolean {
    return this.pending !== null;
  }

  /** Starts the worker and loads the kernel, once; resolves with the SIMD flavour it picked. */
  load(): Promise<SimdFlavour> {
    this.loading ??= this.startWorker().catch((e: unknown) => {
      this.stop();
      throw e;
    });
    return this.loading;
  }

  run(request: SandboxRunRequest, progress: Pending['progress']): Promise<RunEnd> {
    return this.start(progress, undefined, (runId) => ({ type: 'run', runId, request }));
  }

  /** The model view's whole-model run; `layer` hears of each layer as it finishes, so a cancelled run keeps what it measured. */
  runModel(request: ModelRunRequest, progress: Pending['progress'], layer: (result: ModelRunLayerResult) => void): Promise<RunEnd> {
    return this.start(progress, layer, (runId) => ({ type: 'runModel', runId, request }));
  }

  private async start(progress: Pending['progress'], layer: Pending['layer'], message: (runId: number) => WorkerRequest): Promise<RunEnd> {
    if (this.pending) return { type: 'failed', message: 'A run is already in progress.' };
    const runId = this.nextRunId++;
    let finish: (end: RunEnd) => void = () => undefined;
    const ended = new Promise<RunEnd>((resolve) => { finish = resolve; });
    const pending: Pending = { runId, progress, finish, ...(layer ? { layer } : {}) };
    this.pending = pending;
    try {
      await this.load();
    } catch (e) {
      this.end({ type: 'failed', message: `The sandbox could not start: ${e instanceof Error ? e.message : String(e)}` });
      return ended;
    }
    // A cancel while the kernel loaded has already ended this run.
    if (this.pending === pending) this.send(message(runId));
    return ended;
  }

  /** Ends the run in progress at once by terminating the worker. */
  cancel(): void {
    if (!this.pending) return;
    this.stop();
    this.end({ type: 'cancelled' });
  }

  dispose(): void {
    this.cancel();
    this.stop();
  }

  private async startWorker(): Promise<SimdFlavour> {
    const [script, simd, relaxed] = await Promise.all([fetchOk(this.files.worker).then((r) => r.text()), fetchBytes(this.files.simd), fetchBytes(this.files.relaxed).catch(() => null)]);
    this.blobUrl = URL.createObjectURL(new Blob([script], { type: 'text/javascript' }));
    const worker = new Worker(this.blobUrl, { name: 'conv-lens-sandbox' });
    this.worker = worker;
    return new Promise<SimdFlavour>((resolve, reject) => {
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        const error = new Error(e.message || 'the worker failed to start (blocked by the page\'s Content Security Policy?)');
        reject(error);
        this.stop();
        this.end({ type: 'failed', message: error.message });
      });
      worker.addEventListener('message', (event: MessageEvent) => {
        const parsed = parseWorkerReply(event.data);
        if (!parsed.ok) {
          // A reply the page cannot read ends the run rather than leaving it waiting for ever.
          console.warn(`Conv Lens: ignored a malformed message from the sandbox (${parsed.error})`);
          return this.end({ type: 'failed', message: `the sandbox sent a reply the page could not read (${parsed.error})` });
        }
        const reply = parsed.value;
        if (reply.type === 'loaded') resolve(reply.flavour);
        else if (reply.type === 'loadFailed') reject(new Error(reply.message));
        else this.receive(reply);
      });
      this.send({ type: 'init', simd, relaxed }, relaxed ? [simd.buffer, relaxed.buffer] : [simd.buffer]);
    });
  }

  private receive(reply: Exclude<WorkerReply, { type: 'loaded' | 'loadFailed' }>): void {
    const pending = this.pending;
    if (!pending || (reply.runId !== pending.runId && reply.runId !== 0)) return;
    switch (reply.type) {
      case 'progress':
        return pending.progress(reply.done, reply.total, reply.label);
      case 'result':
        return this.end({ type: 'result', result: reply.result });
      case 'layerDone':
        return pending.layer?.(reply.layer);
      case 'modelDone':
        return this.end({ type: 'modelDone', flavour: reply.flavour });
      case 'refused':
        return this.end({ type: 'refused', message: reply.message, suggestion: reply.suggestion, tooLarge: reply.tooLarge });
      case 'failed':
        return this.end({ type: 'failed', message: reply.message });
    }
  }

  private end(end: RunEnd): void {
    const pending = this.pending;
    this.pending = null;
    pending?.finish(end);
  }

  private send(message: WorkerRequest, transfer: Transferable[] = []): void {
    this.worker?.postMessage(message, transfer);
  }

  private stop(): void {
    this.worker?.terminate();
    this.worker = null;
    this.loading = null;
    if (this.blobUrl) URL.revokeObjectURL(this.blobUrl);
    this.blobUrl = null;
  }
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url.split('/').pop()} (HTTP ${response.status})`);
  return response;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetchOk(url)).arrayBuffer());
}

/**
 * The sandbox's files relative to the page's script (dist/webview/main.js): the worker beside it,
 * the kernel in dist/kernel. Read while the script runs, which is the only time currentScript is set.
 */
export function filesBesideScript(scriptUrl: string): SandboxFiles {
  return {
    worker: new URL('sandboxWorker.js', scriptUrl).toString(),
    simd: new URL('../kernel/conv-simd.wasm', scriptUrl).toString(),
    relaxed: new URL('../kernel/conv-relaxed.wasm', scriptUrl).toString(),
  };
}
