import * as vscode from 'vscode';
import { SourceRange } from '../analysis/types';

/** A layer's location, the argument of `convLens.compareLayer` (from hovers, lenses and the palette). */
export interface LayerTarget {
  uri: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function layerTarget(uri: vscode.Uri, range: SourceRange): LayerTarget {
  return { uri: uri.toString(), line: range.line, column: range.column, endLine: range.endLine, endColumn: range.endColumn };
}

/** A `command:` URI for Markdown, with its arguments JSON-encoded as VS Code expects. */
export function commandUri(command: string, ...args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

/** The commands hover Markdown may run; nothing else is trusted. */
export const HOVER_COMMANDS = ['convLens.compareLayer', 'convLens.showReport'];
