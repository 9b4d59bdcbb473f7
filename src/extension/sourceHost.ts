import * as vscode from 'vscode';
import { SourceHost } from '../analysis/types';
import { ImportPolicy, importPolicy } from './importPolicy';

/** Reads a file synchronously (desktop only); undefined when it does not exist. */
export type SyncFileReader = (uri: vscode.Uri) => string | undefined;

/** The folders of installed Python packages, as URI paths (desktop only: found on disk). */
export type LibraryFolders = () => string[];

/**
 * Supplies the analysis with project files for import resolution. Open editors win (so unsaved
 * edits count); then a cache of files read from disk. The analysis reads synchronously, so where
 * no synchronous reader exists (the web), a miss starts an asynchronous read through
 * vscode.workspace.fs and, once files arrive, `onDidLoad` asks for a fresh analysis.
 */
export class WorkspaceFiles {
  private readonly cache = new Map<string, string | null>();
  private readonly pending = new Set<string>();
  private readonly loaded = new vscode.EventEmitter<void>();
  readonly onDidLoad = this.loaded.event;
  /** Bumped whenever a file the analyses may have read changes. */
  generation = 0;

  private libraries: string[] | null = null;
  /** What the analyses may read, by workspace trust (importPolicy.ts); set with each analysis's options. */
  private policy: ImportPolicy | null = null;
  private readonly trustListener: vscode.Disposable;

  constructor(private readonly readSync: SyncFileReader | undefined, private readonly libraryFolders?: LibraryFolders) {
    // Trust widens what imports may read: analyze again, with files read afresh.
    this.trustListener = vscode.workspace.onDidGrantWorkspaceTrust(() => {
      this.cache.clear();
      this.changed();
    });
  }

  /**
   * The folders searched for absolute imports, from the setting and the workspace folders, as
   * workspace trust allows; the reads of the analysis that follows are held to the same policy.
   */
  searchRoots(configured: readonly string[]): string[] {
    this.policy = importPolicy({
      trusted: vscode.workspace.isTrusted,
      workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.path),
      configuredRoots: configured,
      libraryFolders: this.libraryRoots(),
    });
    return this.policy.searchRoots;
  }

  /** Where installed torchvision and timm are read from (looked up once, at the first analysis). */
  libraryRoots(): string[] {
    return (this.libraries ??= this.libraryFolders?.() ?? []);
  }

  /** A host that resolves '/'-separated paths against the analyzed document's scheme and authority. */
  hostFor(base: vscode.Uri): SourceHost {
    return { readFile: (path) => (this.policy?.allows(path) ?? vscode.workspace.isTrusted) ? this.read(base.with({ path, query: '', fragment: '' })) : undefined };
  }

  private read(uri: vscode.Uri): string | undefined {
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
    const done = (text: string | null): void => {
      this.pending.delete(key);
      this.cache.set(key, text);
      if (text !== null) this.changed();
    };
    vscode.workspace.fs.readFile(uri).then((bytes) => done(new TextDecoder().decode(bytes)), () => done(null));
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
    this.trustListener.dispose();
    this.loaded.dispose();
  }
}
