// Makes sure every process a run starts is stopped, whatever way the run ends: normal end,
// test failure, thrown error, overall timeout, Ctrl+C or SIGTERM from CI.
const actions = [];
const processGroups = new Set();

/** Registers an async clean-up step; steps run in reverse order of registration. */
export function onCleanup(action) {
  actions.push(action);
}

/**
 * Remembers a process group (a child spawned with `detached: true` leads its own group) so it
 * is killed with SIGKILL even when the run exits before the async clean-up could run.
 */
export function trackProcessGroup(pid) {
  processGroups.add(pid);
  return () => processGroups.delete(pid);
}

export function killProcessGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

let cleaning;
export function runCleanups() {
  cleaning ??= (async () => {
    while (actions.length > 0) {
      const action = actions.pop();
      try {
        await action();
      } catch (error) {
        console.error(`[harness] clean-up step failed: ${error?.message ?? error}`);
      }
    }
    for (const pid of processGroups) killProcessGroup(pid, 'SIGKILL');
    processGroups.clear();
  })();
  return cleaning;
}

/** Cleans up, then exits with `code`. */
export async function finish(code) {
  await runCleanups();
  process.exit(code);
}

process.on('exit', () => {
  for (const pid of processGroups) killProcessGroup(pid, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`[harness] received ${signal}: stopping code-server and Chromium`);
    void finish(130);
  });
}

/**
 * Ends the run with a clear message when it takes longer than `ms`. `beforeExit` runs first
 * (e.g. a screenshot of the stuck page) but is itself given at most 10 s.
 */
export function startDeadline(ms, label, beforeExit) {
  const timer = setTimeout(async () => {
    console.error(`\n[harness] ${label}: TIMED OUT after ${Math.round(ms / 1000)} s; stopping code-server and Chromium.`);
    console.error('[harness] Set CONV_LENS_VSCODE_TIMEOUT_MS to allow longer runs.');
    if (beforeExit) {
      await Promise.race([beforeExit().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
    }
    await finish(1);
  }, ms);
  return () => clearTimeout(timer);
}

export function deadlineMs(defaultMs) {
  const fromEnv = Number(process.env.CONV_LENS_VSCODE_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : defaultMs;
}
