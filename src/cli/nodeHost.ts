import * as fs from 'node:fs';
import * as path from 'node:path';
import { SourceHost } from '../analysis/types';

/**
 * The analysis reads project files through a SourceHost; on the command line that is the disk.
 * Texts are cached for the host's lifetime, since import resolution asks for the same files
 * (and the same missing candidates) many times within one run.
 */
export class NodeSourceHost implements SourceHost {
  private readonly cache = new Map<string, string | undefined>();

  readFile(file: string): string | undefined {
    if (this.cache.has(file)) return this.cache.get(file);
    const text = readTextFile(fromAnalysisPath(file));
    this.cache.set(file, text);
    return text;
  }
}

function readTextFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    // Missing files, folders and unreadable files are all "not there" to import resolution.
    return undefined;
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

/** Reads the file the user named, telling "missing" apart from other I/O failures. */
export function readUserFile(absolute: string): { ok: true; text: string } | { ok: false; message: string } {
  try {
    return { ok: true, text: fs.readFileSync(fromAnalysisPath(absolute), 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (e as Error).message;
    return { ok: false, message: reason };
  }
}
