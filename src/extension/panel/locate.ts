/**
 * Finds the conv layer at or nearest a position, editor-free. With the analysis engine's
 * declarations (variables, helpers and input shapes resolved) when the extension has them;
 * otherwise by parsing the file and evaluating the call's literal arguments.
 */
import { SyntaxNode } from '@lezer/common';
import { parser } from '@lezer/python';
import { ConvSpec, isConvType } from '../../core';
import { parseLayerExpression } from '../../analysis/model/layerExpression';
import { ConvDeclaration, SourceRange } from '../../analysis/types';

export interface LocatedLayer {
  spec: ConvSpec;
  input: bigint[] | null;
  range: SourceRange;
}

export type Located = { ok: true; layer: LocatedLayer } | { ok: false; reason: string; range: SourceRange | null };

/** Lines are 1-based and columns 0-based, as in the analysis contract. */
export interface Position {
  line: number;
  column: number;
}

export function locateInDeclarations(declarations: readonly ConvDeclaration[], at: Position): Located {
  const declaration = nearest(declarations, (d) => d.range, at);
  if (!declaration) return { ok: false, reason: 'No conv layer (nn.Conv1d/2d/3d or ConvTranspose) in this file.', range: null };
  if (declaration.record) return { ok: true, layer: { spec: declaration.record.spec, input: declaration.record.input_shape, range: declaration.range } };
  const why = declaration.error ? `PyTorch would raise: ${declaration.error.message}` : `Its arguments are not known statically${declaration.symbolic?.reasons.length ? `: ${declaration.symbolic.reasons.join('; ')}` : '.'}`;
  return { ok: false, reason: `Cannot compare the ${declaration.type} at line ${declaration.range.line}. ${why}`, range: declaration.range };
}

/** The fallback without the analysis engine: literal arguments only, input shape unknown. */
export function locateByParsing(source: string, at: Position): Located {
  const calls = findConvCalls(source);
  const call = nearest(calls, (c) => c.range, at);
  if (!call) return { ok: false, reason: 'No conv layer (nn.Conv1d/2d/3d or ConvTranspose) in this file.', range: null };
  const parsed = parseLayerExpression(source.slice(call.from, call.to));
  if (!parsed.ok) return { ok: false, reason: `Cannot compare the ${call.type} at line ${call.range.line}: ${parsed.message}`, range: call.range };
  return { ok: true, layer: { spec: parsed.spec, input: null, range: call.range } };
}

export interface ConvCall {
  type: string;
  from: number;
  to: number;
  range: SourceRange;
}

/** Every call whose callee's last name is a conv class (`nn.Conv2d(...)`, `Conv2d(...)`). */
export function findConvCalls(source: string): ConvCall[] {
  const lines = lineStarts(source);
  const calls: ConvCall[] = [];
  parser.parse(source).iterate({
    enter(node) {
      if (node.name !== 'CallExpression') return;
      const callee = (node.node as SyntaxNode).firstChild;
      if (!callee) return;
      const name = source.slice(callee.from, callee.to).split('.').pop() ?? '';
      if (isConvType(name)) calls.push({ type: name, from: node.from, to: node.to, range: rangeOf(lines, node.from, node.to) });
    },
  });
  return calls;
}

/**
 * The item whose range holds the position (the innermost, when nested); otherwise the one
 * starting nearest to it by line, the earlier one on ties.
 */
export function nearest<T>(items: readonly T[], rangeOf: (item: T) => SourceRange, at: Position): T | null {
  let inside: T | null = null;
  for (const item of items) {
    const r = rangeOf(item);
    if (contains(r, at) && (!inside || contains(rangeOf(inside), { line: r.line, column: r.column }))) inside = item;
  }
  if (inside) return inside;
  let best: T | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const item of items) {
    const r = rangeOf(item);
    const distance = at.line < r.line ? r.line - at.line : at.line > r.endLine ? at.line - r.endLine : 0;
    if (distance < bestDistance) {
      best = item;
      bestDistance = distance;
    }
  }
  return best;
}

function contains(r: SourceRange, at: Position): boolean {
  const afterStart = at.line > r.line || (at.line === r.line && at.column >= r.column);
  const beforeEnd = at.line < r.endLine || (at.line === r.endLine && at.column <= r.endColumn);
  return afterStart && beforeEnd;
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function rangeOf(starts: readonly number[], from: number, to: number): SourceRange {
  const at = (offset: number): Position => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] };
  };
  const start = at(from);
  const end = at(to);
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}
