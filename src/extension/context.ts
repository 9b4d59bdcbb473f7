import * as vscode from 'vscode';
import { Config } from './config';
import { Analyses } from './documents';
import { InputShapes } from './inputShapes';
import { LibraryFolders, SyncFileReader, WorkspaceFiles } from './sourceHost';
import { Timings } from './timings';

/**
 * The extension's state: settings, the document-analysis cache, per-file input shapes, and
 * every disposable the extension creates (providers, listeners, views), disposed together.
 */
export class ConvLensContext implements vscode.Disposable {
  readonly config: Config;
  readonly files: WorkspaceFiles;
  readonly shapes: InputShapes;
  readonly analyses: Analyses;
  /** How long activation took, in milliseconds (logged by the performance tests). */
  activationMillis = 0;
  readonly timings = new Timings();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext, readSync: SyncFileReader | undefined, libraryFolders?: LibraryFolders) {
    this.config = this.own(new Config());
    this.files = this.own(new WorkspaceFiles(readSync, libraryFolders));
    this.shapes = this.own(new InputShapes(extension.workspaceState));
    this.analyses = this.own(new Analyses(this.config, this.shapes, this.files));
  }

  /** Takes ownership of a disposable and returns it. */
  own<T extends vscode.Disposable>(disposable: T): T {
    this.disposables.push(disposable);
    return disposable;
  }

  dispose(): void {
    // Dispose in reverse order of creation, so providers go before the state they read.
    for (const d of this.disposables.reverse()) d.dispose();
    this.disposables.length = 0;
  }
}
