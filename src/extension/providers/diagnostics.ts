import * as vscode from 'vscode';
import { AnalysisDiagnostic } from '../../analysis/types';
import { ConvLensContext } from '../context';
import { DocumentView, isPython, notebookOf, openPythonDocuments } from '../documents';
import { diagnosticText } from '../text/fixes';

export const DIAGNOSTIC_SOURCE = 'Conv Lens';

const SEVERITY: Record<AnalysisDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/**
 * Every error the analysis finds, with PyTorch's message, published for open Python documents
 * and notebook cells, refreshed when each (debounced) re-analysis arrives and cleared on close.
 */
export class DiagnosticsPublisher implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('convLens');
  private readonly listeners: vscode.Disposable[];

  constructor(private readonly ctx: ConvLensContext) {
    this.listeners = [
      ctx.analyses.onDidUpdate((owner) => this.publishOwner(owner)),
      vscode.workspace.onDidOpenTextDocument((d) => this.publish(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
      vscode.workspace.onDidOpenNotebookDocument((n) => n.getCells().forEach((c) => this.publish(c.document))),
      ctx.config.onDidChange(() => this.publishAll()),
    ];
  }

  /** Publishes for the documents already open when the extension starts. */
  publishAll(): void {
    for (const document of openPythonDocuments()) this.publish(document);
  }

  private publishOwner(owner: vscode.Uri): void {
    const key = owner.toString();
    for (const document of openPythonDocuments()) {
      const documentOwner = notebookOf(document)?.uri ?? document.uri;
      if (documentOwner.toString() === key) this.publish(document);
    }
  }

  /**
   * Publishes the analysis of the document's current text; without one, asks for it and
   * publishes when it arrives (through onDidUpdate). Diagnostics of an older text are not
   * published: their ranges could point at the wrong lines.
   */
  private publish(document: vscode.TextDocument): void {
    if (!isPython(document)) return;
    if (!this.ctx.config.diagnosticsEnabled) {
      this.collection.delete(document.uri);
      return;
    }
    const view = this.ctx.analyses.current(document);
    if (view) this.collection.set(document.uri, toDiagnostics(view));
    else this.ctx.analyses.analyze(document);
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.collection.dispose();
  }
}

function toDiagnostics(view: DocumentView): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  for (const d of view.analysis.diagnostics) {
    const range = view.toRange(d.range);
    if (!range) continue;
    const diagnostic = new vscode.Diagnostic(range, diagnosticText(d), SEVERITY[d.severity]);
    diagnostic.source = DIAGNOSTIC_SOURCE;
    diagnostic.code = d.source;
    out.push(diagnostic);
  }
  return out;
}

/** The analysis diagnostic an editor diagnostic was made from (matched by range and message). */
export function analysisDiagnosticFor(view: DocumentView, diagnostic: vscode.Diagnostic): AnalysisDiagnostic | undefined {
  return view.analysis.diagnostics.find((d) => diagnosticText(d) === diagnostic.message && view.toRange(d.range)?.isEqual(diagnostic.range));
}
