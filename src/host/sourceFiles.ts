import * as fs from 'node:fs';
import { MAX_SOURCE_CHARS, tooLargeReason } from '../analysis/evaluate/budget';
import type { UnreadFile } from '../analysis/types';

/**
 * Reads a Python file for the analysis, as the CLI and the desktop extension both do: only a
 * regular file (a symbolic link is followed and its target judged), and only up to the size the
 * analysis reads. The file is opened without blocking and judged by the descriptor it gave, so a
 * FIFO or a device such as /dev/zero is never read (nor waited for), and a file swapped for one
 * of them between a check and the read cannot slip through. A folder is "not there".
 */
export function readSourceFile(file: string, maxBytes = MAX_SOURCE_CHARS): string | undefined | UnreadFile {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) return undefined;
    if (!stat.isFile()) return { unread: `not a regular file (${kindOf(stat)})` };
    if (stat.size > maxBytes) return { unread: tooLargeReason(stat.size, 'bytes') };
    const bytes = Buffer.alloc(stat.size + 1);
    let length = 0;
    // Reads to the end, but never past the cap, in case the file grew since fstat.
    for (let n = -1; n !== 0 && length < bytes.length; length += n) n = fs.readSync(fd, bytes, length, bytes.length - length, null);
    if (length > maxBytes) return { unread: tooLargeReason(length, 'bytes') };
    return bytes.toString('utf8', 0, length);
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}
