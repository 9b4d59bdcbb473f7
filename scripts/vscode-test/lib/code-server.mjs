// Starts and stops code-server (a real VS Code with a Node extension host) for one run.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { selectedInstall } from './versions.mjs';
import { killProcessGroup, trackProcessGroup } from './cleanup.mjs';

function freeLoopbackPort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function commonArgs(dirs) {
  return ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
}

/** Installs a .vsix into the run's extensions folder, as a person would with `code --install-extension`. */
export function installExtension(dirs, env, vsixPath) {
  const result = spawnSync(selectedInstall.nodePath, [selectedInstall.entry, ...commonArgs(dirs), '--install-extension', vsixPath, '--force'], {
    env, encoding: 'utf8', timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`code-server --install-extension ${vsixPath} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
}

async function waitHealthy(url, child, exited, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited.code !== undefined) throw new Error(`code-server exited early with ${exited.code}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s`);
}

async function startOnce(dirs, env, logPath) {
  const port = await freeLoopbackPort();
  const log = openSync(logPath, 'a');
  const args = [
    selectedInstall.entry, '--config', dirs.config, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    ...commonArgs(dirs),
  ];
  // detached: code-server leads its own process group, so stopping it also stops the extension
  // host, pty host and file watcher it forks.
  const child = spawn(selectedInstall.nodePath, args, { env, detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  const untrack = trackProcessGroup(child.pid);
  const exited = {};
  child.once('exit', (code, signal) => { exited.code = code ?? signal; });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopCodeServer(child, exited, untrack);
  try {
    await waitHealthy(url, child, exited, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, pid: child.pid, stop };
}

async function stopCodeServer(child, exited, untrack) {
  if (exited.code === undefined) {
    const gone = new Promise((r) => child.once('exit', r));
    killProcessGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => killProcessGroup(child.pid, 'SIGKILL'), 3_000);
    await gone;
    clearTimeout(timer);
  }
  // Children that outlived their parent are still in the group.
  killProcessGroup(child.pid, 'SIGKILL');
  untrack();
}

/**
 * Starts code-server on a free loopback port and waits until it is healthy. Another process can
 * take the port between picking and binding it, so a failed start is retried on a new port.
 */
export async function startCodeServer(dirs, env, logPath) {
  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await startOnce(dirs, env, logPath);
    } catch (error) {
      lastError = error;
      console.error(`[harness] code-server start attempt ${attempt} failed: ${error.message}`);
    }
  }
  throw lastError;
}
