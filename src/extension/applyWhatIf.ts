import * as vscode from 'vscode';
import type { AnalysisOptions } from '../analysis';
import type { WhatIfEdit, WhatIfPlan } from '../analysis/whatif/types';
import { whatIfModel } from '../analysis/whatif/whatIf';
import { ConvLensContext } from './context';

/**
 * What `convLens.applyWhatIf` takes: the edits of a what-if already computed (the model view
 * passes them), or a model and a plan to compute them for, in the file named by `owner` (a URI
 * string of an open document) or the active editor.
 */
export interface ApplyWhatIfArgs {
  owner?: string;
  edits?: WhatIfEdit[];
  entry?: string;
  plan?: WhatIfPlan;
}

export interface ApplyWhatIfOutcome {
  applied: boolean;
  edits: number;
  files: number;
  /** Why nothing was applied. */
  message?: string;
}

/**
 * Applies a what-if's edits as one workspace edit, so one Undo takes the whole change back,
 * across files when the edits span several. Every edit is checked against the text it was
 * computed from: when a file changed since, nothing is applied.
 */
export async function applyWhatIf(ctx: ConvLensContext, args: unknown): Promise<ApplyWhatIfOutcome> {
  const given = (args ?? (await askPlan(ctx)) ?? {}) as ApplyWhatIfArgs;
  if (args === undefined && given.plan === undefined) return { applied: false, edits: 0, files: 0, message: 'cancelled' };
  const document = documentFor(given.owner);
  let edits = Array.isArray(given.edits) ? given.edits : null;
  if (!edits) {
    if (!document || typeof given.entry !== 'string' || !given.plan) return refuse('give the edits of a what-if, or a model (entry) and a plan, with a Python file open');
    const result = whatIfModel(optionsFor(ctx, document), document.getText(), given.entry, given.plan);
    if (result.errors.some((e) => e.source === 'analysis')) return refuse(result.errors[0].message);
    edits = result.edits;
  }
  if (edits.length === 0) return refuse('the what-if changes no code');
  const workspaceEdit = new vscode.WorkspaceEdit();
  const files = new Map<string, WhatIfEdit[]>();
  for (const e of edits) files.set(e.file, [...(files.get(e.file) ?? []), e]);
  for (const [file, fileEdits] of files) {
    const target = await openFile(file, document);
    if (!target) return refuse(`cannot open ${file}`);
    const text = target.getText();
    const stale = fileEdits.find((e) => text.slice(e.from, e.to) !== e.replaced);
    if (stale) return refuse(`${file.slice(file.lastIndexOf('/') + 1)} changed since the what-if was computed (line ${stale.range.line}); compute it again`);
    for (const e of fileEdits) workspaceEdit.replace(target.uri, new vscode.Range(target.positionAt(e.from), target.positionAt(e.to)), e.text);
  }
  const applied = await vscode.workspace.applyEdit(workspaceEdit);
  if (!applied) return refuse('VS Code did not apply the edit');
  return { applied: true, edits: edits.length, files: files.size };
}

function refuse(message: string): ApplyWhatIfOutcome {
  void vscode.window.showWarningMessage(`Conv Lens: nothing applied: ${message}.`);
  return { applied: false, edits: 0, files: 0, message };
}

function documentFor(owner: string | undefined): vscode.TextDocument | undefined {
  if (typeof owner === 'string') return vscode.workspace.textDocuments.find((d) => d.uri.toString() === owner);
  return vscode.window.activeTextEditor?.document;
}

/** The open document of an analysed path (the analysis names files by their URI's path), or the file opened beside `near`. */
async function openFile(path: string, near: vscode.TextDocument | undefined): Promise<vscode.TextDocument | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.path === path);
  if (open) return open;
  const base = near?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!base) return undefined;
  try {
    return await vscode.workspace.openTextDocument(base.with({ path }));
  } catch {
    return undefined;
  }
}

/**
 * The analysis options for a what-if computed on the extension host: the file's other modules
 * are read from open documents only (the worker reads the rest), so a model built from files not
 * open may offer fewer edits; the edits it offers are checked against the text before applying.
 */
function optionsFor(ctx: ConvLensContext, document: vscode.TextDocument): AnalysisOptions {
  const readFile = (path: string): string | undefined => vscode.workspace.textDocuments.find((d) => d.uri.path === path)?.getText();
  return { file: document.uri.path, host: { readFile }, input: ctx.shapes.get(document.uri) ?? null };
}

/** From the palette: the model of the active file, and the transformations, picked. */
async function askPlan(ctx: ConvLensContext): Promise<ApplyWhatIfArgs | undefined> {
  const document = vscode.window.activeTextEditor?.document;
  const view = document && (await ctx.analyses.settled(document));
  const models = view?.analysis.models ?? [];
  if (models.length === 0) {
    void vscode.window.showInformationMessage('Conv Lens: open a Python file with a model to apply a what-if to it.');
    return undefined;
  }
  const entry = models.length === 1 ? models[0].entry : (await vscode.window.showQuickPick(models.map((m) => m.entry), { title: 'Conv Lens: apply a what-if to which model?' }));
  if (!entry) return undefined;
  const choices = [
    { label: 'Dense k×k convs → depthwise-separable', transformation: 'separable' as const },
    { label: 'groups=g where valid…', transformation: 'groups' as const },
    { label: 'Widths × α (make_divisible by 8)…', transformation: 'width' as const },
    { label: 'Drop the bias of convs followed by a BatchNorm', transformation: 'dropBias' as const },
  ];
  const picked = await vscode.window.showQuickPick(choices, { canPickMany: true, title: `Conv Lens: transform ${entry}` });
  if (!picked || picked.length === 0) return undefined;
  const plan: WhatIfPlan = { transformations: [] };
  for (const p of picked) {
    if (p.transformation === 'groups') {
      const g = Number(await vscode.window.showInputBox({ title: 'groups', value: '2', validateInput: (v) => (/^[1-9]\d*$/.test(v.trim()) ? undefined : 'a positive integer') }));
      if (!g) return undefined;
      plan.transformations.push({ kind: 'groups', groups: g });
    } else if (p.transformation === 'width') {
      const a = Number(await vscode.window.showInputBox({ title: 'width multiplier α', value: '0.75', validateInput: (v) => (Number(v) > 0 ? undefined : 'a positive number') }));
      if (!(a > 0)) return undefined;
      plan.transformations.push({ kind: 'width', multiplier: a, divisor: 8 });
    } else plan.transformations.push({ kind: p.transformation });
  }
  return { owner: document!.uri.toString(), entry, plan };
}
