import * as vscode from 'vscode';
import { SourceHost, UnreadFile } from '../analysis/types';
import { MAX_SOURCE_CHARS, tooLargeReason } from '../analysis/evaluate/budget';

/** Reads a file synchronously (desktop only); undefined when it does not exist. */
export type SyncFileReader = (uri: vscode.Uri) => SourceRead;

/** A file's text, undefined when it is not there, or why it was not read. */
type SourceRead = string | undefined | UnreadFile;

/** The folders of installed Python packages, as URI paths (desktop only: found on disk). */
export type LibraryFolders = () => string[];

/**
 * Supplies the analysis with project files for import resolution. Open editors win (so unsaved
 * edits count); then a cache of files read from disk. The analysis reads synchronously, so where
 * no synchronous reader exists (the web), a miss starts an asynchronous read through
 * vscode.workspace.fs and, once files arrive, `onDidLoad` asks for a fresh analysis.
 */
export class WorkspaceFiles {
  private readonly cache = new Map<string, Exclude<SourceRead, undefined> | null>();
  private readonly pending = new Set<string>();
  private readonly loaded = new vscode.EventEmitter<void>();
  readonly onDidLoad = this.loaded.event;
  /** Bumped whenever a file the analyses may have read changes. */
  generation = 0;

  private libraries: string[] | null = null;

  constructor(private readonly readSync: SyncFileReader | undefined, private readonly libraryFolders?: LibraryFolders) {}

  /** Where installed torchvision and timm are read from (looked up once, at the first analysis). */
  libraryRoots(): string[] {
    return (this.libraries ??= this.libraryFolders?.() ?? []);
  }

  /** A host that resolves '/'-separated paths against the analyzed document's scheme and authority. */
  hostFor(base: vscode.Uri): SourceHost {
    return { readFile: (path) => this.read(base.with({ path, query: '', fragment: '' })) };
  }

  private read(uri: vscode.Uri): SourceRead {
    const key = uri.toString();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (open) return open.getText();
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    if (this.readSync && uri.scheme === 'file') {
      const text = this.readSync(uri);
      this.cache.set(key, text ?? null);
      return text;
    }
    this.fetch(uri, key);
    return undefined;
  }

  private fetch(uri: vscode.Uri, key: string): void {
    if (this.pending.has(key)) return;
    this.pending.add(key);
    const done = (text: string | UnreadFile | null): void => {
      this.pending.delete(key);
      this.cache.set(key, text);
      if (text !== null) this.changed();
    };
    // The web has no way to ask for a file's size first; a file past the cap is dropped once read.
    vscode.workspace.fs.readFile(uri).then((bytes) => done(bytes.length > MAX_SOURCE_CHARS ? { unread: tooLargeReason(bytes.length, 'bytes') } : new TextDecoder().decode(bytes)), () => done(null));
  }

  /** Forgets a file that changed on disk (or every file when no uri is given). */
  forget(uri?: vscode.Uri): void {
    if (uri) this.cache.delete(uri.toString());
    else this.cache.clear();
    this.generation++;
  }

  /** An open document changed: analyses that may have read it are stale, but no one needs telling now. */
  touch(): void {
    this.generation++;
  }

  /** Something a dependent analysis read has changed. */
  changed(): void {
    this.generation++;
    this.loaded.fire();
  }

  dispose(): void {
    this.loaded.dispose();
  }
}
