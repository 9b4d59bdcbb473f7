// Debian's Chromium, headless, driven by playwright-core. Never `npx playwright install`: it
// downloads a browser, which fails offline.
import { chromium } from 'playwright-core';
import { chromiumPath } from './paths.mjs';
import { killProcessGroup, trackProcessGroup } from './cleanup.mjs';

const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const viewport = { width: 1400, height: 900 };

/**
 * Launches Chromium as a Playwright browser server (which knows the browser's process id, so the
 * run can always kill it) with a new empty profile, and connects to it.
 */
export async function launchBrowser() {
  const server = await chromium.launchServer({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
  const pid = server.process().pid;
  const untrack = trackProcessGroup(pid);
  const browser = await chromium.connect(server.wsEndpoint());
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const close = async () => {
    await Promise.race([browser.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5_000))]);
    await Promise.race([server.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5_000))]);
    await server.kill().catch(() => undefined);
    killProcessGroup(pid, 'SIGKILL');
    untrack();
  };
  return { page, pid, close };
}
