/**
 * The comparison page in headless Chromium, served with the extension's own HTML and CSP by
 * a test host that speaks the real protocol (host/fakeHost.ts). Needs `npm run build` first
 * (`npm run test:browser` does it). Screenshots go to test-results/webview/.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Page } from 'playwright-core';
import { Session, launch } from './browser';
import { TestServer, startTestServer } from './host/server';

const SHOTS = join(__dirname, '..', '..', 'test-results', 'webview');

interface PageWindow {
  __sent: Array<{ type: string; [key: string]: unknown }>;
  __rejected: string[];
  __cspViolations: string[];
  __hostSend(message: unknown): void;
}

describe('comparison page (headless Chromium)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let session: Session;
  let page: Page;
  let consoleErrors: string[];
  let consoleWarnings: string[];

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
    consoleWarnings = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
      if (m.type() === 'warning') consoleWarnings.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });

  afterEach(async () => {
    await page.close();
  });

  async function open(layer: string, input: string | null, theme = 'dark'): Promise<void> {
    const query = new URLSearchParams({ theme, layer, ...(input ? { input } : {}) });
    await page.goto(`${server.origin}/?${query.toString()}`);
    await page.waitForSelector('#comparison');
  }

  const cell = (row: string, column: number): Promise<string> =>
    page.locator(`#comparison tbody tr[data-row="${row}"] td`).nth(column).innerText();
  const sent = (): Promise<PageWindow['__sent']> => page.evaluate(() => (window as unknown as PageWindow).__sent);

  it('shows the layer as written, dense, other groups and the separable replacement, with exact digits', async () => {
    await open('nn.Conv2d(512, 512, 3, padding=1, bias=False)', '1,512,14,14');
    const headers = await page.locator('#comparison thead th').allInnerTexts();
    assert.deepEqual(headers.slice(1), ['This layer (dense)', 'groups=2', 'groups=16', 'Depthwise', 'Depthwise-separable']);
    assert.equal(await cell('Parameters', 0), '2.36M');
    assert.equal(await page.locator('#comparison tbody tr[data-row="Parameters"] td').first().getAttribute('title'), '2,359,296');
    assert.equal(await page.locator('#comparison tbody tr[data-row="MACs"] td').last().getAttribute('title'), '52,283,392');
    assert.equal(await cell('Params saved vs dense', 3), '512x');
    // Dense and depthwise differ 512-fold: the bars start on a log scale so the small ones show.
    assert.equal(await page.isChecked('#log-bars'), true);
    assert.match(await page.locator('#chart-params .axis-title').textContent() ?? '', /log scale/);
    assert.equal(await page.locator('#repr').innerText(), 'Conv2d(512, 512, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)');
    assert.deepEqual((await sent()).map((m) => m.type), ['ready']);
    assert.deepEqual(await page.evaluate(() => (window as unknown as PageWindow).__cspViolations), []);
    assert.deepEqual(consoleErrors, []);
  });

  it('draws bars, the groups curve with every valid value, the matrix and the lanes, each with a table', async () => {
    await open('nn.Conv2d(64, 128, 3, padding=1, groups=4)', '1,64,56,56');
    assert.equal(await page.locator('#chart-params rect.bar').count(), 6);
    assert.equal(await page.locator('#chart-params rect.bar.current').count(), 1);
    assert.equal(await page.isChecked('#log-bars'), false, 'a 57-fold spread stays linear');
    await page.check('#log-bars');
    await page.waitForFunction(() => document.querySelector('#chart-params .axis-title')?.textContent?.includes('log scale'));
    assert.equal(await page.locator('#chart-groups polyline').count(), 2);
    assert.equal(await page.locator('#chart-groups circle.marker.series-a').count(), 7);
    assert.equal(await page.locator('#lanes rect.group-box').count(), 4);
    // 48 x 48 bins over 128 x 64 channels with 4 blocks: every filled cell lies in its group's block.
    const cells = await page.locator('#matrix rect.cell').evaluateAll((rects) => rects.map((r) => [Number(r.getAttribute('x')), Number(r.getAttribute('y'))]));
    assert.ok(cells.length > 0);
    for (const [x, y] of cells) assert.ok(Math.abs((x - 28) / 288 - (y - 22) / 288) < 0.3, `cell at ${x},${y} is near the diagonal`);
    const tables = await page.locator('details.data').count();
    assert.equal(tables, 5);
    await page.locator('#chart-groups + details summary').click();
    // The table is built when the details element first opens (its toggle event comes after the click).
    await page.locator('#chart-groups ~ details table tbody tr').first().waitFor();
    assert.equal(await page.locator('#chart-groups ~ details table tbody tr').count(), 7);
  });

  it('updates every number and picture at once when groups changes, offering only valid values', async () => {
    await open('nn.Conv2d(64, 128, 3, padding=1)', '1,64,56,56');
    const options = await page.locator('#control-groups option').allInnerTexts();
    assert.deepEqual(options, ['1', '2', '4', '8', '16', '32', '64']);
    await page.selectOption('#control-groups', '64');
    await page.waitForFunction(() => document.querySelector('#repr')?.textContent?.includes('groups=64'));
    // The code says groups=1: the column shows the what-if, labelled as one.
    assert.equal(await page.locator('#comparison thead th').nth(1).innerText(), 'What-if');
    assert.equal(await cell('Kind', 0), 'depthwise with channel multiplier');
    assert.equal(await cell('Weight shape', 0), '[128, 1, 3, 3]');
    assert.equal(await page.locator('#lanes rect.group-box').count(), 10);
    assert.match(await page.locator('#lanes-title').innerText(), /64 convolutions side by side/);
    assert.equal(await page.locator('#control-reset').isDisabled(), false);
  });

  it('explains an invalid configuration with PyTorch\'s message and blocks applying it', async () => {
    await open('nn.Conv2d(64, 128, 3, padding=1, groups=64)', '1,64,56,56');
    await page.fill('#control-in_channels', '100');
    await page.waitForSelector('#error:not([hidden])');
    assert.equal(await page.locator('#error').innerText(), 'in_channels must be divisible by groups');
    assert.equal(await page.locator('#control-groups').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#control-groups option').first().innerText(), /64 \(not valid\)/);
    assert.equal(await page.locator('.apply-row button:not([disabled])').count(), 0);
    assert.equal(await page.evaluate(() => document.querySelector('#content')?.classList.contains('stale')), true);
    await page.selectOption('#control-groups', '4');
    await page.waitForSelector('#error[hidden]', { state: 'attached' });
    assert.match(await page.locator('#repr').innerText(), /Conv2d\(100, 128, .*groups=4/);
  });

  it('asks the host to apply a variant and shows the host\'s answer', async () => {
    await open('nn.Conv2d(32, 64, 3, padding=1)', '1,32,28,28');
    await page.locator('button[data-variant="g32"]').click();
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('Applied'));
    const applies = (await sent()).filter((m) => m.type === 'apply');
    assert.deepEqual(applies, [{ type: 'apply', request: { kind: 'arguments', args: { groups: '32' } } }]);
    await page.locator('button[data-variant="separable"]').click();
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('separable'));
  });

  it('rejects and logs malformed messages without acting on them', async () => {
    await open('nn.Conv2d(16, 32, 3)', '1,16,8,8');
    const before = await page.locator('#repr').innerText();
    await page.evaluate(() => {
      const send = (window as unknown as PageWindow).__hostSend;
      send('showLayer');
      send({ type: 'showLayer', layer: { spec: { type: 'Conv2d', in_channels: 16, out_channels: '32' }, input: null, source: null } });
      send({ type: 'showLayer', layer: { spec: { type: 'Conv2d', in_channels: '16', out_channels: '32', kernel_size: ['3', '3'], stride: ['1', '1'], padding: ['0', '0'], dilation: ['1', '1'], output_padding: ['0', '0'], groups: '3', bias: true, padding_mode: 'zeros' }, input: null, source: null } });
      send({ type: 'noLayer', reason: '<img src=x onerror=alert(1)>', extra: 1 });
      send({ type: 'eval', code: 'alert(1)' });
    });
    await page.waitForFunction(() => document.body.dataset.rejected === '5');
    assert.equal(await page.locator('#repr').innerText(), before);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(consoleWarnings.filter((w) => w.startsWith('Conv Lens: ignored a malformed message')).length, 5);
  });

  it('renders a 10^12-channel layer and a 10^6-channel depthwise layer without freezing, and explains them', async () => {
    await open('nn.Conv2d(10**12, 10**12, 1, bias=False)', '1,1000000000000,1,1');
    assert.match(await page.locator('#chart-groups-title').innerText(), /\(169\)/);
    assert.match(await page.locator('#notes').innerText(), /fp32 weights alone take [\d.e+]+ [EZY]iB, more than any single accelerator's memory/);
    assert.match(await page.locator('#lanes-title').innerText(), /^1 convolution/);
    await page.selectOption('#control-groups', '1000000000000');
    await page.waitForFunction(() => document.querySelector('#lanes .lane-more') !== null);
    await open('nn.Conv2d(10**6, 10**6, 3, padding=1, groups=10**6)', '1,1000000,56,56');
    assert.match(await page.locator('.chart-figure:has(#matrix) .hint').innerText(), /Aggregated: one row is about 20,833 output channels/);
    assert.equal(await page.locator('#matrix rect.cell').count(), 48);
    assert.deepEqual(consoleErrors, []);
  });

  it('says what is missing when there is no layer or no input shape', async () => {
    await page.goto(`${server.origin}/?theme=dark`);
    await page.waitForFunction(() => document.querySelector('#empty')?.textContent === 'Put the cursor on a conv layer.');
    await open('nn.Conv1d(8, 8, 3)', null);
    assert.match(await page.locator('#notes').innerText(), /input shape is not known from the code, so \[1, 8, 56\] is assumed/);
  });

  it('is usable from the keyboard, with every control labelled', async () => {
    await open('nn.Conv2d(64, 64, 3, padding=1)', '1,64,32,32');
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select')].filter((el) => !(el as HTMLInputElement).labels?.length).map((el) => el.id));
    assert.deepEqual(unlabelled, []);
    await page.focus('#control-groups');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.querySelector('#repr')?.textContent?.includes('groups=2'));
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'control-input');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('7');
    await page.waitForFunction(() => document.querySelector('#comparison')?.textContent?.includes('[128, 64, 3, 3]') === false);
    assert.equal(await page.locator('#control-input').inputValue(), '7');
  });

  it('keeps what-if values and the follow toggle across a reload, and tells the host about follow', async () => {
    await open('nn.Conv2d(64, 64, 3, padding=1)', '1,64,32,32');
    await page.check('#follow');
    assert.deepEqual((await sent()).filter((m) => m.type === 'setFollow'), [{ type: 'setFollow', follow: true }]);
    await page.fill('#control-kernel_size', '5');
    await page.waitForFunction(() => document.querySelector('#repr')?.textContent?.includes('kernel_size=(5, 5)'));
    await page.reload();
    await page.waitForSelector('#comparison');
    assert.equal(await page.locator('#control-kernel_size').inputValue(), '5');
    assert.equal(await page.isChecked('#follow'), true);
    assert.deepEqual((await sent()).map((m) => m.type), ['ready', 'setFollow']);
  });

  for (const theme of ['light', 'dark', 'high-contrast']) {
    it(`renders readably in the ${theme} theme (screenshot)`, async () => {
      await page.setViewportSize({ width: 1100, height: 900 });
      await open('nn.Conv2d(128, 256, 3, padding=1, groups=8)', '1,128,28,28', theme);
      const colors = await page.evaluate(() => {
        const text = getComputedStyle(document.querySelector('svg text.tick-label')!).fill;
        const bar = getComputedStyle(document.querySelector('svg rect.bar')!).fill;
        return { text, bar, background: getComputedStyle(document.body).backgroundColor };
      });
      assert.notEqual(colors.text, colors.background);
      assert.notEqual(colors.bar, 'rgb(0, 0, 0)');
      await page.screenshot({ path: join(SHOTS, `compare-${theme}.png`), fullPage: true });
      assert.deepEqual(await page.evaluate(() => (window as unknown as PageWindow).__cspViolations), []);
    });
  }
});
