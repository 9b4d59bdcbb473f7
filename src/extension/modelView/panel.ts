import * as vscode from 'vscode';
import { webviewOptions } from '../panel/comparePanel';
import type { ModelAnalysis } from '../../analysis/types';
import type { WhatIfResult } from '../../analysis/whatif/types';
import { ModelHostMessage, ModelPageMessage, MODEL_VIEW_TYPE, WireModel, WirePlan, parseModelPageMessage } from '../../protocol/modelView';
import { sandboxSettingsMessage } from '../../protocol/sandbox';
import { ConvLensContext } from '../context';
import { DocumentView } from '../documents';
import { layerTarget } from '../links';
import { makeNonce, pageHtml, randomBytes } from '../panel/html';
import { revealLayer } from '../report';
import { modelAtLine, modelWire, planFromWire, whatIfWire } from './wire';

/** What the panel shows: a document and one of its models (by name). */
export interface ModelTarget {
  document: vscode.TextDocument;
  /** Null: the model under the cursor, else the first. */
  entry: string | null;
}

const FOLLOW_DELAY_MS = 200;

/**
 * The model view: one webview panel for a whole model (totals, where the compute goes, every
 * layer, the model-wide what-if and the whole-model sandbox run). It re-sends the model when its
 * analysis arrives (so it follows edits), follows the cursor to another model, and hands what-ifs
 * to the analysis worker and "Apply" to `convLens.applyWhatIf`.
 */
export class ModelViewPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  private shownModel: ModelAnalysis | null = null;
  private shownView: DocumentView | null = null;
  /** The last model sent to the page (read by the API tests through the command's result). */
  lastSent: WireModel | null = null;
  private firstShown: Array<(model: WireModel | null) => void> = [];
  /** The last what-if worked out, by its plan: Apply writes its edits without working it out again. */
  private lastWhatIf: { key: string; entry: string; result: WhatIfResult } | null = null;

  static create(ctx: ConvLensContext, target: ModelTarget): ModelViewPanel {
    const panel = vscode.window.createWebviewPanel(MODEL_VIEW_TYPE, 'Conv Lens: Model View', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(ctx.extension.extensionUri));
    return new ModelViewPanel(panel, ctx, target);
  }

  constructor(readonly panel: vscode.WebviewPanel, private readonly ctx: ConvLensContext, private target: ModelTarget) {
    panel.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'icon.png');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((data: unknown) => this.receive(data)),
      ctx.analyses.onDidUpdate((owner) => {
        if (owner.toString() === this.target.document.uri.toString()) this.refresh();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.cursorMoved(e)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('convLens.sandbox')) this.postSandboxSettings();
      }),
    );
  }

  /** Shows another document or model; resolves with what the page was sent. */
  show(target: ModelTarget): Promise<WireModel | null> {
    this.target = target;
    this.panel.reveal(undefined, true);
    return this.refreshAndWait();
  }

  refreshAndWait(): Promise<WireModel | null> {
    const shown = new Promise<WireModel | null>((resolve) => this.firstShown.push(resolve));
    this.refresh();
    return shown;
  }

  private html(): string {
    const webview = this.panel.webview;
    const file = (...parts: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(this.ctx.extension.extensionUri, ...parts)).toString();
    return pageHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(randomBytes),
      scriptUri: file('dist', 'webview', 'modelView.js'),
      styleUri: file('media', 'webview', 'modelView.css'),
      title: 'Conv Lens: model view',
    });
  }

  private receive(data: unknown): void {
    const parsed = parseModelPageMessage(data);
    if (!parsed.ok) {
      this.ctx.log.appendLine(`[model view] rejected a message from the page: ${parsed.error}`);
      return;
    }
    void this.handle(parsed.value).catch((e: unknown) => this.ctx.log.appendLine(`[model view] ${parsed.value.type} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
  }

  private async handle(message: ModelPageMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.postSandboxSettings();
        return this.refresh();
      case 'selectModel':
        this.target = { ...this.target, entry: message.entry };
        return this.refresh();
      case 'revealLayer': {
        const layer = this.shownModel?.layers.find((l) => l.name === message.name);
        if (layer && layer.range.line > 0 && this.shownView) await revealLayer(this.ctx, layerTarget(this.shownView.owner, layer.range));
        return undefined;
      }
      case 'whatIf':
        return this.whatIf(message.seq, message.plan);
      case 'apply':
        return this.apply(message.plan);
    }
  }

  /** Sends the model from the latest analysis now, and again when the current one arrives. */
  private refresh(): void {
    const latest = this.ctx.analyses.latest(this.target.document);
    if (latest) this.send(latest);
    void this.ctx.analyses.settled(this.target.document).then((view) => {
      if (view) this.send(view);
      else if (!latest) this.post({ type: 'noModel', reason: `${basename(this.target.document.uri)} could not be analyzed.` });
      if (!view && !latest) this.resolveShown(null);
    });
  }

  private send(view: DocumentView): void {
    const models = view.analysis.models;
    const model = (this.target.entry && models.find((m) => m.entry === this.target.entry)) || this.modelAtCursor(view) || models[0];
    if (!model) {
      this.shownModel = null;
      this.post({ type: 'noModel', reason: `No model in ${basename(view.owner)}: Conv Lens looks for nn.Module classes and functions that build one.${view.status ? ` ${view.status.message}` : ''}` });
      return this.resolveShown(null);
    }
    this.shownModel = model;
    this.shownView = view;
    this.target = { ...this.target, entry: model.entry };
    this.panel.title = `Model View: ${model.entry}`;
    const wire = modelWire(view.analysis, model, view.owner.toString(), basename(view.owner));
    if (view.status) wire.notes.unshift(view.status.message);
    this.lastSent = wire;
    this.post({ type: 'showModel', model: wire });
    this.resolveShown(wire);
  }

  private resolveShown(model: WireModel | null): void {
    for (const resolve of this.firstShown.splice(0)) resolve(model);
  }

  private modelAtCursor(view: DocumentView): ModelAnalysis | null {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.toString() !== this.target.document.uri.toString()) return null;
    return modelAtLine(view.analysis.models, view.toContract(editor.selection.active).line);
  }

  /** Moves to the model under the cursor when the cursor enters another model of the shown file, or another Python file. */
  private cursorMoved(e: vscode.TextEditorSelectionChangeEvent): void {
    if (e.textEditor.document.languageId !== 'python' || e.textEditor.document.uri.scheme === 'conv-lens') return;
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => {
      const document = e.textEditor.document;
      const view = this.ctx.analyses.latest(document);
      if (!view) return;
      const model = modelAtLine(view.analysis.models, view.toContract(e.textEditor.selection.active).line);
      if (!model) return;
      if (document.uri.toString() !== this.target.document.uri.toString() || model.entry !== this.target.entry) {
        this.target = { document, entry: model.entry };
        this.refresh();
      }
    }, FOLLOW_DELAY_MS);
  }

  /** Works the what-if out in the analysis worker; resolves with the result, or posts why there is none. */
  private async computeWhatIf(plan: WirePlan, failed: (message: string) => void): Promise<WhatIfResult | null> {
    const entry = this.target.entry;
    if (!entry) {
      failed('No model to transform.');
      return null;
    }
    const outcome = await this.ctx.analyses.whatIf(this.target.document, entry, planFromWire(plan));
    if (outcome.kind === 'whatIf' && outcome.result) {
      this.lastWhatIf = { key: `${this.target.document.uri.toString()}#${this.target.document.version}#${entry}#${JSON.stringify(plan)}`, entry, result: outcome.result };
      return outcome.result;
    }
    if (outcome.kind === 'whatIf') failed(outcome.error ?? 'The what-if gave no result.');
    else if (outcome.kind === 'failed') failed(outcome.reason);
    // Superseded: a newer what-if's answer follows.
    return null;
  }

  private async whatIf(seq: number, plan: WirePlan): Promise<void> {
    const result = await this.computeWhatIf(plan, (message) => this.post({ type: 'whatIfFailed', seq, message }));
    if (result) this.post({ type: 'whatIfResult', seq, result: whatIfWire(result) });
  }

  /** Writes the what-if's edits through convLens.applyWhatIf: one undoable edit, refused when the code changed since. */
  private async apply(plan: WirePlan): Promise<void> {
    const entry = this.target.entry;
    const key = `${this.target.document.uri.toString()}#${this.target.document.version}#${entry}#${JSON.stringify(plan)}`;
    const fail = (message: string): void => this.post({ type: 'applyResult', ok: false, message });
    const result = this.lastWhatIf?.key === key ? this.lastWhatIf.result : await this.computeWhatIf(plan, fail);
    if (!result) return undefined;
    if (result.errors.length > 0) return fail(`Not applied: PyTorch would reject the transformed model: ${result.errors[0].message}`);
    try {
      const outcome = await vscode.commands.executeCommand<{ applied: boolean; edits: number; files: number; message?: string } | undefined>('convLens.applyWhatIf', { owner: this.target.document.uri.toString(), edits: result.edits });
      if (!outcome?.applied) return fail(`Nothing applied: ${outcome?.message ?? 'the edit was refused'}.`);
      const blocked = result.changes.filter((c) => c.blocked).length;
      this.post({ type: 'applyResult', ok: true, message: `Applied ${outcome.edits} edits in ${outcome.files} file${outcome.files === 1 ? '' : 's'} as one change: undo with Ctrl+Z in the editor.${blocked ? ` ${blocked} changes were left alone (see the table).` : ''}` });
    } catch (e) {
      fail(`Could not apply: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private postSandboxSettings(): void {
    const message = sandboxSettingsMessage(vscode.workspace.getConfiguration('convLens').get('sandbox.memoryBudgetMB'));
    void this.panel.webview.postMessage(message).then(undefined, (e: unknown) => this.ctx.log.appendLine(`[model view] could not post sandboxSettings: ${String(e)}`));
  }

  private post(message: ModelHostMessage): void {
    void this.panel.webview.postMessage(message).then(undefined, (e: unknown) => this.ctx.log.appendLine(`[model view] could not post ${message.type}: ${String(e)}`));
  }

  dispose(): void {
    clearTimeout(this.followTimer);
    this.resolveShown(null);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    this.disposed.fire();
    this.disposed.dispose();
  }
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}
