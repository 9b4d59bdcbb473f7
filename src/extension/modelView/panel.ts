import * as vscode from 'vscode';
import { PanelHost, webviewOptions } from '../panel/panelHost';
import type { ModelAnalysis } from '../../analysis/types';
import type { WhatIfResult } from '../../analysis/whatif/types';
import { ModelHostMessage, ModelPageMessage, MODEL_VIEW_TYPE, WireModel, WirePlan, parseModelPageMessage } from '../../protocol/modelView';
import { ConvLensContext } from '../context';
import { DocumentView } from '../documents';
import { layerTarget } from '../links';
import { revealLayer } from '../report';
import { modelAtLine, modelWire, planFromWire, whatIfWire } from './wire';

/** What the panel shows: a document and one of its models (by name). */
export interface ModelTarget {
  document: vscode.TextDocument;
  /** Null: the model under the cursor, else the first. */
  entry: string | null;
  /**
   * The entry must exist (a target restored after a window reload): when the file has no such
   * model the page says so, rather than showing another one.
   */
  exact?: boolean;
}

const FOLLOW_DELAY_MS = 200;

/**
 * The model view: one webview panel for a whole model (totals, where the compute goes, every
 * layer, the model-wide what-if and the whole-model sandbox run). It re-sends the model when its
 * analysis arrives (so it follows edits), follows the cursor to another model, and hands what-ifs
 * to the analysis worker and "Apply" to `convLens.applyWhatIf`.
 */
export class ModelViewPanel extends PanelHost<ModelHostMessage, ModelPageMessage> {
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

  /**
   * A panel on `target`, or, when there is none (a restored state that failed its checks), one
   * that says `reason` until a command or the cursor gives it a model.
   */
  constructor(panel: vscode.WebviewPanel, private readonly ctx: ConvLensContext, private target: ModelTarget | null, private reason = '') {
    super(panel, { extensionUri: ctx.extension.extensionUri, log: ctx.log, tag: 'model view', page: { script: 'modelView.js', style: 'modelView.css', title: 'Conv Lens: model view' }, parse: parseModelPageMessage });
    this.disposables.push(
      ctx.analyses.onDidUpdate((owner) => {
        if (owner.toString() === this.target?.document.uri.toString()) this.refresh();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.cursorMoved(e)),
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

  protected async handle(message: ModelPageMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.postSandboxSettings();
        return this.refresh();
      case 'selectModel':
        if (this.target) this.target = { document: this.target.document, entry: message.entry };
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
    const target = this.target;
    if (!target) {
      this.post({ type: 'noModel', reason: this.reason });
      return this.resolveShown(null);
    }
    // A restored target waits for the analysis of the text as it is: an older one may lack the model.
    const latest = target.exact ? null : this.ctx.analyses.latest(target.document);
    if (latest) this.send(latest);
    void this.ctx.analyses.settled(target.document).then((view) => {
      if (view) this.send(view);
      else if (!latest) this.post({ type: 'noModel', reason: `${basename(target.document.uri)} could not be analyzed.` });
      if (!view && !latest) this.resolveShown(null);
      return undefined;
    }, (e: unknown) => this.logFailure('refresh', e));
  }

  private send(view: DocumentView): void {
    const target = this.target;
    if (!target) return undefined;
    const models = view.analysis.models;
    const named = target.entry ? models.find((m) => m.entry === target.entry) : undefined;
    if (target.exact && !named) {
      this.shownModel = null;
      this.post({ type: 'noModel', reason: `${basename(view.owner)} has no model ${target.entry ?? ''} now, so the model view shows nothing. Put the cursor in a model, or run "Conv Lens: Open Model View".` });
      return this.resolveShown(null);
    }
    const model = named || this.modelAtCursor(view) || models[0];
    if (!model) {
      this.shownModel = null;
      this.post({ type: 'noModel', reason: `No model in ${basename(view.owner)}: Conv Lens looks for nn.Module classes and functions that build one.${view.status ? ` ${view.status.message}` : ''}` });
      return this.resolveShown(null);
    }
    this.shownModel = model;
    this.shownView = view;
    this.target = { document: target.document, entry: model.entry };
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
    if (!editor || editor.document.uri.toString() !== view.owner.toString()) return null;
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
      if (document.uri.toString() !== this.target?.document.uri.toString() || model.entry !== this.target.entry) {
        this.target = { document, entry: model.entry };
        this.refresh();
      }
    }, FOLLOW_DELAY_MS);
  }

  /** Works the what-if out in the analysis worker; resolves with the result, or posts why there is none. */
  private async computeWhatIf(plan: WirePlan, failed: (message: string) => void): Promise<WhatIfResult | null> {
    const target = this.target;
    const entry = target?.entry;
    if (!target || !entry) {
      failed('No model to transform.');
      return null;
    }
    const outcome = await this.ctx.analyses.whatIf(target.document, entry, planFromWire(plan));
    if (outcome.kind === 'whatIf' && outcome.result) {
      this.lastWhatIf = { key: whatIfKey(target, plan), entry, result: outcome.result };
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
    const target = this.target;
    const fail = (message: string): void => this.post({ type: 'applyResult', ok: false, message });
    if (!target) return fail('No model to apply to.');
    const result = this.lastWhatIf?.key === whatIfKey(target, plan) ? this.lastWhatIf.result : await this.computeWhatIf(plan, fail);
    if (!result) return undefined;
    if (result.errors.length > 0) return fail(`Not applied: PyTorch would reject the transformed model: ${result.errors[0].message}`);
    try {
      const outcome = await vscode.commands.executeCommand<{ applied: boolean; edits: number; files: number; message?: string } | undefined>('convLens.applyWhatIf', { owner: target.document.uri.toString(), edits: result.edits });
      if (!outcome?.applied) return fail(`Nothing applied: ${outcome?.message ?? 'the edit was refused'}.`);
      const blocked = result.changes.filter((c) => c.blocked).length;
      this.post({ type: 'applyResult', ok: true, message: `Applied ${outcome.edits} edits in ${outcome.files} file${outcome.files === 1 ? '' : 's'} as one change: undo with Ctrl+Z in the editor.${blocked ? ` ${blocked} changes were left alone (see the table).` : ''}` });
    } catch (e) {
      fail(`Could not apply: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  protected override disposeOwn(): void {
    clearTimeout(this.followTimer);
    this.resolveShown(null);
  }
}

/** A what-if's identity: the file's text (by version), the model and the plan. */
function whatIfKey(target: ModelTarget, plan: WirePlan): string {
  return `${target.document.uri.toString()}#${target.document.version}#${target.entry}#${JSON.stringify(plan)}`;
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}
