import * as vscode from 'vscode';
import { SourceRange } from '../analysis/types';
import { ConvLensContext } from './context';
import { DocumentView, isPython } from './documents';
import { LayerTarget } from './links';

/**
 * Command arguments come from places the host does not control: a hover link's URI, another
 * extension, a keybinding. So a command acts only on what it can check against its own state:
 * an owner must name a Python file or notebook open in the editor (which Conv Lens analyzes),
 * and a layer target must be a conv layer of that owner's current analysis. Nothing here opens
 * a document: a URI that is not already open is refused, never read.
 */

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** The analysis view (of its text as it is now) of an open file or notebook named by its URI string. */
export async function openOwnerView(ctx: ConvLensContext, owner: unknown): Promise<Checked<DocumentView>> {
  if (typeof owner !== 'string') return { ok: false, message: 'no file was named' };
  const notebook = vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === owner);
  const document = notebook
    ? notebook.getCells().map((c) => c.document).find(isPython)
    : vscode.workspace.textDocuments.find((d) => d.uri.toString() === owner && isPython(d));
  if (!document) return { ok: false, message: `${describe(owner)} is not a Python file or notebook open in the editor` };
  const view = await ctx.analyses.settled(document);
  return view ? { ok: true, value: view } : { ok: false, message: `${describe(owner)} has no analysis yet (it keeps changing): try again` };
}

/**
 * A layer target that names a conv layer (declaration or built layer) of an open document's
 * current analysis, with its exact range. A stale target (the code changed since the link was
 * made) is refused too, with a message saying so.
 */
export async function checkedLayerTarget(ctx: ConvLensContext, value: unknown): Promise<Checked<{ view: DocumentView; target: LayerTarget }>> {
  if (!isLayerTarget(value)) return { ok: false, message: 'the layer location is malformed' };
  const owner = await openOwnerView(ctx, value.uri);
  if (!owner.ok) return owner;
  const { analysis } = owner.value;
  const ranges = [...analysis.declarations.map((d) => d.range), ...analysis.models.flatMap((m) => m.layers.map((l) => l.range))];
  if (!ranges.some((r) => sameRange(r, value))) return { ok: false, message: 'no conv layer is at that place in the file now (the code may have changed): hover the layer again' };
  return { ok: true, value: { view: owner.value, target: value } };
}

export function isLayerTarget(value: unknown): value is LayerTarget {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.uri === 'string' && ['line', 'column', 'endLine', 'endColumn'].every((k) => Number.isSafeInteger(v[k]) && (v[k] as number) >= 0);
}

function sameRange(a: SourceRange, b: SourceRange): boolean {
  return a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

/** A URI for a message: its last path segment, cut short, never the whole (possibly hostile) string. */
function describe(uri: string): string {
  const name = uri.slice(uri.lastIndexOf('/') + 1).slice(0, 80).replace(/[^\w.\- ]/g, '_');
  return name ? `"${name}"` : 'that location';
}
