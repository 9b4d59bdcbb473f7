import { DocumentAnalyzer, analyzeFile } from '../analysis';
import { whatIfModel } from '../analysis/whatif/whatIf';
import { mayRead } from '../analysis/evaluate/importPolicy';
import type { AnalysisOptions, FileAnalysis, ParseStore } from '../analysis/types';
import { CANCEL_SLOT, FromWorker, RunSettings, ToWorker, parseToWorker, placeKey, splitResult } from '../protocol/analysis';
import { DiskReader, FILE_ROOT, WorkerFiles } from './files';
import { MirroredDocument } from './mirror';

/**
 * The analysis options with the deadline hooks the engine reads between statements: it stops
 * once `clock()` has advanced `deadlineMs` past its reading at the start of the run, and reports
 * what it skipped.
 */
type TimedOptions = AnalysisOptions & { deadlineMs?: number; clock?: () => number };

/** What the worker's two entries (Node and browser) provide. */
export interface WorkerPlatform {
  post(message: FromWorker): void;
  /** Milliseconds from a monotonic clock. */
  now(): number;
  /** Reads local files (the desktop worker); without it, the host is asked for every file. */
  readDisk?: DiskReader;
  /** Parses kept on disk across the worker's lives (the desktop worker, in the extension's storage). */
  parses?: ParseStore;
  /** Folders of installed torchvision and timm, as '/'-separated paths (the desktop worker). */
  libraryRoots?: () => string[];
  /** Reports a message the worker could not accept (a bug on one side or the other). */
  warn(text: string): void;
}

/** An open document's mirror and its incremental analyzer. */
interface DocumentState {
  mirror: MirroredDocument;
  analyzer: DocumentAnalyzer | null;
  /**
   * The options the analyzer was last given. The analyzer keeps its per-model cache only while
   * it gets the very same object, so a new object is made whenever the cache may be stale: other
   * settings, an imported file that changed, or a run that did not finish.
   */
  options: TimedOptions | null;
  settingsKey: string;
  reads: Set<string>;
  /** The files tick when the last run started. */
  ranAt: number;
  /** The text the analyzer's last result is of (the what-if reads the model as written from it). */
  analysed?: string;
}

/** The run in progress, read by the hooks the analysis calls (file reads and the clock). */
interface Run {
  id: number;
  reads: Set<string>;
  clockReadings: number;
}

/**
 * The analysis worker's whole behaviour, without the thread: it keeps a mirror and a
 * DocumentAnalyzer per open document, answers `analyze` with the result and the files it read,
 * and abandons a run the host has given up on. Runs are synchronous, so messages that arrive
 * during a run wait for its end; only the shared cancellation slot is seen during a run.
 */
export class AnalysisService {
  private readonly documents = new Map<string, DocumentState>();
  private readonly files: WorkerFiles;
  private cancel: Int32Array | null = null;
  private run: Run = { id: -1, reads: new Set(), clockReadings: 0 };
  private libraries: string[] | null = null;

  constructor(private readonly platform: WorkerPlatform) {
    this.files = new WorkerFiles((key) => this.documents.get(key)?.mirror.text, platform.readDisk, (root, path) => platform.post({ type: 'read', root, path }));
  }

  handle(data: unknown): void {
    const parsed = parseToWorker(data);
    if (!parsed.ok) {
      this.platform.warn(`analysis worker: rejected a message: ${parsed.error}`);
      return;
    }
    const m = parsed.value;
    switch (m.type) {
      case 'init':
        this.cancel = m.cancel ? new Int32Array(m.cancel) : null;
        this.platform.post({ type: 'ready' });
        return;
      case 'open':
        this.documents.set(placeKey(m.root, m.path), { mirror: new MirroredDocument(m.text, m.version), analyzer: null, options: null, settingsKey: '', reads: new Set(), ranAt: 0 });
        this.files.changed(placeKey(m.root, m.path));
        return;
      case 'change':
        return this.change(m);
      case 'close':
        this.documents.delete(placeKey(m.root, m.path));
        this.files.changed(placeKey(m.root, m.path));
        return;
      case 'analyze':
        return this.analyze(m);
      case 'whatIf':
        return this.whatIf(m);
      case 'file':
        return this.files.receive(m.root, m.path, m.text);
      case 'forget':
        return this.files.forget(m.root === null || m.path === null ? null : placeKey(m.root, m.path));
    }
  }

  private change(m: Extract<ToWorker, { type: 'change' }>): void {
    const key = placeKey(m.root, m.path);
    const state = this.documents.get(key);
    if (!state) return;
    this.files.changed(key);
    if (!state.mirror.apply(m.changes, m.version, m.length)) {
      state.analyzer = null;
      this.platform.post({ type: 'resync', root: m.root, path: m.path });
    }
  }

  private analyze(m: Extract<ToWorker, { type: 'analyze' }>): void {
    if (this.cancelled(m.run)) return this.platform.post({ type: 'cancelled', run: m.run });
    this.run = { id: m.run, reads: new Set(), clockReadings: 0 };
    const started = this.platform.now();
    let analysis: FileAnalysis;
    let state: DocumentState | undefined;
    if (m.source !== null) {
      analysis = guarded(m.path, () => analyzeFile(m.source!, this.options(m.root, m.path, m.settings)));
    } else {
      state = this.documents.get(placeKey(m.root, m.path));
      const text = state?.mirror.text;
      if (!state || typeof text !== 'string' || state.mirror.version !== m.version) return this.platform.post({ type: 'cancelled', run: m.run });
      analysis = this.update(state, text, m);
    }
    const millis = this.platform.now() - started;
    const unfinished = this.cancelled(m.run) || millis >= m.settings.deadlineMs;
    // A run cut short may have cached partial models: the next run starts with an empty cache.
    if (state && unfinished) state.options = null;
    if (this.cancelled(m.run)) return this.platform.post({ type: 'cancelled', run: m.run });
    const stopped = unfinished ? { reason: 'deadline' as const, deadlineMs: m.settings.deadlineMs } : null;
    const { parts, rest } = splitResult(m.run, analysis);
    for (const part of parts) this.platform.post(part);
    this.platform.post({ type: 'result', run: m.run, analysis: rest, millis, reads: [...this.run.reads], stopped });
    // With the result sent: check that the imports this run reused are unchanged, for the next one.
    state?.analyzer?.settle();
  }

  /** The model view's what-if: the engine analyses the model again with the plan applied. */
  private whatIf(m: Extract<ToWorker, { type: 'whatIf' }>): void {
    if (this.cancelled(m.run)) return this.platform.post({ type: 'cancelled', run: m.run });
    this.run = { id: m.run, reads: new Set(), clockReadings: 0 };
    const started = this.platform.now();
    let result = null;
    let error: string | null = null;
    try {
      result = whatIfModel(this.options(m.root, m.path, m.settings), m.source, m.entry, m.plan, { held: this.held(m) });
    } catch (e) {
      error = `Conv Lens could not work out this what-if: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (this.cancelled(m.run)) return this.platform.post({ type: 'cancelled', run: m.run });
    this.platform.post({ type: 'whatIfResult', run: m.run, result, error, millis: this.platform.now() - started });
  }

  /**
   * The document's last analysis, when it is of the what-if's very text and settings, finished,
   * and no file it read changed since: the what-if reads the model as written from it.
   */
  private held(m: Extract<ToWorker, { type: 'whatIf' }>): FileAnalysis | null {
    const state = this.documents.get(placeKey(m.root, m.path));
    const analysis = state?.analyzer?.analysis;
    if (!state || !analysis || !state.options || state.analysed !== m.source) return null;
    if (state.settingsKey !== settingsKeyOf(m.settings) || this.files.changedSince(state.reads, state.ranAt)) return null;
    return analysis;
  }

  private update(state: DocumentState, text: string, m: Extract<ToWorker, { type: 'analyze' }>): FileAnalysis {
    const settingsKey = settingsKeyOf(m.settings);
    if (!state.options || state.settingsKey !== settingsKey || this.files.changedSince(state.reads, state.ranAt)) {
      state.options = this.options(m.root, m.path, m.settings);
      state.settingsKey = settingsKey;
    }
    state.ranAt = this.files.now();
    const changes = state.mirror.takeChanges();
    const analyzer = state.analyzer;
    const options = state.options;
    const analysis = guarded(m.path, () => {
      // A new analyzer has no previous text for the changes to apply to: it parses afresh.
      if (analyzer) return analyzer.update(text, changes, options);
      state.analyzer = new DocumentAnalyzer(options);
      return state.analyzer.update(text, undefined, options);
    }, () => {
      // A failed update may have left the analyzer's parse half-changed.
      state.analyzer = null;
    });
    state.reads = this.run.reads;
    state.analysed = text;
    return analysis;
  }

  private options(root: string, path: string, settings: RunSettings): TimedOptions {
    // In Restricted Mode the library folders this worker found are readable too (importPolicy.ts).
    const readable = settings.readableRoots && [...settings.readableRoots, ...(root === FILE_ROOT ? this.libraryRoots() : [])];
    return {
      file: path,
      host: { ...this.files.hostFor(root, () => this.run.reads, (file) => mayRead(readable, file)), parses: this.platform.parses },
      searchRoots: settings.searchRoots,
      libraryRoots: root === FILE_ROOT ? this.libraryRoots() : [],
      input: settings.input,
      deadlineMs: settings.deadlineMs,
      budget: { steps: settings.maxSteps },
      environment: environmentOf(settings.environment),
      clock: () => this.clock(),
    };
  }

  private libraryRoots(): string[] {
    return (this.libraries ??= this.platform.libraryRoots?.() ?? []);
  }

  /**
   * The analysis's clock. Once the host has given up on the run, it leaps far ahead, so the
   * analysis stops at its next deadline check as though the deadline had passed. The run's
   * first reading (the start the deadline is counted from) is always the true time, so a run
   * cancelled before it began still sees the leap.
   */
  private clock(): number {
    const now = this.platform.now();
    return this.run.clockReadings++ > 0 && this.cancelled(this.run.id) ? now + CANCEL_LEAP_MS : now;
  }

  private cancelled(run: number): boolean {
    return this.cancel !== null && Atomics.load(this.cancel, CANCEL_SLOT) === run;
  }
}

/** How far the clock leaps for a cancelled run: far past any deadline. */
const CANCEL_LEAP_MS = 1e12;

function settingsKeyOf(s: RunSettings): string {
  return `${s.input?.join(',') ?? ''}|${s.searchRoots.join('\0')}|${s.readableRoots?.join('\0') ?? 'trusted'}|${s.deadlineMs}|${s.maxSteps}|${s.environment.map((e) => e.join('=')).join('\0')}`;
}

/**
 * Runs the analysis; an internal failure of the engine becomes a single warning on the first
 * line rather than a missing analysis.
 */
function guarded(file: string, analyze: () => FileAnalysis, onError?: () => void): FileAnalysis {
  try {
    return analyze();
  } catch (e) {
    onError?.();
    const message = e instanceof Error ? e.message : String(e);
    return {
      file,
      models: [],
      declarations: [],
      unresolved: [],
      diagnostics: [{ range: { line: 1, column: 0, endLine: 1, endColumn: 0 }, severity: 'warning', source: 'analysis', message: `Conv Lens could not analyze this file: ${message}` }],
    };
  }
}

/** The settings' variables as os.environ's contents (no prototype: a variable may be named __proto__). */
function environmentOf(pairs: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [name, value] of pairs) out[name] = value;
  return out;
}
