import { CallArgument, CallText, ConvType, bindCallArguments, constructorParameters, isConvType, readCall } from '../../core';
import type { SourceHost, SourceRange } from '../types';

/** One constructor call in the source text, with its arguments bound to the class's parameter names. */
export interface CallSite {
  /** Offsets of the whole call in the file's text. */
  from: number;
  to: number;
  call: CallText;
  /** The callee's last name, e.g. 'Conv2d', 'BatchNorm2d'. */
  type: string;
  /** Parameter name to argument; null when an argument is unpacked (`*args`, `**cfg`). */
  bound: Map<string, CallArgument> | null;
  /** Leading whitespace of the call's first line. */
  indent: string;
}

/** Offsets of each line's start, to turn ranges (1-based lines, 0-based columns) into offsets. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function offsetOf(starts: readonly number[], line: number, column: number): number | null {
  if (line < 1 || line > starts.length) return null;
  return starts[line - 1] + column;
}

/** The range (1-based lines, 0-based columns) of offsets `from`..`to`. */
export function rangeOf(starts: readonly number[], from: number, to: number): SourceRange {
  const at = (offset: number): [number, number] => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return [lo + 1, offset - starts[lo]];
  };
  const [line, column] = at(from);
  const [endLine, endColumn] = at(to);
  return { line, column, endLine, endColumn };
}

const NORM_PARAMETERS = ['num_features', 'eps', 'momentum', 'affine', 'track_running_stats', 'process_group', 'device', 'dtype'];
const LINEAR_PARAMETERS = ['in_features', 'out_features', 'bias', 'device', 'dtype'];

function parametersOf(type: string): readonly string[] | null {
  if (isConvType(type)) return constructorParameters(type as ConvType);
  if (/^(Sync)?BatchNorm[123]?d?$/.test(type)) return NORM_PARAMETERS;
  if (type === 'Linear') return LINEAR_PARAMETERS;
  return null;
}

/** The call written at `range`, when it is a whole call of a class the what-if can rewrite. */
export function readSite(text: string, starts: readonly number[], range: SourceRange): CallSite | null {
  if (range.line < 1) return null;
  const from = offsetOf(starts, range.line, range.column);
  const to = offsetOf(starts, range.endLine, range.endColumn);
  if (from === null || to === null || to <= from) return null;
  const call = readCall(text.slice(from, to));
  if (!call || call.close + 1 !== to - from) return null;
  const type = call.callee.split('.').pop() ?? '';
  const names = parametersOf(type);
  if (!names || !/^[A-Za-z_][\w.]*$/.test(call.callee)) return null;
  const lineStart = starts[range.line - 1];
  const indent = /^[ \t]*/.exec(text.slice(lineStart, from))?.[0] ?? '';
  return { from, to, call, type, bound: bindCallArguments(names, call.args), indent };
}


/** A plain integer literal's value, e.g. `64`; null for names and expressions. */
export function intLiteral(value: string): bigint | null {
  return /^\d+$/.test(value) ? BigInt(value) : null;
}

/** An argument that can be written twice without running code twice: names, attributes, literals, arithmetic. */
export function repeatable(value: string): boolean {
  return /^[\w.\s+\-*/%]+$/.test(value);
}

/** One file's text as the what-if reads it, with its line starts. */
export interface SourceText {
  file: string;
  text: string;
  starts: number[];
}

/** The analysed file and, read on demand through the host, the files its layers are built in. */
export class Sources {
  private readonly files = new Map<string, SourceText | null>();

  constructor(readonly main: SourceText, private readonly host: SourceHost) {
    this.files.set(main.file, main);
  }

  get(file: string): SourceText | null {
    if (!this.files.has(file)) {
      const read = this.host.readFile(file);
      this.files.set(file, typeof read === 'string' ? { file, text: read, starts: lineStarts(read) } : null);
    }
    return this.files.get(file)!;
  }
}

/** The file name alone, for messages. */
export function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}
