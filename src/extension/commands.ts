import * as vscode from 'vscode';
import { analyzeLayer } from './analyzeLayer';
import { applyWhatIf } from './applyWhatIf';
import { compareLayer } from './compare';
import { openComparePanelOnTyped } from './panel';
import { ConvLensContext } from './context';
import { openModelView } from './modelView';
import { ReadOnlyDocuments } from './readOnlyDocuments';
import { Reports, revealLayer, viewFor } from './report';
import { checkedLayerTarget } from './targets';
import { guessInputShape, parseInputShape, shapeToText } from './text/inputShape';

/** What command handlers may use. */
export interface CommandServices {
  ctx: ConvLensContext;
  reports: Reports;
  documents: ReadOnlyDocuments;
}

type Handler = (services: CommandServices, ...args: unknown[]) => unknown;

/** Every command of the extension; package.json's contributes.commands lists the same ids. */
export const COMMANDS: Record<string, Handler> = {
  'convLens.showReport': ({ reports }, owner) => reports.show(owner),
  'convLens.exportReportMarkdown': ({ reports }, owner, destination) => reports.export('md', owner, destination),
  'convLens.exportReportCsv': ({ reports }, owner, destination) => reports.export('csv', owner, destination),
  'convLens.exportReportJson': ({ reports }, owner, destination) => reports.export('json', owner, destination),
  'convLens.setInputShape': ({ ctx }, owner, shape) => setInputShape(ctx, owner, shape),
  'convLens.compareLayer': ({ ctx }, target) => compareLayer(ctx, target),
  'convLens.openModelView': ({ ctx }, owner, entry) => openModelView(ctx, owner, entry),
  'convLens.revealLayer': async ({ ctx }, target) => {
    const checked = await checkedLayerTarget(ctx, target);
    if (checked.ok) return revealLayer(ctx, checked.value.target);
    void vscode.window.showWarningMessage(`Conv Lens: cannot go to that layer: ${checked.message}.`);
    return false;
  },
  'convLens.analyzeLayer': ({ ctx, documents }, expression, shape) => analyzeLayer(documents, expression, shape, (spec, input) => openComparePanelOnTyped(ctx, spec, input)),
  'convLens.applyWhatIf': ({ ctx }, args) => applyWhatIf(ctx, args),
};

export function registerCommands(services: CommandServices): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) => vscode.commands.registerCommand(id, (...args: unknown[]) => handler(services, ...args)));
}

/**
 * Asks for the input shape of a file's models and stores it for that file; a shape given as an
 * argument (e.g. by a test or a keybinding) skips the input box, and an empty one clears it.
 */
async function setInputShape(ctx: ConvLensContext, owner?: unknown, given?: unknown): Promise<void> {
  const view = await viewFor(ctx, owner);
  if (!view) {
    if (owner === undefined || owner === null) void vscode.window.showInformationMessage('Conv Lens: open a Python file to set its input shape.');
    return;
  }
  const current = ctx.shapes.get(view.owner) ?? view.analysis.models.find((m) => m.input)?.input ?? null;
  const guess = current ? null : guessInputShape(view.analysis.models);
  const text = typeof given === 'string' ? given : await vscode.window.showInputBox({
    title: 'Conv Lens: Set Input Shape',
    prompt: guess
      ? `Input shape for this file's models. Prefilled with a guess from the first conv layer's ${guess[1]} input channels: check it (empty: back to the comment or code)`
      : 'Input shape for this file\'s models, e.g. 1, 3, 224, 224 (empty: back to the comment or code)',
    value: current ? shapeToText(current) : guess ? shapeToText(guess) : '',
    validateInput: (value) => {
      if (value.trim() === '') return undefined;
      const parsed = parseInputShape(value);
      return parsed.ok ? undefined : parsed.message;
    },
  });
  if (text === undefined) return;
  if (text.trim() === '') {
    await ctx.shapes.set(view.owner, null);
    return;
  }
  const parsed = parseInputShape(text);
  if (!parsed.ok) {
    void vscode.window.showErrorMessage(`Conv Lens: ${parsed.message}`);
    return;
  }
  await ctx.shapes.set(view.owner, parsed.shape);
}
