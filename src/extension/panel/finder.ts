import * as vscode from 'vscode';
import { ConvSpec } from '../../core';
import { Analyses } from '../documents';
import { locateByParsing, locateInDeclarations } from './locate';

/** A conv layer found in an open document, with its range in that document. */
export interface FoundLayer {
  spec: ConvSpec;
  input: bigint[] | null;
  range: vscode.Range;
}

export type FindResult = { ok: true; layer: FoundLayer } | { ok: false; reason: string };

/** A contract position (1-based line, 0-based column) of a file or a whole notebook, placed in one document. */
export interface Place {
  document: vscode.TextDocument;
  position: vscode.Position;
}

export interface LayerFinder {
  /** The conv layer at or nearest a position in a document. */
  find(document: vscode.TextDocument, position: vscode.Position): Promise<FindResult>;
  /**
   * Where a target lies, in a document already open in the editor (never one opened for the
   * purpose: targets also come from the page's saved state). Hovers and lenses in notebooks name
   * the notebook and a line of all its Python cells joined, as the analysis sees them; this
   * finds the cell.
   */
  place(uri: vscode.Uri, line: number, column: number): Promise<Place | undefined>;
}

/**
 * Reads the extension's analysis cache, which resolves variables, helper functions and input
 * shapes; falls back to parsing literal arguments when the document is not one it analyzes.
 */
export function analysesFinder(analyses: Analyses): LayerFinder {
  return {
    async find(document, position) {
      const view = await analyses.settled(document);
      if (!view) return parsingFinder.find(document, position);
      const located = locateInDeclarations(view.analysis.declarations, view.toContract(position));
      if (!located.ok) return { ok: false, reason: located.reason };
      const range = view.toRange(located.layer.range);
      if (!range) return { ok: false, reason: 'That layer is in another cell of the notebook.' };
      return { ok: true, layer: { spec: located.layer.spec, input: located.layer.input, range } };
    },
    async place(uri, line, column) {
      const notebook = vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === uri.toString());
      if (!notebook) return parsingFinder.place(uri, line, column);
      const point = { line, column, endLine: line, endColumn: column };
      for (const cell of notebook.getCells()) {
        const range = (await analyses.settled(cell.document))?.toRange(point);
        if (range) return { document: cell.document, position: range.start };
      }
      return undefined;
    },
  };
}

/** Without the analysis engine: the call's literal arguments, input shape unknown. */
export const parsingFinder: LayerFinder = {
  async find(document, position) {
    const located = locateByParsing(document.getText(), { line: position.line + 1, column: position.character });
    if (!located.ok) return { ok: false, reason: located.reason };
    const r = located.layer.range;
    return { ok: true, layer: { spec: located.layer.spec, input: null, range: new vscode.Range(r.line - 1, r.column, r.endLine - 1, r.endColumn) } };
  },
  place(uri, line, column) {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return Promise.resolve(document ? { document, position: new vscode.Position(Math.max(0, line - 1), Math.max(0, column)) } : undefined);
  },
};
