import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The folders where Python keeps installed packages, found without running Python: PYTHONPATH,
 * the active virtualenv or conda environment, the user's site-packages and the system ones. Only
 * folders that hold torchvision or timm are kept, since those are the libraries read from them.
 */
export function pythonLibraryFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const candidates: string[] = [];
  for (const entry of (env.PYTHONPATH ?? '').split(path.delimiter)) if (entry) candidates.push(entry);
  for (const prefix of [env.VIRTUAL_ENV, env.CONDA_PREFIX]) {
    if (prefix) candidates.push(...versionedSitePackages(path.join(prefix, 'lib')), path.join(prefix, 'Lib', 'site-packages'));
  }
  candidates.push(...versionedSitePackages(path.join(os.homedir(), '.local', 'lib')));
  candidates.push(...versionedSitePackages('/usr/local/lib'), ...versionedSitePackages('/usr/lib'), '/usr/lib/python3/dist-packages');
  const seen = new Set<string>();
  const out: string[] = [];
  for (const folder of candidates) {
    const absolute = path.resolve(folder);
    if (seen.has(absolute) || !holdsModelLibrary(absolute)) continue;
    seen.add(absolute);
    out.push(absolute);
  }
  return out;
}

/** lib/python3.X/site-packages and lib/python3.X/dist-packages under a prefix's lib folder. */
function versionedSitePackages(lib: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(lib).filter((n) => /^python3(\.\d+)?$/.test(n));
  } catch {
    return [];
  }
  return names.flatMap((n) => [path.join(lib, n, 'site-packages'), path.join(lib, n, 'dist-packages')]);
}

function holdsModelLibrary(folder: string): boolean {
  return ['torchvision', 'timm'].some((lib) => fs.existsSync(path.join(folder, lib, '__init__.py')));
}
