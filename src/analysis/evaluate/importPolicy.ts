/**
 * Which files the analysis may read to resolve imports, by workspace trust. Pure (no vscode), so
 * it is tested on its own. The host builds the search roots with it (Analyses.settings in
 * src/extension/documents.ts) and sends the readable folders with each run; the analysis worker
 * (src/worker/files.ts) checks every import it reads against them, and so does the host when
 * the web worker asks it for a file.
 *
 * - Trusted workspace: the configured search roots as given (absolute, or relative to the first
 *   workspace folder), and any file the import search reaches.
 * - Restricted Mode: only files inside a workspace folder or inside a recognised Python library
 *   folder (site-packages holding torchvision or timm, found by src/host/pythonLibraries.ts).
 *   A search root outside the workspace (an absolute path elsewhere, or one whose `..` climbs out)
 *   is refused, and so is any path that leaves those folders. VS Code itself ignores workspace
 *   values of `convLens.importSearchRoots` in Restricted Mode (package.json declares it a
 *   restricted configuration); a user-level value is still held to the workspace.
 */

export interface ImportPolicyInput {
  trusted: boolean;
  /** Absolute, '/'-separated paths of the workspace folders. */
  workspaceFolders: readonly string[];
  /** `convLens.importSearchRoots` as written in the settings. */
  configuredRoots: readonly string[];
  /** Absolute, '/'-separated paths of recognised Python library folders. */
  libraryFolders: readonly string[];
}

export interface ImportPolicy {
  /** The folders imports may be read from; null when anything may be (a trusted workspace). */
  readable: string[] | null;
  /** Folders searched for absolute imports: the allowed configured roots, then the workspace folders. */
  searchRoots: string[];
  /** Configured roots left out, each with the reason (for the log). */
  refused: Array<{ root: string; reason: string }>;
  /** Whether the analysis may read the file at this absolute path. */
  allows(path: string): boolean;
}

export function importPolicy(input: ImportPolicyInput): ImportPolicy {
  const folders = input.workspaceFolders.map(normalizePath).filter((f): f is string => f !== null);
  const libraries = input.libraryFolders.map(normalizePath).filter((f): f is string => f !== null);
  const roots: string[] = [];
  const refused: ImportPolicy['refused'] = [];
  for (const root of input.configuredRoots) {
    const absolute = root.startsWith('/') ? root : folders[0] ? `${folders[0]}/${root}` : null;
    const resolved = absolute === null ? null : normalizePath(absolute);
    if (resolved === null) refused.push({ root, reason: absolute === null ? 'a relative folder needs a workspace folder' : 'it climbs above the file system root' });
    else if (!input.trusted && !folders.some((f) => isInside(resolved, f))) refused.push({ root, reason: 'Restricted Mode reads only inside the workspace folders' });
    else roots.push(resolved);
  }
  const readable = [...folders, ...libraries];
  return {
    searchRoots: [...roots, ...folders],
    refused,
    readable: input.trusted ? null : readable,
    allows: (path) => mayRead(input.trusted ? null : readable, path),
  };
}

/** Whether a path may be read, given the readable folders (null: a trusted workspace, anything). */
export function mayRead(readable: readonly string[] | null, path: string): boolean {
  if (readable === null) return true;
  const resolved = normalizePath(path);
  return resolved !== null && readable.some((folder) => {
    const normal = normalizePath(folder);
    return normal !== null && isInside(resolved, normal);
  });
}

/** An absolute '/'-separated path with `.`, `..` and repeated or trailing slashes resolved; null when relative or climbing above '/'. */
export function normalizePath(path: string): string | null {
  if (!path.startsWith('/')) return null;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** Whether a normalized path is the folder or lies under it. */
export function isInside(path: string, folder: string): boolean {
  return folder === '/' || path === folder || path.startsWith(`${folder}/`);
}
