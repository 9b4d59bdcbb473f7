import * as vscode from 'vscode';
import { ranOutOfSteps } from '../analysis/evaluate/budget';
import { ImportPolicy, importPolicy, mayRead } from '../analysis/evaluate/importPolicy';
import { FileAnalysis, SourceRange } from '../analysis/types';
import type { WhatIfPlan } from '../analysis/whatif/types';
import { RunSettings, WireChange, placeKey } from '../protocol/analysis';
import { AnalysisWorker, MirrorDocument, Outcome, StartWorker } from './analysisWorker';
import { Config } from './config';
import { InputShapes } from './inputShapes';
import { Timings } from './timings';
import { AnalysisIndex } from './text/index';
import { JoinedNotebook, joinCells, joinedLine, locateLine } from './text/notebook';

/** Why an analysis shows less than the whole file, in words for the surfaces. */
export interface AnalysisStatus {
  kind: 'partial' | 'failed';
  message: string;
}

/** Where a contract position (1-based line, 0-based column) sits in one editor document. */
export interface DocumentView {
  readonly document: vscode.TextDocument;
  /** The file or notebook that was analyzed. */
  readonly owner: vscode.Uri;
  readonly analysis: FileAnalysis;
  readonly index: AnalysisIndex;
  /** Null when the analysis covered the whole file. */
  readonly status: AnalysisStatus | null;
  /** The range in this document, or null when it lies in another cell of the notebook. */
  toRange(range: SourceRange): vscode.Range | null;
  /** The contract's line and column for a position in this document. */
  toContract(position: vscode.Position): { line: number; column: number };
}

/** The latest completed analysis of a file or notebook, at one version of its text and settings. */
interface Entry {
  version: string;
  settingsKey: string;
  analysis: FileAnalysis;
  index: AnalysisIndex;
  joined: JoinedNotebook | null;
  /** Every file the analysis looked at (keys of placeKey): an edit of one makes it stale. */
  reads: Set<string>;
  status: AnalysisStatus | null;
  /** Set when a file it read has changed since: it is shown until the next analysis arrives, but not as current. */
  stale: boolean;
}

/** An analysis asked of the worker and not yet answered. */
interface Request {
  version: string;
  settingsKey: string;
  done: Promise<void>;
  /** The count of file changes when it was asked for. */
  since: number;
}

const DEBOUNCE_MS = 200;

/** Schemes of Python text that is not the user's code to analyze: old versions, our own documents. */
const IGNORED_SCHEMES = new Set(['git', 'gitfs', 'conv-lens', 'output', 'vscode-scm', 'merge-conflict.conflict-diff']);

export function isPython(document: vscode.TextDocument): boolean {
  return document.languageId === 'python' && !IGNORED_SCHEMES.has(document.uri.scheme);
}

/**
 * The analyses of open documents, made by the analysis worker (off the extension host's
 * thread) and read by every surface. Surfaces never wait on the thread: `current` and `latest`
 * answer from what has arrived, and `settled` is a promise for the analysis of the text as it is
 * now. Typing schedules a debounced re-analysis; its arrival fires `onDidUpdate`, so pushed
 * surfaces (diagnostics, status bar) and pulled ones (CodeLens, inlay hints) refresh together.
 */
export class Analyses {
  private readonly entries = new Map<string, Entry>();
  private readonly requests = new Map<string, Request>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly notifications = new Set<ReturnType<typeof setTimeout>>();
  /**
   * When each file last changed, counted in file changes. An analysis on its way cannot be
   * found by the files it reads until it arrives; a file that changes meanwhile (an import the
   * host was still reading, an edit of another open file) is checked for when it does.
   */
  private readonly fileChangedAt = new Map<string, number>();
  private fileChanges = 0;
  /** Each owner's settings and their key, until a setting or an input shape changes. */
  private readonly settingsCache = new Map<string, { settings: RunSettings; key: string }>();
  private readonly updated = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly worker: AnalysisWorker;
  /** Fires with the owner (file or notebook) whose analysis has arrived. */
  readonly onDidUpdate = this.updated.event;
  /** Milliseconds the last analysis took in the worker, for the performance log. */
  lastMillis = 0;

  constructor(private readonly config: Config, private readonly shapes: InputShapes, startWorker: StartWorker, private readonly log: (text: string) => void, private readonly timings: Timings) {
    this.worker = new AnalysisWorker(startWorker, {
      openDocuments: () => openPythonDocuments().filter(isMirrored).map(mirrorOf),
      document: (root, path) => {
        const document = openPythonDocuments().find((d) => isMirrored(d) && rootOf(d.uri) === root && d.uri.path === path);
        return document && mirrorOf(document);
      },
      // The web worker asks for its imports here; Restricted Mode holds these reads to the workspace too.
      readFile: (root, path) => (mayRead(this.importPolicy().readable, path) ? readWorkspaceFile(uriOf(root, path)) : Promise.resolve(null)),
      fileArrived: (key) => this.refreshDependents(key),
      log,
      handled: (millis, type) => {
        timings.record('host:message', millis);
        timings.record(`host:message:${type}`, millis);
      },
    });
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (isMirrored(d)) this.worker.opened(mirrorOf(d));
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!isPython(e.document) || e.contentChanges.length === 0) return;
        const started = performance.now();
        if (isMirrored(e.document)) this.worker.changed(mirrorOf(e.document), wireChanges(e.contentChanges), textLength(e.document));
        this.schedule(e.document);
        this.refreshDependents(keyOf(e.document.uri));
        timings.record('host:edit', performance.now() - started);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (isMirrored(d)) this.worker.closed(rootOf(d.uri), d.uri.path);
        this.forgetOwner(d.uri);
        this.refreshDependents(keyOf(d.uri));
      }),
      vscode.workspace.onDidCloseNotebookDocument((n) => this.forgetOwner(n.uri)),
      config.onDidChange(() => this.settingsChanged()),
      shapes.onDidChange(() => this.settingsChanged()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.settingsChanged()),
      // Trust widens what imports may read: files refused before are read afresh.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.worker.forget();
        this.settingsChanged();
      }),
    );
  }

  /** How many analysis workers have been started (0 until the first analysis). */
  get workerStarts(): number {
    return this.worker.starts;
  }

  /** The analysis of the document's current text and settings, if it has arrived; never waits. */
  current(document: vscode.TextDocument): DocumentView | null {
    if (!isPython(document)) return null;
    const target = this.target(document);
    const entry = this.entries.get(target.owner.toString());
    if (!entry || entry.stale || entry.version !== target.version || entry.settingsKey !== this.settings(target.owner).key) return null;
    return this.view(document, target.owner, entry);
  }

  /**
   * The latest analysis that has arrived, possibly of an older version, or null before the
   * first. For surfaces that show totals rather than positions (the status bar, the Explorer
   * view), where a slightly old figure beats an empty one.
   */
  latest(document: vscode.TextDocument): DocumentView | null {
    if (!isPython(document)) return null;
    const owner = notebookOf(document)?.uri ?? document.uri;
    const entry = this.entries.get(owner.toString());
    return entry ? this.view(document, owner, entry) : null;
  }

  /**
   * The analysis of the document as it is now, once it has arrived: after the pending debounced
   * re-analysis, if any, so providers that VS Code asks for on every edit (CodeLens, inlay
   * hints) share that one analysis. Null when the document keeps changing under it.
   */
  async settled(document: vscode.TextDocument): Promise<DocumentView | null> {
    if (!isPython(document)) return null;
    const key = (notebookOf(document)?.uri ?? document.uri).toString();
    if (this.timers.has(key)) await this.nextUpdate(key);
    for (let attempt = 0; attempt < 3; attempt++) {
      const view = this.current(document);
      if (view) return view;
      await this.request(document);
    }
    return this.current(document);
  }

  /** Starts analyzing a document unless its current analysis has arrived or is on its way. */
  analyze(document: vscode.TextDocument): void {
    if (isPython(document)) void this.request(document);
  }

  private request(document: vscode.TextDocument): Promise<void> {
    const target = this.target(document);
    const key = target.owner.toString();
    const { settings, key: settingsKey } = this.settings(target.owner);
    const entry = this.entries.get(key);
    if (entry && !entry.stale && entry.version === target.version && entry.settingsKey === settingsKey) return Promise.resolve();
    const pending = this.requests.get(key);
    if (pending && pending.version === target.version && pending.settingsKey === settingsKey) return pending.done;
    const joined = target.cells ? joinCells(target.cells.map((c) => ({ key: c.uri.toString(), text: c.getText() }))) : null;
    const request: Request = { version: target.version, settingsKey, done: Promise.resolve(), since: this.fileChanges };
    const job = { root: rootOf(target.owner), path: target.owner.path, version: joined ? 0 : document.version, source: joined ? joined.source : null, settings };
    request.done = new Promise((resolve) => this.worker.analyze(job, (outcome) => {
      resolve();
      if (this.requests.get(key) === request) this.requests.delete(key);
      else if (!this.requests.has(key)) return; // The document was closed meanwhile.
      this.accept(target.owner, request, joined, outcome);
    }));
    this.requests.set(key, request);
    return request.done;
  }

  /**
   * The model view's what-if of one model of the document's file (not of notebooks): run in the
   * analysis worker on the text as it is now, with the file's settings. A newer what-if of the
   * same file replaces a waiting one, which then resolves as superseded.
   */
  whatIf(document: vscode.TextDocument, entry: string, plan: WhatIfPlan): Promise<Outcome> {
    const target = this.target(document);
    const joined = target.cells ? joinCells(target.cells.map((c) => ({ key: c.uri.toString(), text: c.getText() }))) : null;
    const job = {
      root: rootOf(target.owner), path: target.owner.path, version: 0, source: joined ? joined.source : document.getText(),
      settings: this.settings(target.owner).settings, whatIf: { entry, plan },
    };
    return new Promise((resolve) => this.worker.analyze(job, resolve));
  }

  private accept(owner: vscode.Uri, request: Request, joined: JoinedNotebook | null, outcome: Outcome): void {
    if (outcome.kind === 'superseded' || outcome.kind === 'whatIf') return;
    const status: AnalysisStatus | null = outcome.kind === 'failed'
      ? { kind: 'failed', message: outcome.reason }
      : outcome.stopped ? { kind: 'partial', message: `Conv Lens stopped analyzing this file at its ${outcome.stopped.deadlineMs} ms deadline (convLens.analysisTimeoutMs): what it found by then is shown, the rest is unknown.` }
      : ranOutOfSteps(outcome.analysis) ? { kind: 'partial', message: `Conv Lens ran out of analysis steps in this file (convLens.maxAnalysisSteps: ${this.config.maxAnalysisSteps.toLocaleString('en-US')}): what it found is shown, the rest is unknown; a larger value lets it go further.` } : null;
    const analysis = outcome.kind === 'result' ? withStatus(outcome.analysis, status) : withStatus(emptyAnalysis(owner.path), status);
    if (outcome.kind === 'result') this.lastMillis = outcome.millis;
    this.entries.set(owner.toString(), {
      version: request.version,
      settingsKey: request.settingsKey,
      analysis,
      // A result comes indexed part by part as it arrived (resultAssembly.ts).
      index: outcome.kind === 'result' ? outcome.index : new AnalysisIndex(analysis),
      joined,
      reads: new Set(outcome.kind === 'result' ? outcome.reads : []),
      status,
      stale: false,
    });
    if (outcome.kind === 'result' && outcome.reads.some((key) => (this.fileChangedAt.get(key) ?? 0) > request.since)) this.markStale(owner.toString());
    // The surfaces refresh in a task of their own, so no one task of the host both takes the
    // result in and redraws every surface.
    const timer = setTimeout(() => {
      this.notifications.delete(timer);
      const started = performance.now();
      this.updated.fire(owner);
      this.timings.record('host:refresh', performance.now() - started);
    }, 0);
    this.notifications.add(timer);
  }

  private view(document: vscode.TextDocument, owner: vscode.Uri, entry: Entry): DocumentView {
    const base = { document, owner, analysis: entry.analysis, index: entry.index, status: entry.status };
    const joined = entry.joined;
    if (!joined) {
      return {
        ...base,
        toRange: (r) => new vscode.Range(r.line - 1, r.column, r.endLine - 1, r.endColumn),
        toContract: (p) => ({ line: p.line + 1, column: p.character }),
      };
    }
    const key = document.uri.toString();
    return {
      ...base,
      toRange: (r) => {
        const start = locateLine(joined, r.line);
        const end = locateLine(joined, r.endLine);
        if (!start || !end || start.key !== key || end.key !== key) return null;
        return new vscode.Range(start.line - 1, r.column, end.line - 1, r.endColumn);
      },
      toContract: (p) => ({ line: joinedLine(joined, key, p.line + 1) ?? -1, column: p.character }),
    };
  }

  /** What is analyzed for a document: the file itself, or all Python cells of its notebook. */
  private target(document: vscode.TextDocument): { owner: vscode.Uri; version: string; cells: vscode.TextDocument[] | null } {
    const notebook = notebookOf(document);
    if (!notebook) return { owner: document.uri, version: `${document.version}`, cells: null };
    const cells = pythonCells(notebook);
    return { owner: notebook.uri, version: cells.map((c) => `${c.uri.toString()}@${c.version}`).join(','), cells };
  }

  private settings(owner: vscode.Uri): { settings: RunSettings; key: string } {
    const cached = this.settingsCache.get(owner.toString());
    if (cached) return cached;
    const policy = this.importPolicy();
    const settings: RunSettings = {
      input: this.shapes.get(owner) ?? this.config.defaultInputShape,
      searchRoots: policy.searchRoots,
      readableRoots: policy.readable,
      deadlineMs: this.config.analysisTimeoutMs,
      maxSteps: this.config.maxAnalysisSteps,
      environment: this.config.environment,
    };
    const entry = { settings, key: settingsKeyOf(settings) };
    this.settingsCache.set(owner.toString(), entry);
    return entry;
  }

  /**
   * Where imports are searched and which folders they may be read from, by workspace trust
   * (importPolicy.ts). The library folders are found by the worker, which adds them itself.
   */
  private importPolicy(): ImportPolicy {
    const policy = importPolicy({
      trusted: vscode.workspace.isTrusted,
      workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.path),
      configuredRoots: this.config.importSearchRoots,
      libraryFolders: [],
    });
    for (const { root, reason } of policy.refused) this.log(`import search root ${JSON.stringify(root)} is not searched: ${reason}`);
    return policy;
  }

  private settingsChanged(): void {
    this.settingsCache.clear();
    this.refreshAllSoon();
  }

  /** Resolves at the next analysis of an owner, or after a while if none comes (the document may have closed). */
  private nextUpdate(key: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        listener.dispose();
        clearTimeout(fallback);
        resolve();
      };
      const listener = this.onDidUpdate((owner) => {
        if (owner.toString() === key) done();
      });
      const fallback = setTimeout(done, DEBOUNCE_MS * 5);
    });
  }

  private schedule(document: vscode.TextDocument): void {
    const owner = notebookOf(document)?.uri ?? document.uri;
    const key = owner.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      const current = vscode.workspace.textDocuments.find((d) => d.uri.toString() === document.uri.toString());
      if (current) this.analyze(current);
    }, DEBOUNCE_MS));
  }

  /** A file changed (edited, created, deleted, or arrived from the host): re-analyze whatever looked at it. */
  private refreshDependents(key: string): void {
    this.fileChangedAt.set(key, ++this.fileChanges);
    for (const [owner, entry] of this.entries) if (entry.reads.has(key)) this.markStale(owner);
  }

  /** An owner's analysis may be out of date: it is analyzed again (after the debounce). */
  private markStale(owner: string): void {
    const entry = this.entries.get(owner);
    if (entry) entry.stale = true;
    const document = openPythonDocuments().find((d) => (notebookOf(d)?.uri ?? d.uri).toString() === owner);
    if (document) this.schedule(document);
  }

  /** Files changed on disk: the worker forgets what it read of them, and analyses that read them run again. */
  filesChanged(uri?: vscode.Uri): void {
    if (uri) {
      this.worker.forget(rootOf(uri), uri.path);
      this.refreshDependents(keyOf(uri));
    } else {
      this.worker.forget();
      for (const owner of this.entries.keys()) this.markStale(owner);
    }
  }

  private refreshAllSoon(): void {
    for (const document of openPythonDocuments()) this.schedule(document);
  }

  private forgetOwner(uri: vscode.Uri): void {
    const key = uri.toString();
    this.settingsCache.delete(key);
    this.entries.delete(key);
    this.requests.delete(key);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  dispose(): void {
    for (const timer of [...this.timers.values(), ...this.notifications]) clearTimeout(timer);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
    this.worker.dispose();
    this.updated.dispose();
  }
}

function settingsKeyOf(s: RunSettings): string {
  return `${s.input?.join(',') ?? ''}|${s.searchRoots.join('\0')}|${s.readableRoots?.join('\0') ?? 'trusted'}|${s.deadlineMs}|${s.maxSteps}|${s.environment.map((e) => e.join('=')).join('\0')}`;
}

/** What the surfaces show when no analysis came back. */
function emptyAnalysis(file: string): FileAnalysis {
  return { file, models: [], declarations: [], unresolved: [], diagnostics: [] };
}

/** The analysis with a warning on the first line saying why it is incomplete, so the Problems view says so too. */
function withStatus(analysis: FileAnalysis, status: AnalysisStatus | null): FileAnalysis {
  if (!status) return analysis;
  const warning = { range: { line: 1, column: 0, endLine: 1, endColumn: 0 }, severity: 'warning' as const, source: 'analysis' as const, message: status.message };
  return { ...analysis, diagnostics: [warning, ...analysis.diagnostics] };
}

/** Documents whose text the worker mirrors: Python files (notebook cells are sent joined, per analysis). */
function isMirrored(document: vscode.TextDocument): boolean {
  return isPython(document) && document.uri.scheme !== 'vscode-notebook-cell';
}

function mirrorOf(document: vscode.TextDocument): MirrorDocument {
  return { root: rootOf(document.uri), path: document.uri.path, version: document.version, text: () => document.getText() };
}

/**
 * One change event for the worker's mirror. VS Code gives each change in the offsets of the
 * text before the event, and the changes do not overlap: applied from the last to the first,
 * each offset stays valid.
 */
function wireChanges(changes: readonly vscode.TextDocumentContentChangeEvent[]): WireChange[] {
  return changes.map((c) => ({ from: c.rangeOffset, to: c.rangeOffset + c.rangeLength, text: c.text })).sort((a, b) => b.from - a.from);
}

function textLength(document: vscode.TextDocument): number {
  return document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
}

/** "scheme://authority", unencoded: with the path, what names a file for the worker. */
function rootOf(uri: vscode.Uri): string {
  return `${uri.scheme}://${uri.authority}`;
}

function keyOf(uri: vscode.Uri): string {
  return placeKey(rootOf(uri), uri.path);
}

function uriOf(root: string, path: string): vscode.Uri {
  const at = root.indexOf('://');
  return vscode.Uri.from({ scheme: root.slice(0, at), authority: root.slice(at + 3), path });
}

/** A file's text through vscode.workspace.fs (open documents are mirrored already), or null. */
async function readWorkspaceFile(uri: vscode.Uri): Promise<string | null> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return null;
  }
}

function pythonCells(notebook: vscode.NotebookDocument): vscode.TextDocument[] {
  return notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code && isPython(c.document)).map((c) => c.document);
}

/** The notebook a cell document belongs to, or undefined for a plain file. */
export function notebookOf(document: vscode.TextDocument): vscode.NotebookDocument | undefined {
  if (document.uri.scheme !== 'vscode-notebook-cell') return undefined;
  return vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === document));
}

export function openPythonDocuments(): vscode.TextDocument[] {
  return vscode.workspace.textDocuments.filter(isPython);
}
