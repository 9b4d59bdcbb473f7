import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { ConvLensContext } from './context';
import { ConvCodeActionProvider } from './providers/codeActions';
import { ConvCodeLensProvider } from './providers/codeLens';
import { DiagnosticsPublisher } from './providers/diagnostics';
import { ConvHoverProvider } from './providers/hover';
import { ShapeInlayHintsProvider } from './providers/inlayHints';
import { LayersView } from './providers/layersView';
import { ModelStatusBar } from './providers/statusBar';
import { ReadOnlyDocuments } from './readOnlyDocuments';
import { registerComparePanel } from './panel';
import { registerModelView } from './modelView';
import { Reports } from './report';
import { StartWorker } from './analysisWorker';

/** Python files on disk and in notebooks (any scheme: the web extension sees virtual ones). */
const PYTHON: vscode.DocumentSelector = [{ language: 'python' }];

/**
 * Registers every surface. Nothing is analyzed here, and the analysis worker is not started:
 * the first provider request or the first open document does that, after activation has returned.
 */
export function activateConvLens(extension: vscode.ExtensionContext, startWorker: StartWorker): ConvLensContext {
  const started = Date.now();
  const ctx = new ConvLensContext(extension, startWorker);
  extension.subscriptions.push(ctx);
  const documents = ctx.own(new ReadOnlyDocuments());
  const reports = ctx.own(new Reports(ctx, documents));
  const codeLens = ctx.own(new ConvCodeLensProvider(ctx));
  const inlayHints = ctx.own(new ShapeInlayHintsProvider(ctx));
  const diagnostics = ctx.own(new DiagnosticsPublisher(ctx));
  const statusBar = ctx.own(new ModelStatusBar(ctx));
  ctx.own(new LayersView(ctx));
  for (const d of registerCommands({ ctx, reports, documents })) ctx.own(d);
  ctx.own(registerComparePanel(ctx));
  ctx.own(registerModelView(ctx));
  ctx.own(vscode.languages.registerHoverProvider(PYTHON, new ConvHoverProvider(ctx)));
  ctx.own(vscode.languages.registerCodeLensProvider(PYTHON, codeLens));
  ctx.own(vscode.languages.registerInlayHintsProvider(PYTHON, inlayHints));
  ctx.own(vscode.languages.registerCodeActionsProvider(PYTHON, new ConvCodeActionProvider(ctx), { providedCodeActionKinds: ConvCodeActionProvider.kinds }));
  const watcher = ctx.own(vscode.workspace.createFileSystemWatcher('**/*.py'));
  // Analyses record the files they looked for, found or not, so one file's event names the stale ones.
  ctx.own(watcher.onDidChange((uri) => ctx.analyses.filesChanged(uri)));
  ctx.own(watcher.onDidCreate((uri) => ctx.analyses.filesChanged(uri)));
  ctx.own(watcher.onDidDelete((uri) => ctx.analyses.filesChanged(uri)));
  // The documents already open get their diagnostics and status once activation has returned.
  const initial = setTimeout(() => {
    diagnostics.publishAll();
    statusBar.update();
  }, 0);
  ctx.own({ dispose: () => clearTimeout(initial) });
  ctx.activationMillis = Date.now() - started;
  return ctx;
}
