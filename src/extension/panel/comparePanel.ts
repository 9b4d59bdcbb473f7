import * as vscode from 'vscode';
import { ConvSpec, torchRepr } from '../../core';
import {
  ApplyRequest, COMPARE_VIEW_TYPE, HostMessage, PageMessage, encodeInt, encodeSpec, parsePageMessage,
} from '../../protocol/compare';
import { FoundLayer, LayerFinder, Place } from './finder';
import { PanelHost, openInEditorTab, webviewOptions } from './panelHost';
import { planRewrite } from './rewrite';

export interface PanelServices {
  extensionUri: vscode.Uri;
  finder: LayerFinder;
  log: vscode.OutputChannel;
}

/** A position in a document: 1-based line, 0-based column (the analysis contract's). */
export interface PanelTarget {
  uri: string;
  line: number;
  column: number;
}

/** The layer the panel shows: where it is, its text when found, and what it computes to. */
interface Shown {
  uri: vscode.Uri;
  layer: FoundLayer;
  callText: string;
}

const FOLLOW_DELAY_MS = 150;
const EDIT_DELAY_MS = 300;

/**
 * One comparison panel. It finds the layer, sends it to the page, follows the cursor when the
 * page asks, keeps up with edits to the file, and writes "Apply to code" requests back as one
 * undoable WorkspaceEdit.
 */
export class ComparePanel extends PanelHost<HostMessage, PageMessage> {
  private shown: Shown | null = null;
  /** A layer typed into "Analyze Layer…", shown without a file until a target or the cursor replaces it. */
  private typed: { spec: ConvSpec; input: bigint[] | null } | null = null;
  private follow: boolean;
  private target: PanelTarget | null;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  private editTimer: ReturnType<typeof setTimeout> | undefined;

  static create(services: PanelServices, target: PanelTarget | null): ComparePanel {
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, 'Conv Lens: Compare', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(services.extensionUri));
    return new ComparePanel(panel, services, target, false);
  }

  constructor(panel: vscode.WebviewPanel, private readonly services: PanelServices, target: PanelTarget | null, follow: boolean) {
    super(panel, { extensionUri: services.extensionUri, log: services.log, tag: 'compare', page: { script: 'main.js', style: 'compare.css' }, parse: parsePageMessage });
    this.target = target;
    this.follow = follow;
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => this.cursorMoved(e)),
      vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e)),
      vscode.workspace.onDidOpenTextDocument((d) => this.documentOpened(d)),
    );
  }

  /** Shows another layer (a new target from a hover, lens or the palette). */
  showTarget(target: PanelTarget | null): void {
    this.typed = null;
    this.target = target;
    this.panel.reveal(undefined, true);
    void this.refresh();
  }

  /** Shows a typed layer ("Analyze Layer…"): the same page, with nothing to go to or write back to. */
  showTyped(spec: ConvSpec, input: bigint[] | null): void {
    this.typed = { spec, input };
    this.shown = null;
    this.target = null;
    this.panel.reveal(undefined, true);
    this.postTyped();
  }

  private postTyped(): void {
    if (!this.typed) return;
    this.panel.title = `Compare: ${this.typed.spec.type} (typed)`;
    this.post({ type: 'showLayer', layer: { spec: encodeSpec(this.typed.spec), input: this.typed.input ? this.typed.input.map(encodeInt) : null, source: null } });
  }

  protected async handle(message: PageMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.postSandboxSettings();
        return this.refresh();
      case 'setFollow':
        this.follow = message.follow;
        if (this.follow) return this.followActiveEditor();
        return undefined;
      case 'revealSource':
        return this.revealSource();
      case 'apply':
        return this.apply(message.request);
    }
  }

  /** Finds the target's layer (or the one under the cursor) and sends it to the page. */
  private async refresh(): Promise<void> {
    if (this.typed) return this.postTyped();
    let place = await this.targetPlace();
    if (!place && this.target && openInEditorTab(this.target.uri)) {
      // After a window reload an editor tab is back before its document reaches the extension:
      // that file is open to the user, so loading it is no wider than the check allows.
      await vscode.workspace.openTextDocument(vscode.Uri.parse(this.target.uri)).then(undefined, () => undefined);
      place = await this.targetPlace();
    }
    if (!place) {
      const closed = this.target ? `${basename(vscode.Uri.parse(this.target.uri))} is not open in the editor. Open it to compare its layer, or ` : '';
      return this.post({ type: 'noLayer', reason: `${closed}${closed ? 'open' : 'Open'} a Python file and put the cursor on a conv layer, then run "Conv Lens: Compare Layer".` });
    }
    await this.showAt(place.document, place.position);
  }

  private async showAt(document: vscode.TextDocument, position: vscode.Position): Promise<void> {
    this.typed = null;
    const found = await this.services.finder.find(document, position);
    if (!found.ok) {
      this.shown = null;
      return this.post({ type: 'noLayer', reason: found.reason });
    }
    const { layer } = found;
    this.shown = { uri: document.uri, layer, callText: document.getText(layer.range) };
    this.target = { uri: document.uri.toString(), line: layer.range.start.line + 1, column: layer.range.start.character };
    this.panel.title = `Compare: ${layer.spec.type} (${basename(document.uri)}:${layer.range.start.line + 1})`;
    this.post({
      type: 'showLayer',
      layer: {
        spec: encodeSpec(layer.spec),
        input: layer.input ? layer.input.map(encodeInt) : null,
        source: {
          uri: document.uri.toString(),
          line: layer.range.start.line + 1,
          column: layer.range.start.character,
          endLine: layer.range.end.line + 1,
          endColumn: layer.range.end.character,
          label: `${basename(document.uri)}:${layer.range.start.line + 1}`,
          text: this.shown.callText,
        },
      },
    });
  }

  /** The target's place in an open document (a restored target's file may not be open yet). */
  private async targetPlace(): Promise<Place | undefined> {
    if (!this.target) {
      const editor = vscode.window.activeTextEditor;
      return editor ? { document: editor.document, position: editor.selection.active } : undefined;
    }
    try {
      return await this.services.finder.place(vscode.Uri.parse(this.target.uri), this.target.line, this.target.column);
    } catch (e) {
      this.log(`cannot place the target: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** A target whose file was not open (after a window reload) is shown once the file opens. */
  private documentOpened(document: vscode.TextDocument): void {
    if (!this.shown && this.target && document.uri.toString() === this.target.uri) void this.refresh();
  }

  private cursorMoved(e: vscode.TextEditorSelectionChangeEvent): void {
    if (!this.follow || e.textEditor.document.languageId !== 'python') return;
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => void this.followActiveEditor().catch((e: unknown) => this.logFailure('follow', e)), FOLLOW_DELAY_MS);
  }

  /** Moves to the layer under the cursor when it is a different one; stays put between layers. */
  private async followActiveEditor(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'python') return;
    const found = await this.services.finder.find(editor.document, editor.selection.active);
    if (!found.ok || !found.layer.range.contains(editor.selection.active)) return;
    const same = this.shown && this.shown.uri.toString() === editor.document.uri.toString() && this.shown.layer.range.isEqual(found.layer.range)
      && torchRepr(this.shown.layer.spec) === torchRepr(found.layer.spec);
    if (!same) await this.showAt(editor.document, editor.selection.active);
  }

  /** Keeps the page in step with edits to the shown layer's file, including our own "Apply". */
  private documentChanged(e: vscode.TextDocumentChangeEvent): void {
    if (!this.shown || e.document.uri.toString() !== this.shown.uri.toString() || e.contentChanges.length === 0) return;
    clearTimeout(this.editTimer);
    const document = e.document;
    this.editTimer = setTimeout(() => {
      if (this.target) void this.showAt(document, new vscode.Position(this.target.line - 1, this.target.column)).catch((e: unknown) => this.logFailure('refresh after an edit', e));
    }, EDIT_DELAY_MS);
  }

  private async revealSource(): Promise<void> {
    if (!this.shown) return;
    const document = await vscode.workspace.openTextDocument(this.shown.uri);
    await vscode.window.showTextDocument(document, { selection: this.shown.layer.range, viewColumn: vscode.ViewColumn.One });
  }

  /**
   * Writes a variant into the source as one WorkspaceEdit (one undo step). The layer is checked
   * again here: the file must still hold the call the page was built from, and buildConv must
   * accept the new arguments, or nothing is written and the page is told why.
   */
  private async apply(request: ApplyRequest): Promise<void> {
    const shown = this.shown;
    if (!shown) return this.post({ type: 'applyResult', ok: false, message: 'No layer to apply to.' });
    const document = await vscode.workspace.openTextDocument(shown.uri);
    if (document.getText(shown.layer.range) !== shown.callText) {
      await this.showAt(document, shown.layer.range.start);
      return this.post({ type: 'applyResult', ok: false, message: 'The code changed since the panel read it; it now shows the code as it is. Nothing was written.' });
    }
    const line = document.lineAt(shown.layer.range.start.line).text;
    const plan = planRewrite(request, {
      spec: shown.layer.spec,
      callText: shown.callText,
      indent: /^\s*/.exec(line)![0],
      column: shown.layer.range.start.character,
      fileText: document.getText(),
    });
    if (!plan.ok) return this.post({ type: 'applyResult', ok: false, message: plan.message });
    const edit = new vscode.WorkspaceEdit();
    edit.replace(shown.uri, shown.layer.range, plan.text);
    if (plan.insert) edit.insert(shown.uri, document.positionAt(plan.insert.start), plan.insert.text);
    const applied = await vscode.workspace.applyEdit(edit);
    this.log(`apply ${JSON.stringify(request)} to ${shown.uri.toString()}:${shown.layer.range.start.line + 1}: ${applied ? 'done' : 'refused by the editor'}`);
    this.post({ type: 'applyResult', ok: applied, message: applied ? `${plan.summary} Undo with Ctrl+Z in the editor.` : 'The editor did not accept the edit (is the file read-only?).' });
  }

  protected override disposeOwn(): void {
    clearTimeout(this.followTimer);
    clearTimeout(this.editTimer);
  }
}

function basename(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.path;
}
