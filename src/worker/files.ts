import type { SourceHost, UnreadFile } from '../analysis/types';
import { placeKey } from '../protocol/analysis';

/** Reads a file of the local disk by its '/'-separated path; undefined when it is not there, or why it was not read. */
export type DiskReader = (path: string) => string | undefined | UnreadFile;

/** The root of local files, which a worker with a DiskReader reads itself. */
export const FILE_ROOT = 'file://';

/**
 * What the analysis reads for imports, inside the worker: the text of an open document wins (so
 * unsaved edits count); then files read before; then the local disk when the worker can read it
 * (the desktop). Anything else is asked of the host (`ask`), which reads it through
 * vscode.workspace.fs and sends it back; the analysis meanwhile sees the file as missing, and the
 * host analyzes again once it has arrived. Every file a run looks at is recorded, so the host
 * knows which analyses an edit or a new file makes stale.
 */
export class WorkerFiles {
  private readonly cache = new Map<string, string | UnreadFile | null>();
  private readonly asked = new Set<string>();
  /** When each file last changed, in `epoch` ticks; files never seen changed at tick 0. */
  private readonly changedAt = new Map<string, number>();
  private everythingChangedAt = 0;
  private epoch = 0;

  constructor(
    private readonly openText: (key: string) => string | null | undefined,
    private readonly readDisk: DiskReader | undefined,
    private readonly ask: (root: string, path: string) => void,
  ) {}

  /**
   * A SourceHost for documents under `root` that adds every key it looks at to `reads`. A path
   * that `allows` refuses (Restricted Mode, importPolicy.ts) is missing: neither read, nor asked
   * of the host, nor taken from an open document.
   */
  hostFor(root: string, reads: () => Set<string>, allows: (path: string) => boolean = () => true): SourceHost {
    return { readFile: (path) => (allows(path) ? this.read(root, path, reads()) : undefined) };
  }

  private read(root: string, path: string, reads: Set<string>): string | undefined | UnreadFile {
    const key = placeKey(root, path);
    reads.add(key);
    const open = this.openText(key);
    if (typeof open === 'string') return open;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    if (this.readDisk && root === FILE_ROOT) {
      const text = this.readDisk(path);
      this.cache.set(key, text ?? null);
      return text;
    }
    if (!this.asked.has(key)) {
      this.asked.add(key);
      this.ask(root, path);
    }
    return undefined;
  }

  /** The host's answer to `ask`. */
  receive(root: string, path: string, text: string | null): void {
    const key = placeKey(root, path);
    this.asked.delete(key);
    this.cache.set(key, text);
    this.changed(key);
  }

  /** A file changed on disk (or, with key null, any may have). */
  forget(key: string | null): void {
    if (key === null) {
      this.cache.clear();
      this.asked.clear();
      this.everythingChangedAt = ++this.epoch;
      return;
    }
    this.cache.delete(key);
    this.asked.delete(key);
    this.changed(key);
  }

  /** An open document's text changed, opened or closed. */
  changed(key: string): void {
    this.changedAt.set(key, ++this.epoch);
  }

  /** The current tick, to compare with `changedSince` later. */
  now(): number {
    return this.epoch;
  }

  /** Whether any of these files changed after tick `since`. */
  changedSince(keys: Iterable<string>, since: number): boolean {
    if (this.everythingChangedAt > since) return true;
    for (const key of keys) if ((this.changedAt.get(key) ?? 0) > since) return true;
    return false;
  }
}
