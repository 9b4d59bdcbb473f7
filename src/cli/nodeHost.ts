import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParseStore, SourceHost, UnreadFile } from '../analysis/types';
import { readSourceFile } from '../host/sourceFiles';

/**
 * The analysis reads project files through a SourceHost; on the command line that is the disk.
 * Texts are cached for the host's lifetime, since import resolution asks for the same files
 * (and the same missing candidates) many times within one run.
 */
export class NodeSourceHost implements SourceHost {
  private readonly cache = new Map<string, string | undefined | UnreadFile>();

  constructor(readonly parses?: ParseStore) {}

  readFile(file: string): string | undefined | UnreadFile {
    if (this.cache.has(file)) return this.cache.get(file);
    // Missing files, folders and unreadable files are "not there"; FIFOs, devices and huge files are there but unread.
    const text = readSourceFile(fromAnalysisPath(file));
    this.cache.set(file, text);
    return text;
  }
}

/** An absolute, '/'-separated path as the analysis expects, from a path relative to `cwd`. */
export function toAnalysisPath(cwd: string, file: string): string {
  return path.resolve(cwd, file).split(path.sep).join('/');
}

/** The analysis path back in the platform's own form. */
export function fromAnalysisPath(file: string): string {
  return path.sep === '/' ? file : file.split('/').join(path.sep);
}

/** How to show a file to the user: relative to `cwd` when it lies inside it, else absolute. */
export function displayPath(cwd: string, absolute: string): string {
  const relative = path.relative(cwd, fromAnalysisPath(absolute));
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  return (inside ? relative : fromAnalysisPath(absolute)).split(path.sep).join('/');
}

/** Reads the file the user named, telling "missing" apart from other I/O failures; only a regular file of a size the analysis reads. */
export function readUserFile(absolute: string): { ok: true; text: string } | { ok: false; message: string } {
  const file = fromAnalysisPath(absolute);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, message: code === 'ENOENT' ? 'no such file' : (e as Error).message };
  }
  if (stat.isDirectory()) return { ok: false, message: 'is a folder' };
  const text = readSourceFile(file);
  if (text === undefined) return { ok: false, message: 'cannot be read' };
  if (typeof text !== 'string') return { ok: false, message: text.unread };
  return { ok: true, text };
}
