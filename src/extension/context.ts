import * as vscode from 'vscode';
import { StartWorker } from './analysisWorker';
import { Config } from './config';
import { Analyses } from './documents';
import { InputShapes } from './inputShapes';
import { Timings } from './timings';

/**
 * The extension's state: settings, the document analyses (made by the analysis worker, which
 * starts at the first analysis), per-file input shapes, and every disposable the extension
 * creates (providers, listeners, views), disposed together.
 */
export class ConvLensContext implements vscode.Disposable {
  readonly config: Config;
  readonly shapes: InputShapes;
  readonly analyses: Analyses;
  readonly log: vscode.OutputChannel;
  /** How long activation took, in milliseconds (logged by the performance tests). */
  activationMillis = 0;
  readonly timings = new Timings();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext, startWorker: StartWorker) {
    this.log = this.own(vscode.window.createOutputChannel('Conv Lens'));
    this.config = this.own(new Config());
    this.shapes = this.own(new InputShapes(extension.workspaceState));
    this.analyses = this.own(new Analyses(this.config, this.shapes, startWorker, (text) => this.log.appendLine(text), this.timings));
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
