import * as vscode from 'vscode';
import { ConvLensContext } from '../context';
import { shapeText } from '../text/numbers';

/** Shapes after assignments in forward: `out = self.conv1(x)  [1, 32, 32, 32]`. */
export class ShapeInlayHintsProvider implements vscode.InlayHintsProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;
  private readonly listeners: vscode.Disposable[];

  constructor(private readonly ctx: ConvLensContext) {
    this.listeners = [ctx.analyses.onDidUpdate(() => this.changed.fire()), ctx.config.onDidChange(() => this.changed.fire())];
  }

  async provideInlayHints(document: vscode.TextDocument, range: vscode.Range, token: vscode.CancellationToken): Promise<vscode.InlayHint[]> {
    if (!this.ctx.config.inlayHintsEnabled) return [];
    const view = await this.ctx.analyses.settled(document);
    if (token.isCancellationRequested) return [];
    if (!view) return [];
    const hints: vscode.InlayHint[] = [];
    const seen = new Set<number>();
    for (const model of view.analysis.models) {
      for (const note of model.shapes) {
        const at = view.toRange(note.range);
        if (!at || !range.contains(at.end) || note.shape === null) continue;
        // One hint per line: the outermost note ends last, and the line reads best with one shape.
        if (seen.has(at.end.line)) continue;
        seen.add(at.end.line);
        const end = document.lineAt(at.end.line).range.end;
        const hint = new vscode.InlayHint(end, shapeText(note.shape), vscode.InlayHintKind.Type);
        hint.paddingLeft = true;
        hint.tooltip = `${note.label}: ${note.input ? `${shapeText(note.input)} → ` : ''}${shapeText(note.shape)}`;
        hints.push(hint);
      }
    }
    return hints;
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.changed.dispose();
  }
}
