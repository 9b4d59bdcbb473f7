// The desktop analysis worker (a worker_threads Worker started by the extension host): it reads
// local files and finds installed torchvision and timm itself, so imports cost the host nothing.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { pythonLibraryFolders } from '../host/pythonLibraries';
import { DiskParseStore, diskParseStore } from '../host/parseStore';
import { readSourceFile } from '../host/sourceFiles';
import { AnalysisService } from './service';

const port = parentPort;
if (!port) throw new Error('the analysis worker must be started as a worker thread');

const service = new AnalysisService({
  post: (message) => port.postMessage(message),
  now: () => performance.now(),
  readDisk,
  parses: parseStore(),
  libraryRoots: () => pythonLibraryFolders().map(uriPath),
  warn: (text) => console.warn(text),
});
port.on('message', (data: unknown) => service.handle(data));

/** The parse cache in the folder the extension gave (its global storage), if it gave one. */
function parseStore(): DiskParseStore | undefined {
  const folder: unknown = (workerData as { parseCache?: unknown } | null | undefined)?.parseCache;
  return (typeof folder === 'string' && folder !== '' ? diskParseStore(folder, __filename) : null) ?? undefined;
}

/** Only regular files, up to the size the analysis reads: a FIFO or a link to /dev/zero is never read. */
function readDisk(path: string): ReturnType<typeof readSourceFile> {
  return readSourceFile(fsPath(path));
}

/** A URI path ('/c:/x/y.py' on Windows, '/x/y.py' elsewhere) as the disk path it names. */
function fsPath(path: string): string {
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

/** A disk path as a URI path, the form the analysis compares paths in. */
function uriPath(folder: string): string {
  const slashed = folder.replace(/\\/g, '/');
  return slashed.startsWith('/') ? slashed : `/${slashed}`;
}
