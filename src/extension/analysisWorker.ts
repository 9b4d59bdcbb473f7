import type { FileAnalysis } from '../analysis/types';
import type { WhatIfPlan, WhatIfResult } from '../analysis/whatif/types';
import { CANCEL_SLOT, FromWorker, RunSettings, Stopped, ToWorker, WireChange, parseFromWorker, placeKey } from '../protocol/analysis';
import { ResultAssembly } from './resultAssembly';
import type { AnalysisIndex } from './text/index';

/** A started worker, seen from the host: the desktop and the web entries each make one. */
export interface WorkerHandle {
  post(message: ToWorker): void;
  terminate(): void;
}

/** What a started worker reports: its messages, and its end when the host did not ask for it. */
export interface WorkerEvents {
  message(data: unknown): void;
  exit(reason: string): void;
}

export type StartWorker = (events: WorkerEvents) => WorkerHandle;

/** An open document as the worker mirrors it. */
export interface MirrorDocument {
  root: string;
  path: string;
  version: number;
  text(): string;
}

/** What the worker needs from the host: the open documents, and files it cannot read itself. */
export interface WorkerHost {
  openDocuments(): MirrorDocument[];
  document(root: string, path: string): MirrorDocument | undefined;
  readFile(root: string, path: string): Promise<string | null>;
  /** A file asked for has arrived: analyses that looked for it are stale. */
  fileArrived(key: string): void;
  log(text: string): void;
  /** How long the host spent on one message from the worker (its outcome's handling included), by its type. */
  handled(millis: number, type: string): void;
}

export interface AnalysisJob {
  root: string;
  path: string;
  /** The mirrored document's version, or 0 with `source` (a notebook's joined cells). */
  version: number;
  source: string | null;
  settings: RunSettings;
  /** Set for the model view's what-if (then `source` holds the text): the model and the plan. */
  whatIf?: { entry: string; plan: WhatIfPlan };
}

export type Outcome =
  | { kind: 'whatIf'; result: WhatIfResult | null; error: string | null; millis: number }
  | { kind: 'result'; analysis: FileAnalysis; index: AnalysisIndex; millis: number; reads: string[]; stopped: Stopped | null }
  /** The worker did not answer in time or stopped; it has been restarted. */
  | { kind: 'failed'; reason: string }
  /** A newer job for the same document replaced this one. */
  | { kind: 'superseded' };

interface Queued {
  key: string;
  job: AnalysisJob;
  resolve(outcome: Outcome): void;
  /** Set once the worker has been sent the document afresh after losing track of it. */
  resent: boolean;
}

interface Running extends Queued {
  run: number;
  /** Set once the worker is ready: loading the worker's code does not count against the job. */
  watchdog: ReturnType<typeof setTimeout> | undefined;
  /** The result as far as its parts have arrived. */
  assembly: ResultAssembly;
}

/**
 * The host's side of the analysis worker. The worker starts at the first job (never at
 * activation) and is sent the open documents; edits follow as they happen. Jobs run one at a
 * time, at most one waiting per document: a newer job for a document replaces its waiting one,
 * and cancels its running one through shared memory where there is some.
 *
 * The backstop: a worker that has not answered a job within twice the job's deadline (the
 * analysis checks the deadline only between statements; one huge statement could outlast it)
 * is terminated, the job fails with the reason, and the next job starts a new worker.
 */
export class AnalysisWorker {
  private handle: WorkerHandle | null = null;
  private ready = false;
  private cancel: Int32Array | null = null;
  private readonly waiting: Queued[] = [];
  private running: Running | null = null;
  private nextRun = 1;
  /** How many workers have been started (the first one included), for the log and the tests. */
  starts = 0;

  constructor(private readonly start: StartWorker, private readonly host: WorkerHost) {}

  /** Queues a job; `resolve` is called exactly once, synchronously with the worker's answer. */
  analyze(job: AnalysisJob, resolve: (outcome: Outcome) => void): void {
    // A what-if waits apart from the document's analyses: a newer what-if replaces it, an edit does not.
    const key = `${job.whatIf ? 'whatIf:' : ''}${placeKey(job.root, job.path)}`;
    const index = this.waiting.findIndex((q) => q.key === key);
    if (index >= 0) this.waiting.splice(index, 1)[0].resolve({ kind: 'superseded' });
    if (this.running?.key === key && this.cancel) Atomics.store(this.cancel, CANCEL_SLOT, this.running.run);
    this.waiting.push({ key, job, resolve, resent: false });
    this.pump();
  }

  opened(document: MirrorDocument): void {
    this.handle?.post({ type: 'open', root: document.root, path: document.path, version: document.version, text: document.text() });
  }

  changed(document: MirrorDocument, changes: WireChange[], length: number): void {
    this.handle?.post({ type: 'change', root: document.root, path: document.path, version: document.version, length, changes });
  }

  closed(root: string, path: string): void {
    this.handle?.post({ type: 'close', root, path });
  }

  /** Files on disk changed: the worker forgets what it read (one file, or all with no arguments). */
  forget(root: string | null = null, path: string | null = null): void {
    this.handle?.post({ type: 'forget', root, path });
  }

  private pump(): void {
    if (this.running) return;
    const next = this.waiting.shift();
    if (!next) return;
    const handle = this.ensureStarted();
    const run = this.nextRun++;
    const { job } = next;
    this.running = { ...next, run, watchdog: undefined, assembly: new ResultAssembly() };
    if (this.ready) this.startWatchdog(this.running);
    if (job.whatIf) handle.post({ type: 'whatIf', run, root: job.root, path: job.path, source: job.source ?? '', settings: job.settings, entry: job.whatIf.entry, plan: job.whatIf.plan });
    else handle.post({ type: 'analyze', run, root: job.root, path: job.path, version: job.version, source: job.source, settings: job.settings });
  }

  private startWatchdog(running: Running): void {
    const limit = 2 * running.job.settings.deadlineMs;
    running.watchdog = setTimeout(() => this.restart(`Conv Lens stopped analyzing this file: the analysis gave no answer within ${limit} ms (twice the convLens.analysisTimeoutMs deadline), so its worker was stopped.`), limit);
  }

  private ensureStarted(): WorkerHandle {
    if (this.handle) return this.handle;
    let handle: WorkerHandle | null = null;
    handle = this.start({
      // Messages and exits of a worker already replaced are ignored.
      message: (data) => {
        if (handle !== this.handle) return;
        const started = performance.now();
        this.receive(data);
        this.host.handled(performance.now() - started, messageType(data));
      },
      exit: (reason) => {
        if (handle === this.handle) this.restart(`Conv Lens stopped analyzing this file: its analysis worker stopped (${reason}).`);
      },
    });
    this.handle = handle;
    this.ready = false;
    this.starts++;
    this.cancel = sharedCancelSlot();
    handle.post({ type: 'init', cancel: this.cancel ? (this.cancel.buffer as SharedArrayBuffer) : null });
    for (const document of this.host.openDocuments()) this.opened(document);
    return handle;
  }

  private receive(data: unknown): void {
    const parsed = parseFromWorker(data);
    if (!parsed.ok) {
      this.host.log(`[worker] rejected a message: ${parsed.error}`);
      return;
    }
    const m = parsed.value;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.running && this.running.watchdog === undefined) this.startWatchdog(this.running);
        return;
      case 'part':
        if (this.running?.run === m.run) this.running.assembly.add(m);
        return;
      case 'result':
      case 'whatIfResult':
      case 'cancelled':
        return this.finished(m);
      case 'read':
        return this.read(m.root, m.path);
      case 'resync': {
        const document = this.host.document(m.root, m.path);
        if (document) this.opened(document);
        return;
      }
    }
  }

  private finished(m: Extract<FromWorker, { type: 'result' | 'whatIfResult' | 'cancelled' }>): void {
    const running = this.running;
    if (!running || running.run !== m.run) return;
    clearTimeout(running.watchdog);
    this.running = null;
    if (m.type === 'whatIfResult') {
      running.resolve({ kind: 'whatIf', result: m.result, error: m.error, millis: m.millis });
    } else if (m.type === 'cancelled' && running.job.whatIf) {
      running.resolve({ kind: 'superseded' });
    } else if (m.type === 'result') {
      const joined = running.assembly.finish(m.analysis);
      running.resolve(joined.ok
        ? { kind: 'result', ...joined.value, millis: m.millis, reads: m.reads, stopped: m.stopped }
        : { kind: 'failed', reason: `Conv Lens could not read the analysis of this file: ${joined.error}` });
    } else if (this.waiting.some((q) => q.key === running.key)) {
      running.resolve({ kind: 'superseded' });
    } else if (!running.resent) {
      // The worker's copy of the document did not match the version asked for: send it whole and try once more.
      const document = this.host.document(running.job.root, running.job.path);
      if (document) this.opened(document);
      this.waiting.unshift({ key: running.key, job: { ...running.job, version: document?.version ?? running.job.version }, resolve: running.resolve, resent: true });
    } else {
      running.resolve({ kind: 'failed', reason: 'Conv Lens could not analyze this file: its analysis worker lost track of the text.' });
    }
    this.pump();
  }

  private read(root: string, path: string): void {
    this.host.readFile(root, path).then((text) => {
      this.handle?.post({ type: 'file', root, path, text });
      if (text !== null) this.host.fileArrived(placeKey(root, path));
    }, (e: unknown) => this.host.log(`[worker] cannot read ${root}${path}: ${String(e)}`));
  }

  /** Ends the current worker (stuck or stopped), fails its job, and goes on with the next one in a new worker. */
  private restart(reason: string): void {
    this.stopWorker();
    const running = this.running;
    this.running = null;
    if (running) {
      clearTimeout(running.watchdog);
      this.host.log(`[worker] ${reason}`);
      running.resolve({ kind: 'failed', reason });
    }
    this.pump();
  }

  private stopWorker(): void {
    const handle = this.handle;
    this.handle = null;
    this.cancel = null;
    handle?.terminate();
  }

  dispose(): void {
    this.stopWorker();
    if (this.running) clearTimeout(this.running.watchdog);
    for (const q of [...this.waiting, ...(this.running ? [this.running] : [])]) q.resolve({ kind: 'superseded' });
    this.waiting.length = 0;
    this.running = null;
  }
}

/** Shared memory for cancellation where the platform has it (Node; a browser only when cross-origin isolated). */
function sharedCancelSlot(): Int32Array | null {
  try {
    const slot = new Int32Array(new SharedArrayBuffer(4));
    slot[CANCEL_SLOT] = -1;
    return slot;
  } catch {
    return null;
  }
}

/** A message's type for the performance log ("?" for one that is not a message). */
function messageType(data: unknown): string {
  const type = typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : undefined;
  return typeof type === 'string' && type.length <= 16 ? type : '?';
}
