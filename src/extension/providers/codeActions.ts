import * as vscode from 'vscode';
import { ConvDeclaration } from '../../analysis/types';
import { ConvLensContext } from '../context';
import { DocumentView } from '../documents';
import { ChannelsFix, TextEdit, canBecomeSeparable, channelsFix, separableEdit, separableImport, setChannelsEdit, setGroupsEdit } from '../text/fixes';
import { DIAGNOSTIC_SOURCE, analysisDiagnosticFor } from './diagnostics';

/**
 * Quick fixes: "Set groups to N" for invalid groups (values from the diagnostic's fix data),
 * and the depthwise-separable rewrite for a dense kxk conv. Each is one WorkspaceEdit, so one undo.
 */
export class ConvCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite];

  constructor(private readonly ctx: ConvLensContext) {}

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    const view = this.ctx.analyses.current(document) ?? await this.ctx.analyses.settled(document);
    if (!view || token.isCancellationRequested) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const found = analysisDiagnosticFor(view, diagnostic);
      const declaration = found && view.index.declarationAt(found.range.line, found.range.column);
      if (!found?.fix || !declaration) continue;
      if (found.fix.kind === 'groups') {
        // Groups first: they change this layer alone. A channel count changes what the layer
        // takes or gives, so the layer before or after it must change too: offered last.
        found.fix.values.forEach((value, i) => {
          const action = this.groupsAction(view, declaration, value, diagnostic);
          if (action) {
            action.isPreferred = i === 0;
            actions.push(action);
          }
        });
        const channels = channelsFix(found.fix);
        const action = channels && this.channelsAction(view, declaration, channels, found.fix.groups!, diagnostic);
        if (action) actions.push(action);
      } else {
        const action = this.separableAction(view, declaration, vscode.CodeActionKind.QuickFix);
        if (action) actions.push(Object.assign(action, { diagnostics: [diagnostic] }));
      }
    }
    const start = view.toContract(range.start);
    const declaration = view.index.declarationAt(start.line, start.column);
    const record = declaration?.record;
    if (declaration && record && canBecomeSeparable(record) && !actions.some((a) => a.title.startsWith('Convert'))) {
      const action = this.separableAction(view, declaration, vscode.CodeActionKind.RefactorRewrite);
      if (action) actions.push(action);
    }
    return actions;
  }

  private groupsAction(view: DocumentView, declaration: ConvDeclaration, value: bigint, diagnostic: vscode.Diagnostic): vscode.CodeAction | undefined {
    const edit = this.workspaceEdit(view, declaration, (text) => setGroupsEdit(text, value));
    if (!edit) return undefined;
    const action = new vscode.CodeAction(`Set groups to ${value} (nearest valid value; changes this layer only)`, vscode.CodeActionKind.QuickFix);
    action.edit = edit;
    action.diagnostics = [diagnostic];
    return action;
  }

  private channelsAction(view: DocumentView, declaration: ConvDeclaration, fix: ChannelsFix, groups: bigint, diagnostic: vscode.Diagnostic): vscode.CodeAction | undefined {
    const edit = this.workspaceEdit(view, declaration, (text) => setChannelsEdit(text, fix.parameter, fix.value));
    if (!edit) return undefined;
    const neighbour = fix.parameter === 'in_channels' ? `the layer before must then give ${fix.value} channels` : `the layer after must then take ${fix.value} channels`;
    const action = new vscode.CodeAction(`Set ${fix.parameter} to ${fix.value} (nearest multiple of groups ${groups}; ${neighbour})`, vscode.CodeActionKind.QuickFix);
    action.edit = edit;
    action.diagnostics = [diagnostic];
    return action;
  }

  private separableAction(view: DocumentView, declaration: ConvDeclaration, kind: vscode.CodeActionKind): vscode.CodeAction | undefined {
    const range = view.toRange(declaration.range);
    if (!range) return undefined;
    const line = view.document.lineAt(range.start.line).text;
    const fileText = view.document.getText();
    const context = { indent: /^\s*/.exec(line)![0], column: range.start.character, fileText };
    const edit = this.workspaceEdit(view, declaration, (text) => separableEdit(text, context));
    if (!edit) return undefined;
    const anImport = separableImport(fileText);
    if (anImport) edit.insert(view.document.uri, view.document.positionAt(anImport.start), anImport.text);
    const k = declaration.record ? declaration.record.spec.kernel_size.join('x') : 'kxk';
    const action = new vscode.CodeAction(`Convert to depthwise-separable (depthwise ${k} + pointwise 1x1): renames the weights, checkpoints for this layer will not load`, kind);
    action.edit = edit;
    return action;
  }

  /** Applies an edit computed on the declaration's call text, as offsets in the document. */
  private workspaceEdit(view: DocumentView, declaration: ConvDeclaration, compute: (callText: string) => TextEdit | null): vscode.WorkspaceEdit | undefined {
    const range = view.toRange(declaration.range);
    if (!range) return undefined;
    const document = view.document;
    const edit = compute(document.getText(range));
    if (!edit) return undefined;
    const base = document.offsetAt(range.start);
    const workspaceEdit = new vscode.WorkspaceEdit();
    workspaceEdit.replace(document.uri, new vscode.Range(document.positionAt(base + edit.start), document.positionAt(base + edit.end)), edit.text);
    return workspaceEdit;
  }
}
