import * as vscode from 'vscode';
import { AnalysisOptions, FileAnalysis, SourceRange } from '../analysis/types';
import { Config } from './config';
import { DocumentAnalyzer, TextChange, analyze } from './engine';
import { InputShapes } from './inputShapes';
import { WorkspaceFiles } from './sourceHost';
import { AnalysisIndex } from './text/index';
import { JoinedNotebook, joinCells, joinedLine, locateLine } from './text/notebook';

/** Where a contract position (1-based line, 0-based column) sits in one editor document. */
export interface DocumentView {
  readonly document: vscode.TextDocument;
  /** The file or notebook that was analyzed. */
  readonly owner: vscode.Uri;
  readonly analysis: FileAnalysis;
  readonly index: AnalysisIndex;
  /** The range in this document, or null when it lies in another cell of the notebook. */
  toRange(range: SourceRange): vscode.Range | null;
  /** The contract's line and column for a position in this document. */
  toContract(position: vscode.Position): { line: number; column: number };
}

/** One analysis of a file or notebook at one version of its text and options. */
interface Entry {
  key: string;
  analysis: FileAnalysis;
  index: AnalysisIndex;
  joined: JoinedNotebook | null;
  millis: number;
}

const DEBOUNCE_MS = 200;

/**
 * A document's incremental analyzer and the edits made since it last ran, one batch per change
 * event. Only a single batch can be handed to the engine (offsets of a later batch refer to the
 * text after the earlier one), so two or more batches mean a full reparse.
 */
interface Incremental {
  analyzer: DocumentAnalyzer | null;
  batches: TextChange[][];
}

/** Schemes of Python text that is not the user's code to analyze: old versions, our own documents. */
const IGNORED_SCHEMES = new Set(['git', 'gitfs', 'conv-lens', 'output', 'vscode-scm', 'merge-conflict.conflict-diff']);

export function isPython(document: vscode.TextDocument): boolean {
  return document.languageId === 'python' && !IGNORED_SCHEMES.has(document.uri.scheme);
}

/**
 * The document-analysis cache: one FileAnalysis per document (or notebook) version, computed
 * on first request and read by every provider. Typing schedules a debounced re-analysis whose
 * result `onDidUpdate` announces, so pushed surfaces (diagnostics, status bar) and pulled ones
 * (CodeLens, inlay hints) refresh together.
 */
export class Analyses {
  private readonly entries = new Map<string, Entry>();
  private readonly incremental = new Map<string, Incremental>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly updated = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires with the owner (file or notebook) whose analysis has been refreshed. */
  readonly onDidUpdate = this.updated.event;
  /** While set, `entry` answers from the cache whatever the version (see `latest`). */
  private stale = false;
  /** Milliseconds the last analysis took, for the performance log. */
  lastMillis = 0;

  constructor(private readonly config: Config, private readonly shapes: InputShapes, private readonly files: WorkspaceFiles) {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!isPython(e.document) || e.contentChanges.length === 0) return;
        this.recordChanges(e.document.uri, e.contentChanges);
        this.files.touch();
        this.schedule(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forgetOwner(d.uri)),
      vscode.workspace.onDidCloseNotebookDocument((n) => this.forgetOwner(n.uri)),
      files.onDidLoad(() => this.refreshAllSoon()),
      config.onDidChange(() => this.refreshAllSoon()),
      shapes.onDidChange(() => this.refreshAllSoon()),
    );
  }

  /** The analysis view for a Python document or notebook cell, computing it when stale. */
  get(document: vscode.TextDocument): DocumentView | null {
    if (!isPython(document)) return null;
    const notebook = notebookOf(document);
    return notebook ? this.cellView(notebook, document) : this.fileView(document);
  }

  /**
   * The latest view without analyzing: possibly of an older version, or null before the first
   * analysis. For surfaces that follow the cursor (the status bar), where a slightly old total
   * is fine and analyzing on every cursor move is not.
   */
  latest(document: vscode.TextDocument): DocumentView | null {
    if (!isPython(document)) return null;
    const owner = notebookOf(document)?.uri ?? document.uri;
    if (!this.entries.has(owner.toString())) return null;
    this.stale = true;
    try {
      return this.get(document);
    } finally {
      this.stale = false;
    }
  }

  /**
   * The view once the pending debounced re-analysis (if any) has run, so providers that VS Code
   * asks for on every edit (CodeLens, inlay hints) share that one analysis rather than each
   * analyzing every intermediate version.
   */
  async settled(document: vscode.TextDocument): Promise<DocumentView | null> {
    if (!isPython(document)) return null;
    const key = (notebookOf(document)?.uri ?? document.uri).toString();
    if (this.timers.has(key)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          listener.dispose();
          clearTimeout(fallback);
          resolve();
        };
        const listener = this.onDidUpdate((owner) => {
          if (owner.toString() === key) done();
        });
        // The refresh may find the document closed and announce nothing: never wait long.
        const fallback = setTimeout(done, DEBOUNCE_MS * 5);
      });
    }
    return this.get(document);
  }

  /** Analyzes a document now (used after the debounce and by commands). */
  refresh(document: vscode.TextDocument): DocumentView | null {
    const view = this.get(document);
    if (view) this.updated.fire(view.owner);
    return view;
  }

  private fileView(document: vscode.TextDocument): DocumentView {
    const entry = this.entry(document.uri, `${document.version}`, () => ({ source: document.getText(), joined: null }), true);
    return {
      document,
      owner: document.uri,
      analysis: entry.analysis,
      index: entry.index,
      toRange: (r) => new vscode.Range(r.line - 1, r.column, r.endLine - 1, r.endColumn),
      toContract: (p) => ({ line: p.line + 1, column: p.character }),
    };
  }

  private cellView(notebook: vscode.NotebookDocument, cell: vscode.TextDocument): DocumentView {
    const cells = pythonCells(notebook);
    const versions = cells.map((c) => c.version).join(',');
    const entry = this.entry(notebook.uri, versions, () => {
      const joined = joinCells(cells.map((c) => ({ key: c.uri.toString(), text: c.getText() })));
      return { source: joined.source, joined };
    });
    const joined = entry.joined!;
    const key = cell.uri.toString();
    return {
      document: cell,
      owner: notebook.uri,
      analysis: entry.analysis,
      index: entry.index,
      toRange: (r) => {
        const start = locateLine(joined, r.line);
        const end = locateLine(joined, r.endLine);
        if (!start || !end || start.key !== key || end.key !== key) return null;
        return new vscode.Range(start.line - 1, r.column, end.line - 1, r.endColumn);
      },
      toContract: (p) => ({ line: joinedLine(joined, key, p.line + 1) ?? -1, column: p.character }),
    };
  }

  private entry(owner: vscode.Uri, version: string, source: () => { source: string; joined: JoinedNotebook | null }, incremental = false): Entry {
    const options = this.options(owner);
    const key = `${version}|${this.files.generation}|${options.input?.join(',') ?? ''}|${(options.searchRoots ?? []).join(';')}`;
    const cached = this.entries.get(owner.toString());
    if (cached && (cached.key === key || this.stale)) return cached;
    const text = source();
    const started = Date.now();
    const analysis = analyze(text.source, options, incremental ? this.takeIncremental(owner, options) : undefined);
    const entry: Entry = { key, analysis, index: new AnalysisIndex(analysis), joined: text.joined, millis: Date.now() - started };
    this.lastMillis = entry.millis;
    this.entries.set(owner.toString(), entry);
    return entry;
  }

  private recordChanges(uri: vscode.Uri, changes: readonly vscode.TextDocumentContentChangeEvent[]): void {
    const state = this.incremental.get(uri.toString());
    if (!state?.analyzer) return;
    // The changes of one event all refer to the text before it; the engine wants them in order.
    const batch = changes.map((c) => ({ from: c.rangeOffset, to: c.rangeOffset + c.rangeLength, insertLength: c.text.length })).sort((a, b) => a.from - b.from);
    state.batches.push(batch);
  }

  /** The document's analyzer, with the edits since its last run when they can be replayed. */
  private takeIncremental(owner: vscode.Uri, options: AnalysisOptions): { analyzer: DocumentAnalyzer; changes: TextChange[] | undefined } {
    const key = owner.toString();
    let state = this.incremental.get(key);
    if (!state?.analyzer) {
      state = { analyzer: new DocumentAnalyzer(options), batches: [] };
      this.incremental.set(key, state);
    }
    const changes = state.batches.length === 1 ? state.batches[0] : undefined;
    state.batches = [];
    return { analyzer: state.analyzer!, changes };
  }

  private options(owner: vscode.Uri): AnalysisOptions {
    return {
      file: owner.path,
      searchRoots: this.files.searchRoots(this.config.importSearchRoots),
      host: this.files.hostFor(owner),
      libraryRoots: this.files.libraryRoots(),
      input: this.shapes.get(owner) ?? this.config.defaultInputShape,
    };
  }

  private schedule(document: vscode.TextDocument): void {
    const owner = notebookOf(document)?.uri ?? document.uri;
    const key = owner.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      const current = vscode.workspace.textDocuments.find((d) => d.uri.toString() === document.uri.toString());
      if (current) this.refresh(current);
    }, DEBOUNCE_MS));
  }

  private refreshAllSoon(): void {
    for (const document of openPythonDocuments()) this.schedule(document);
  }

  private forgetOwner(uri: vscode.Uri): void {
    const key = uri.toString();
    this.entries.delete(key);
    this.incremental.delete(key);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
    this.updated.dispose();
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
