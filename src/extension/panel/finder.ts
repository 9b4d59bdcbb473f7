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

/** Finds the conv layer at or nearest a position in a document. */
export type LayerFinder = (document: vscode.TextDocument, position: vscode.Position) => FindResult;

/**
 * Reads the extension's analysis cache, which resolves variables, helper functions and input
 * shapes; falls back to parsing literal arguments when the document is not one it analyzes.
 */
export function analysesFinder(analyses: Analyses): LayerFinder {
  return (document, position) => {
    const view = analyses.get(document);
    if (!view) return parsingFinder(document, position);
    const located = locateInDeclarations(view.analysis.declarations, view.toContract(position));
    if (!located.ok) return { ok: false, reason: located.reason };
    const range = view.toRange(located.layer.range);
    if (!range) return { ok: false, reason: 'That layer is in another cell of the notebook.' };
    return { ok: true, layer: { spec: located.layer.spec, input: located.layer.input, range } };
  };
}

/** Without the analysis engine: the call's literal arguments, input shape unknown. */
export const parsingFinder: LayerFinder = (document, position) => {
  const located = locateByParsing(document.getText(), { line: position.line + 1, column: position.character });
  if (!located.ok) return { ok: false, reason: located.reason };
  const r = located.layer.range;
  return { ok: true, layer: { spec: located.layer.spec, input: null, range: new vscode.Range(r.line - 1, r.column, r.endLine - 1, r.endColumn) } };
};
