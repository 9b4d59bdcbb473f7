/**
 * The sandbox run in headless Chromium, on the comparison page served with the extension's own
 * HTML and CSP (host/server.ts): the worker starts from a blob: URL under that CSP, loads the
 * WebAssembly kernel the page fetched, times every column and runs the equivalence checks.
 * Needs `npm run build` first (`npm run test:browser` does it). Timings are printed, not asserted.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Page } from 'playwright-core';
import { Session, launch } from './browser';
import { TestServer, startTestServer } from './host/server';

const SHOTS = join(__dirname, '..', '..', 'test-results', 'webview');

interface PageWindow {
  __cspViolations: string[];
  __hostSend(message: unknown): void;
}

describe('sandbox run (headless Chromium, the panel\'s CSP)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let session: Session;
  let page: Page;
  let consoleErrors: string[];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    session = await launch();
  });

  after(async () => {
    await session?.close();
    await server?.close();
  });

  beforeEach(async () => {
    page = await session.browser.newPage();
    consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });

  afterEach(async () => {
    await page.close();
  });

  async function open(layer: string, input: string): Promise<void> {
    await page.goto(`${server.origin}/?${new URLSearchParams({ layer, input }).toString()}`);
    await page.waitForSelector('#sandbox[data-state="idle"]');
  }

  const state = (): Promise<string | undefined> => page.evaluate(() => document.getElementById('sandbox')?.dataset.state);
  const row = (label: string): Promise<string[]> => page.locator(`#sandbox-table tbody tr[data-row="${label}"] td`).allInnerTexts();
  const cspViolations = (): Promise<string[]> => page.evaluate(() => (window as unknown as PageWindow).__cspViolations);

  it('runs every column of nn.Conv2d(64, 64, 3, padding=1, groups=8) on 1x64x56x56 in a worker, with every check passing', async () => {
    await open('nn.Conv2d(64, 64, 3, padding=1, groups=8)', '1,64,56,56');
    await page.click('#sandbox-run');
    await page.waitForSelector('#sandbox[data-state="done"], #sandbox[data-state="failed"]', { timeout: 100_000 });
    assert.equal(await state(), 'done', await page.locator('#sandbox-status').innerText());
    const headers = await page.locator('#sandbox-table thead th').allInnerTexts();
    assert.deepEqual(headers.slice(1), ['This layer', 'Dense', 'groups=2', 'groups=4', 'Depthwise', 'Depthwise-separable']);
    const produced = await row('Output shape (run)');
    assert.deepEqual(produced, await row('Output shape (predicted)'));
    assert.ok(produced.every((s) => s === '1x64x56x56'), produced.join(' '));
    assert.deepEqual(await row('Counted MAC ratio vs dense'), ['8x', '—', '2x', '4x', '64x', '7.89x']);
    const checks = await page.locator('#sandbox-checks li').evaluateAll((items) => items.map((li) => [(li as HTMLElement).dataset.check, (li as HTMLElement).dataset.passed]));
    assert.deepEqual(checks, [['reference', 'true'], ['slices', 'true'], ['block-diagonal', 'true'], ['separable', 'true']]);
    // Chromium validates relaxed SIMD, so the page's feature detection picks that build.
    assert.match(await page.locator('#sandbox-flavour').innerText(), /^Ran on 1x64x56x56 with relaxed SIMD/);
    assert.equal(await page.locator('#sandbox-progress').evaluate((p) => (p as HTMLProgressElement).value === (p as HTMLProgressElement).max), true);
    assert.deepEqual(await cspViolations(), []);
    assert.deepEqual(consoleErrors, []);
    const table = [headers.slice(1), await row('Median time'), await row('Achieved GFLOP/s'), await row('Measured speedup vs dense'), await row('Counted MAC ratio vs dense')];
    console.log(`      measured in headless Chromium:\n${table.map((r) => `        ${r.map((c) => c.padStart(20)).join('')}`).join('\n')}`);
    await page.screenshot({ path: join(SHOTS, 'sandbox-done.png'), fullPage: true });
  });

  // The strided and dilated depthwise strip loops, with relaxed SIMD in the worker, on odd sizes.
  for (const [layer, input, output] of [
    ['nn.Conv2d(40, 40, 3, stride=2, padding=1, groups=40)', '1,40,29,31', '1x40x15x16'],
    ['nn.Conv2d(24, 24, 5, stride=2, padding=2, groups=24)', '2,24,27,27', '2x24x14x14'],
    ['nn.Conv2d(36, 36, 3, padding=2, dilation=2, groups=36)', '1,36,23,30', '1x36x23x30'],
  ]) {
    it(`runs ${layer} on ${input} in the worker, equal to the reference kernel`, async () => {
      await open(layer, input);
      await page.click('#sandbox-run');
      await page.waitForSelector('#sandbox[data-state="done"], #sandbox[data-state="failed"]', { timeout: 100_000 });
      assert.equal(await state(), 'done', await page.locator('#sandbox-status').innerText());
      assert.equal((await row('Output shape (run)'))[0], output);
      const checks = await page.locator('#sandbox-checks li').evaluateAll((items) => items.map((li) => [(li as HTMLElement).dataset.check, (li as HTMLElement).dataset.passed]));
      assert.deepEqual(checks.find(([check]) => check === 'reference'), ['reference', 'true']);
      assert.match(await page.locator('#sandbox-flavour').innerText(), /with relaxed SIMD/);
      assert.deepEqual(consoleErrors, []);
    });
  }

  it('cancels a long run by terminating the worker while the page stays responsive, and runs again afterwards', async () => {
    // Dense alone is 7.4 GMACs a run here: the whole run would take many seconds.
    await open('nn.Conv2d(256, 256, 3, padding=1)', '1,256,112,112');
    await page.click('#sandbox-run');
    await page.waitForFunction(() => document.getElementById('sandbox-status')?.textContent?.startsWith('Timing'));
    // The page keeps working while the worker computes: a new element type re-renders the table
    // (without changing the layer, so the run goes on).
    const weights = (): Promise<string> => page.locator('#comparison tr[data-row="Weight memory"] td').first().innerText();
    const fp32 = await weights();
    await page.locator('#control-dtype').selectOption('fp16');
    await page.waitForFunction((before) => document.querySelector('#comparison tr[data-row="Weight memory"] td')?.textContent !== before, fp32);
    assert.equal(await state(), 'running');
    await page.click('#sandbox-cancel');
    await page.waitForSelector('#sandbox[data-state="cancelled"]', { timeout: 5000 });
    assert.equal(await page.locator('#sandbox-table').count(), 0);
    await open('nn.Conv2d(16, 16, 3, padding=1, groups=4)', '1,16,16,16');
    await page.click('#sandbox-run');
    await page.waitForSelector('#sandbox[data-state="done"]', { timeout: 60_000 });
    assert.deepEqual(consoleErrors, []);
  });

  it('refuses a run over the memory budget before allocating, and runs the smaller input it offers', async () => {
    await open('nn.Conv2d(64, 64, 3, padding=1, groups=8)', '1,64,512,512');
    await page.evaluate(() => (window as unknown as PageWindow).__hostSend({ type: 'sandboxSettings', memoryBudgetMB: 16 }));
    await page.click('#sandbox-run');
    await page.waitForSelector('#sandbox[data-state="refused"]', { timeout: 30_000 });
    const message = await page.locator('#sandbox-status').innerText();
    assert.match(message, /over the sandbox's budget of 16 MiB \(setting convLens\.sandbox\.memoryBudgetMB\)\. An input of 1x64x(\d+)x\1 fits\./);
    assert.equal(await page.locator('#sandbox-table').count(), 0);
    const offer = await page.locator('#sandbox-run-smaller').innerText();
    await page.click('#sandbox-run-smaller');
    await page.waitForSelector('#sandbox[data-state="done"]', { timeout: 60_000 });
    assert.equal(offer, `Run on ${(await page.locator('#sandbox-flavour').innerText()).match(/Ran on (\S+)/)![1]} instead`);
    await page.screenshot({ path: join(SHOTS, 'sandbox-refused-then-smaller.png'), fullPage: true });
  });

  it('offers to leave out the columns too large for the budget when no smaller input helps', async () => {
    // 512 depthwise channels: the dense column's 512 x 512 x 9 weights (twice) are over 16 MiB at any input size.
    await open('nn.Conv2d(512, 512, 3, padding=1, groups=512)', '1,512,2,2');
    await page.evaluate(() => (window as unknown as PageWindow).__hostSend({ type: 'sandboxSettings', memoryBudgetMB: 16 }));
    await page.click('#sandbox-run');
    await page.waitForSelector('#sandbox[data-state="refused"]', { timeout: 30_000 });
    assert.match(await page.locator('#sandbox-status').innerText(), /No smaller input fits, mostly for weights: Dense needs [\d.]+ MiB.*; the other columns fit without/);
    assert.match(await page.locator('#sandbox-run-without').innerText(), /^Run without Dense/);
    await page.click('#sandbox-run-without');
    await page.waitForSelector('#sandbox[data-state="done"], #sandbox[data-state="refused"], #sandbox[data-state="failed"]', { timeout: 60_000 });
    assert.equal(await state(), 'done', await page.locator('#sandbox-status').innerText());
    const headers = await page.locator('#sandbox-table thead th[data-variant]').allInnerTexts();
    assert.ok(!headers.includes('Dense') && headers.includes('This layer'), headers.join(', '));
    assert.deepEqual(await row('Measured speedup vs dense'), headers.map(() => '—'));
  });

  it('ignores malformed sandbox settings without touching the page\'s own message count', async () => {
    await open('nn.Conv2d(8, 8, 3)', '1,8,8,8');
    await page.evaluate(() => (window as unknown as PageWindow).__hostSend({ type: 'sandboxSettings', memoryBudgetMB: -5 }));
    await page.waitForTimeout(100);
    assert.equal(await page.evaluate(() => document.body.dataset.rejected), undefined);
    await page.click('#sandbox-run');
    await page.waitForSelector('#sandbox[data-state="done"]', { timeout: 60_000 });
  });

  // The same page with one directive of its CSP weakened, to show the run depends on each.
  for (const [name, from, to, expected] of [
    ['worker-src without blob:', / blob:/, '', /The run failed: the worker failed to start \(blocked by the page's Content Security Policy\?\)/],
    ['script-src without \'wasm-unsafe-eval\'', / 'wasm-unsafe-eval'/, '', /The run failed: The sandbox could not start: .*WebAssembly/],
  ] as const) {
    it(`fails with a message, not a hang, under a CSP with ${name}`, async () => {
      await page.route((url) => url.pathname === '/', async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, body: (await response.text()).replace(from, to) });
      });
      await open('nn.Conv2d(8, 8, 3)', '1,8,8,8');
      await page.click('#sandbox-run');
      await page.waitForSelector('#sandbox[data-state="failed"]', { timeout: 30_000 });
      assert.match(await page.locator('#sandbox-status').innerText(), expected);
      assert.equal(await page.locator('#sandbox-run').isDisabled(), false);
    });
  }

  it('runs a grouped transposed conv with its checks', async () => {
    await open('nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1, groups=4)', '1,16,10,10');
    await page.click('#sandbox-run');
    await page.waitForSelector('#sandbox[data-state="done"], #sandbox[data-state="failed"]', { timeout: 60_000 });
    assert.equal(await state(), 'done', await page.locator('#sandbox-status').innerText());
    assert.ok((await row('Output shape (run)')).every((shape) => shape === '1x8x20x20'));
    const checks = await page.locator('#sandbox-checks li').evaluateAll((items) => items.map((li) => [(li as HTMLElement).dataset.check, (li as HTMLElement).dataset.passed]));
    assert.deepEqual(checks, [['reference', 'true'], ['slices', 'true'], ['block-diagonal', 'true']]);
  });

  it('says why a layer with reflect padding cannot run', async () => {
    await page.goto(`${server.origin}/?${new URLSearchParams({ layer: "nn.Conv2d(8, 8, 3, padding=1, padding_mode='reflect')", input: '1,8,8,8' }).toString()}`);
    await page.waitForSelector('#sandbox[data-state="unavailable"]');
    assert.match(await page.locator('#sandbox-status').innerText(), /padding_mode='reflect' cannot be run/);
    assert.equal(await page.locator('#sandbox-run').isDisabled(), true);
  });
});
