// The real VS Codes the editor suites run in (scripts/vscode-test/versions.json), and which one
// this run uses: `--vscode <name>`, else CONV_LENS_VSCODE, else the table's default.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flagValue } from './args.mjs';
import { cacheRoot, repoRoot } from './paths.mjs';

const table = JSON.parse(readFileSync(join(repoRoot, 'scripts/vscode-test/versions.json'), 'utf8'));

/** Every version's name, in the order the full run takes them (oldest first). */
export const versionNames = table.order;

/** Where a version's code-server is installed and which Node runs it. */
export function codeServerInstall(name) {
  const entry = table.versions[name];
  if (!entry) throw new Error(`no VS Code "${name}" in scripts/vscode-test/versions.json (known: ${versionNames.join(', ')})`);
  const prefix = name === table.default && process.env.CONV_LENS_CODE_SERVER_DIR
    ? process.env.CONV_LENS_CODE_SERVER_DIR
    : join(cacheRoot, `code-server-${entry.codeServer}`);
  const nodePath = entry.node === 'system' ? process.execPath : join(cacheRoot, `node-${entry.node}`, 'node_modules/.bin/node');
  const packageDir = join(prefix, 'node_modules/code-server');
  return {
    name,
    codeServerVersion: entry.codeServer,
    prefix,
    nodePath,
    entry: join(packageDir, 'out/node/entry.js'),
    productJson: join(packageDir, 'lib/vscode/product.json'),
    marker: join(prefix, `.provisioned-${entry.codeServer}`),
    /** The suites the full run takes here, and why any other is left out. */
    suites: entry.suites,
    /** How the API suite reaches the extension host: "payload" (the URL, the default) or "installed" (runner-extension/). */
    apiTestsVia: entry.apiTestsVia ?? 'payload',
    gaps: entry.gaps,
  };
}

export const selectedVersionName = flagValue('--vscode') ?? process.env.CONV_LENS_VSCODE ?? table.default;

/** The code-server this run starts. */
export const selectedInstall = codeServerInstall(selectedVersionName);

/**
 * A folder name for this run's logs or screenshots: `base` for the default version (the paths
 * the README names), `base-<name>` for the others, so the runs of a full test do not overwrite
 * one another's.
 */
export function perVersion(base) {
  return selectedVersionName === table.default ? base : `${base}-${selectedVersionName}`;
}

/** True when scripts/ci/provision.sh has finished installing this version. */
export function isInstalled(install) {
  return existsSync(install.marker) && existsSync(install.entry) && existsSync(install.nodePath);
}

/**
 * The VS Code version the installed code-server really ships (its product.json), and the Node
 * that runs its extension host, for the run's output.
 */
export function describeInstall(install) {
  return `VS Code ${vscodeVersionOf(install)} (code-server ${install.codeServerVersion}, Node ${nodeVersionOf(install.nodePath)})`;
}

/** The VS Code version an installed code-server ships, from its product.json. */
export function vscodeVersionOf(install) {
  return JSON.parse(readFileSync(install.productJson, 'utf8')).version;
}

function nodeVersionOf(nodePath) {
  if (nodePath === process.execPath) return process.versions.node;
  return spawnSync(nodePath, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');
}
