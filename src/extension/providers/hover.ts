import * as vscode from 'vscode';
import { ConvLensContext } from '../context';
import { HOVER_COMMANDS, commandUri, layerTarget } from '../links';
import { DocumentView } from '../documents';
import { declarationHover, forwardCallHover, selfCallAt, shapeNoteHover } from '../text/hover';
import { layerAsDeclaration, rangeKey } from '../text/index';
import { diagnosticText } from '../text/fixes';
import { mdCode, mdText } from '../text/markdown';

/** Hover on a conv declaration (its figures) or on a forward call/assignment (its shapes). */
export class ConvHoverProvider implements vscode.HoverProvider {
  constructor(private readonly ctx: ConvLensContext) {}

  /**
   * Answers at once from the analysis of the current text; before it has arrived (the file was
   * just opened or edited), once it arrives, without holding up the extension host meanwhile.
   */
  provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): vscode.ProviderResult<vscode.Hover> {
    if (!this.ctx.config.hoverEnabled) return undefined;
    const started = performance.now();
    const view = this.ctx.analyses.current(document);
    if (view) {
      try {
        return this.hover(view, document, position);
      } finally {
        this.ctx.timings.record('hover', performance.now() - started);
      }
    }
    return this.ctx.analyses.settled(document).then((settled) => (settled && !token.isCancellationRequested ? this.hover(settled, document, position) : undefined));
  }

  private hover(view: DocumentView, document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const { line, column } = view.toContract(position);
    const declaration = view.index.declarationAt(line, column);
    const display = { flopDisplay: this.ctx.config.flopDisplay, dtype: this.ctx.config.dtype };
    const notReached = view.index.notReached();
    if (declaration) {
      const links = {
        compare: commandUri('convLens.compareLayer', layerTarget(view.owner, declaration.range)),
        report: commandUri('convLens.showReport', view.owner.toString()),
      };
      const refused = view.analysis.diagnostics.find((d) => d.source === 'construct' && rangeKey(d.range) === rangeKey(declaration.range));
      const context = { uses: view.index.usesOf(declaration), notReached, problem: refused ? diagnosticText(refused) : null };
      const text = declarationHover(declaration, view.index.separableNote(declaration), links, display, context);
      return new vscode.Hover(trusted(text), view.toRange(declaration.range) ?? undefined);
    }
    const site = view.index.siteAt(line, column);
    if (site) {
      const report = commandUri('convLens.showReport', view.owner.toString());
      // Compare needs the constructor call's own text, which is in another file: no link here.
      const parts = site.layers.slice(0, 4).map(({ layer }) => `${mdCode(layer.name)} — ${declarationHover(layerAsDeclaration(layer), view.index.separableNote(layerAsDeclaration(layer)), { compare: '', report }, display, { notReached })}`);
      if (site.layers.length > 4) parts.push(`…and ${site.layers.length - 4} more conv layers (see the report)`);
      return new vscode.Hover(trusted(parts.join('\n\n---\n\n')), view.toRange(site.range) ?? undefined);
    }
    const ran = view.index.callAt(line, column);
    if (ran) {
      const layer = view.index.layerNamed(ran.model, ran.call.module);
      const text = forwardCallHover(ran.call, ran.model.entry, view.index.modelsRunning(ran.call) - 1, layer, display);
      return new vscode.Hover(trusted(text), view.toRange(ran.call.range) ?? undefined);
    }
    const call = selfCallAt(document.lineAt(position.line).text, position.character);
    if (call) {
      // No forward pass ran this call: say why, rather than guess which model's layer it is.
      const fed = view.analysis.models.some((m) => m.input !== null);
      const why = notReached ?? (fed ? 'not run: no forward pass analysed reached this call' : 'not run: no input shape (use Set Input Shape)');
      return new vscode.Hover(trusted(`**${mdText(`self.${call}(…)`)}**: ${mdText(why)}`));
    }
    const note = view.index.shapeNoteAt(line, column);
    if (note) return new vscode.Hover(trusted(shapeNoteHover(note)), view.toRange(note.range) ?? undefined);
    return undefined;
  }
}

/**
 * Hover Markdown may run only our two commands (whose handlers check their arguments), renders
 * no raw HTML, and shows theme icons; every text from the file in it is escaped (text/markdown.ts).
 */
function trusted(text: string): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString(text, true);
  if (commandListTrustShowsHovers(vscode.version)) markdown.isTrusted = { enabledCommands: HOVER_COMMANDS };
  markdown.supportHtml = false;
  return markdown;
}

/**
 * VS Code before 1.78 counts a hover whose Markdown is trusted for a list of commands as empty and
 * drops it (its workbench's isMarkdownString accepts only a boolean isTrusted: so 1.75.1 and
 * 1.77.3 do; 1.78's Monaco and 1.79.2 accept the list), although the provider's answer reaches
 * vscode.executeHoverProvider intact. Trusting every command instead would let a model file's text
 * run any command, so there the hover stays untrusted: its figures show, its links do nothing.
 */
function commandListTrustShowsHovers(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major > 1 || (major === 1 && minor >= 78);
}
