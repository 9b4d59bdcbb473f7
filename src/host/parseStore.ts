import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ParseStore } from '../analysis/types';

/**
 * Parses kept on disk across processes (the CLI's runs, the editor's worker restarts): a new
 * process that imports timm would otherwise parse its two hundred files before the first result.
 *
 * One file per parsed text, named by a hash of the text and of the code that parsed it (the
 * `fingerprint`: a hash of the bundle itself, so a new version never reads an older one's
 * buffers). A file holds a header of six 32-bit words, [MAGIC, FORMAT, text length, node words,
 * checksum of the node words, 0], then the node words. It is written to a temporary name and
 * renamed, so a reader sees a whole file or none; one whose header, size or checksum disagrees
 * (a crash mid-write on a file system without atomic rename, a disk error) is a miss. Past
 * MAX_BYTES in all, the oldest files go.
 */
const MAGIC = 0x434c5031; // "CLP1"
const FORMAT = 1;
const HEADER_WORDS = 6;
const MAX_BYTES = 256 * 1024 * 1024;

export class DiskParseStore implements ParseStore {
  private ready: boolean | null = null;
  private pruned = false;

  constructor(private readonly folder: string, private readonly fingerprint: string, private readonly maxBytes = MAX_BYTES) {}

  load(text: string): Int32Array | undefined {
    let fd: number;
    try {
      fd = fs.openSync(this.fileFor(text), 'r');
    } catch {
      return undefined;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size % 4 !== 0 || size < HEADER_WORDS * 4) return undefined;
      const words = new Int32Array(size / 4);
      const bytes = new Uint8Array(words.buffer);
      let read = 0;
      for (let n = -1; n !== 0 && read < size; read += n) n = fs.readSync(fd, bytes, read, size - read, null);
      if (read !== size) return undefined;
      const nodes = words.subarray(HEADER_WORDS);
      const [magic, format, length, count, sum] = words;
      if (magic !== MAGIC || format !== FORMAT || length !== text.length || count !== nodes.length || sum !== checksum(nodes)) return undefined;
      return nodes;
    } catch {
      return undefined;
    } finally {
      fs.closeSync(fd);
    }
  }

  save(text: string, nodes: Int32Array): void {
    if (!this.ensureFolder()) return;
    const file = this.fileFor(text);
    const header = Int32Array.of(MAGIC, FORMAT, text.length, nodes.length, checksum(nodes), 0);
    const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    try {
      const fd = fs.openSync(temporary, 'wx');
      try {
        writeAll(fd, new Uint8Array(header.buffer));
        writeAll(fd, new Uint8Array(nodes.buffer, nodes.byteOffset, nodes.byteLength));
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temporary, file);
    } catch {
      try {
        fs.unlinkSync(temporary);
      } catch {
        // Never made, or already gone.
      }
    }
    this.pruneOnce();
  }

  private fileFor(text: string): string {
    const hash = crypto.createHash('sha256').update(this.fingerprint).update('\0').update(text).digest('hex');
    return path.join(this.folder, `${hash.slice(0, 40)}.parse`);
  }

  private ensureFolder(): boolean {
    if (this.ready === null) {
      try {
        fs.mkdirSync(this.folder, { recursive: true });
        this.ready = true;
      } catch {
        this.ready = false;
      }
    }
    return this.ready;
  }

  /** Once per process, at its first save: the oldest files go while the folder holds more than maxBytes. */
  private pruneOnce(): void {
    if (this.pruned) return;
    this.pruned = true;
    try {
      const entries = fs.readdirSync(this.folder)
        .filter((name) => name.endsWith('.parse'))
        .map((name) => {
          const stat = fs.statSync(path.join(this.folder, name));
          return { name, size: stat.size, time: stat.mtimeMs };
        })
        .sort((a, b) => a.time - b.time);
      let total = entries.reduce((sum, e) => sum + e.size, 0);
      for (const entry of entries) {
        if (total <= this.maxBytes) break;
        fs.unlinkSync(path.join(this.folder, entry.name));
        total -= entry.size;
      }
    } catch {
      // Another process pruning at the same time, or a folder we cannot list: the next one prunes.
    }
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

/** A 32-bit checksum of every word (FNV-1a over words): a changed or truncated word shows. */
function checksum(words: Int32Array): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return h;
}

/**
 * A fingerprint of the code that parses: a hash of the file that holds it (the bundle, as
 * shipped), or of nothing when it cannot be read, so that no stored parse is ever read by
 * another version of the parser.
 */
export function codeFingerprint(file: string): string | null {
  try {
    return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

/**
 * The folder the CLI keeps its cache in: $CONV_LENS_CACHE (a folder, or "off" for none), else
 * the platform's cache folder (XDG_CACHE_HOME or ~/.cache, ~/Library/Caches, %LOCALAPPDATA%).
 */
export function cliCacheFolder(env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = env.CONV_LENS_CACHE;
  if (chosen === 'off') return null;
  if (chosen) return path.resolve(chosen);
  const home = os.homedir();
  const base = env.XDG_CACHE_HOME
    || (process.platform === 'darwin' ? path.join(home, 'Library', 'Caches')
      : process.platform === 'win32' ? env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local')
      : path.join(home, '.cache'));
  return path.join(base, 'conv-lens');
}

/** The parse store in `folder`'s parses subfolder, for the code in `codeFile`; null when either is missing. */
export function diskParseStore(folder: string | null, codeFile: string): DiskParseStore | null {
  const fingerprint = folder === null ? null : codeFingerprint(codeFile);
  return folder === null || fingerprint === null ? null : new DiskParseStore(path.join(folder, 'parses'), fingerprint);
}
