/**
 * What-if values that would once freeze the page: 10^12 channels, a gcd with 6,720 divisors,
 * kernel_size=15000 (225 million taps) and the sandbox's refusal of it. Each must answer with
 * figures (or a refusal) on the real page; the time each took is printed, never asserted.
 */
import * as assert from 'node:assert/strict';
import { Page } from 'playwright-core';
import { Session, launch } from './browser';
import { TestServer, startTestServer } from './host/server';

describe('what-if bounded by arithmetic (headless Chromium)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let session: Session;
  let page: Page;
  let consoleErrors: string[];

  before(async () => {
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
    await page.waitForSelector('#comparison');
  }

  /**
   * Types the values into the what-if fields at once and returns the milliseconds, measured in
   * the page, until the page shows `expected` in the layer's repr with the figures redrawn. The
   * machine is shared: the fastest of five tries (back and forth from the values before) is the
   * figure least disturbed by other work.
   */
  function whatIf(values: Record<string, string>, expected: string): Promise<number> {
    return page.evaluate(async ({ values, expected }) => {
      const type = async (entries: Array<[string, string]>, shown: string): Promise<number> => {
        const started = performance.now();
        for (const [name, value] of entries) {
          const input = document.getElementById(`control-${name}`) as HTMLInputElement;
          input.value = value;
          input.dispatchEvent(new Event('input'));
        }
        await new Promise<void>((resolve) => {
          const check = (): void => (document.getElementById('repr')?.textContent?.includes(shown) ? resolve() : void requestAnimationFrame(check));
          check();
        });
        return performance.now() - started;
      };
      const before = Object.keys(values).map((name): [string, string] => [name, (document.getElementById(`control-${name}`) as HTMLInputElement).value]);
      const shownBefore = document.getElementById('repr')?.textContent ?? '';
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        times.push(await type(Object.entries(values), expected));
        if (i < 4) await type(before, shownBefore);
      }
      return Math.min(...times);
    }, { values, expected });
  }

  it('answers a what-if of 10^12 channels, and of a gcd with 6,720 divisors, showing only what it lists', async () => {
    await open('nn.Conv2d(64, 64, 3, padding=1)', '1,64,56,56');
    const tera = await whatIf({ in_channels: '1000000000000', out_channels: '1000000000000' }, 'Conv2d(1000000000000, 1000000000000');
    assert.match(await page.locator('#chart-groups-title').innerText(), /every valid groups value \(169\)/);
    assert.equal(await page.locator('#control-groups option').count(), 169);
    const composite = await whatIf({ in_channels: '963761198400', out_channels: '963761198400' }, 'Conv2d(963761198400, 963761198400');
    // Past 1,024 valid values the core lists only the ends and the values nearest groups.
    const listed = /at (\d+) of the 6\.72K valid groups values/.exec(await page.locator('#chart-groups-title').innerText());
    assert.ok(listed, 'the chart title counts the values it does not list');
    assert.equal((await page.locator('#chart-groups polyline').first().getAttribute('points'))?.split(' ').length, Number(listed[1]));
    assert.equal(await page.locator('#control-groups option').count(), Number(listed[1]));
    assert.equal(await page.inputValue('#control-groups'), '1');
    console.log(`      [measure] what-if 10^12 channels: ${tera.toFixed(1)} ms; 963,761,198,400 channels (6,720 valid groups): ${composite.toFixed(1)} ms`);
    assert.deepEqual(consoleErrors, []);
  });

  it('answers a what-if of kernel_size=15000, and the sandbox refuses to run it without allocating it', async () => {
    await open('nn.Conv2d(1, 1, 3)', '1,1,32,32');
    const kernel = await whatIf({ kernel_size: '15000', input: '15000' }, 'kernel_size=(15000, 15000)');
    assert.equal(await page.locator('#comparison tbody tr[data-row="Parameters"] td').first().getAttribute('title'), '225,000,001');
    await page.waitForSelector('#sandbox[data-state="idle"]');
    const refusal = await page.evaluate(async () => {
      const started = performance.now();
      (document.getElementById('sandbox-run') as HTMLButtonElement).click();
      await new Promise<void>((resolve) => {
        const check = (): void => (document.getElementById('sandbox')?.dataset.state === 'refused' ? resolve() : void setTimeout(check, 1));
        check();
      });
      return performance.now() - started;
    });
    assert.match(await page.locator('#sandbox-status').innerText(), /Not run: this would need about [\d.]+ GiB for tensors, over the sandbox's budget/);
    console.log(`      [measure] what-if kernel_size=15000: ${kernel.toFixed(1)} ms; sandbox refusal (worker start, plan, estimate): ${refusal.toFixed(1)} ms`);
    assert.deepEqual(consoleErrors, []);
  });
});
