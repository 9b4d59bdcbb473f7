import * as vscode from 'vscode';
import { ConvSpec } from '../../core';
import { COMPARE_VIEW_TYPE, parsePanelState } from '../../protocol/compare';
import { ConvLensContext } from '../context';
import { ComparePanel, PanelServices, PanelTarget } from './comparePanel';
import { webviewOptions } from './panelHost';
import { analysesFinder, parsingFinder } from './finder';

/**
 * The host side of the comparison panel. `registerComparePanel` belongs in activation (it
 * brings panels back after a window reload); `openComparePanel` is what the Compare Layer
 * command, hover link, CodeLens and report call.
 */
type Context = ConvLensContext | vscode.ExtensionContext;

let services: PanelServices | undefined;
let current: ComparePanel | undefined;

function extensionOf(context: Context): vscode.ExtensionContext {
  return context instanceof ConvLensContext ? context.extension : context;
}

function servicesFor(context: Context): PanelServices {
  if (services) return services;
  const extension = extensionOf(context);
  const log = vscode.window.createOutputChannel('Conv Lens: Compare');
  extension.subscriptions.push(log, { dispose: () => { services = undefined; } });
  services = {
    extensionUri: extension.extensionUri,
    finder: context instanceof ConvLensContext ? analysesFinder(context.analyses) : parsingFinder,
    log,
  };
  return services;
}

function track(panel: ComparePanel): ComparePanel {
  current = panel;
  panel.onDidDispose(() => {
    if (current === panel) current = undefined;
  });
  return panel;
}

/**
 * Opens (or reuses) the panel on the conv layer declared at or nearest `target` (line 1-based,
 * column 0-based), or on the one under the cursor when target is undefined.
 */
export function openComparePanel(context: Context, target: { uri: string; line: number; column: number } | undefined): void {
  const s = servicesFor(context);
  const panelTarget: PanelTarget | null = target ? { uri: target.uri, line: target.line, column: target.column } : null;
  if (current) current.showTarget(panelTarget ?? cursorTarget());
  else track(ComparePanel.create(s, panelTarget ?? cursorTarget()));
}

/** Opens (or reuses) the panel on a layer typed into "Analyze Layer…", which has no file. */
export function openComparePanelOnTyped(context: Context, spec: ConvSpec, input: bigint[] | null): void {
  const s = servicesFor(context);
  const panel = current ?? track(ComparePanel.create(s, null));
  panel.showTyped(spec, input);
}

/** Restores panels after a window reload from the state the page saved. */
export function registerComparePanel(context: Context): vscode.Disposable {
  const s = servicesFor(context);
  return vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
    deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      const parsed = parsePanelState(state);
      if (!parsed.ok) s.log.appendLine(`[compare] restoring without saved state: ${parsed.error}`);
      panel.webview.options = webviewOptions(s.extensionUri);
      current?.dispose();
      track(new ComparePanel(panel, s, parsed.ok ? parsed.value.target : null, parsed.ok && parsed.value.follow));
      return Promise.resolve();
    },
  });
}

/** The cursor's position, so the panel keeps showing that layer when the cursor moves on. */
function cursorTarget(): PanelTarget | null {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return null;
  const p = editor.selection.active;
  return { uri: editor.document.uri.toString(), line: p.line + 1, column: p.character };
}
