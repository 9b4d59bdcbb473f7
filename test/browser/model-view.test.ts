/**
 * The model view page in headless Chromium, served with the extension's own HTML and CSP by a
 * test host that analyses examples/ with the real analysis and what-if engine (host/fakeModelHost.ts).
 * Totals are held to real PyTorch's (test/fixtures/golden/model-view.json). Needs `npm run build`.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Page } from 'playwright-core';
import { Session, launch } from './browser';
import { TestServer, startTestServer } from './host/server';

const SHOTS = join(__dirname, '..', '..', 'test-results', 'webview');
const GOLDEN = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'golden', 'model-view.json'), 'utf8')) as Record<string, { params: number; conv_params: number; conv_layers: number; conv_macs: number }>;
const exact = (n: number): string => new Intl.NumberFormat('en-US').format(n);

interface PageWindow {
  __sent: Array<{ type: string; [key: string]: unknown }>;
  __cspViolations: string[];
  __whatIfMillis: number[];
}

describe('model view page (headless Chromium)', function () {
  this.timeout(600_000);
  let server: TestServer;
  let session: Session;
  let page: Page;
  let errors: string[];

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
    errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
  });
  afterEach(async () => {
    await page.close();
  });

  async function open(file: string, theme = 'dark'): Promise<void> {
    await page.goto(`${server.origin}/?${new URLSearchParams({ page: 'model', file, theme }).toString()}`);
    await page.waitForSelector('#totals');
  }
  const total = (key: string, column = 0): Promise<string | null> => page.locator(`#totals tr[data-total="${key}"] td`).nth(column).locator('span').first().getAttribute('title');
  const sent = (): Promise<PageWindow['__sent']> => page.evaluate(() => (window as unknown as PageWindow).__sent);

  it('shows a MobileNetV2\'s totals as PyTorch counts them, where its compute goes, and every conv', async () => {
    await open('mobilenet_v2.py');
    const golden = GOLDEN['mobilenet_v2.py#MobileNetV2'];
    assert.equal(await total('params'), exact(golden.params));
    assert.equal(await total('convParams'), exact(golden.conv_params));
    assert.equal(await total('macs'), exact(golden.conv_macs));
    assert.equal(await total('flops'), exact(2 * golden.conv_macs));
    assert.equal(await page.locator('#layers tbody tr').count(), golden.conv_layers);
    // At depth 1 everything is under features; at depth 2 there is one bar per block.
    assert.deepEqual(await page.locator('#breakdown svg g.bar-row').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-group'))), ['features']);
    await page.selectOption('#depth', '2');
    await page.evaluate(() => document.querySelector('#chart-title')?.scrollIntoView());
    assert.equal(await page.locator('#breakdown svg g.bar-row').count(), 19);
    assert.equal(await page.locator('#breakdown-table tbody tr').count(), 19);
    assert.match(await page.locator('#breakdown svg').getAttribute('aria-label') ?? '', /MACs by module/);
    await page.screenshot({ path: join(SHOTS, 'model-view.png'), fullPage: false });
    await page.evaluate(() => window.scrollTo(0, 0));
    assert.deepEqual(await page.evaluate(() => (window as unknown as PageWindow).__cspViolations), []);
    assert.deepEqual(errors, []);
  });

  it('sorts and filters the layer table from the keyboard, and a layer\'s name goes to its code', async () => {
    await open('mobilenet_v2.py');
    await page.locator('button[data-sort="macs"]').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('th[aria-sort="descending"] button[data-sort="macs"]').count(), 1);
    const first = await page.locator('#layers tbody tr').first().getAttribute('data-layer');
    const macs = await page.locator('#layers tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.querySelectorAll('td')[7]?.querySelector('span')?.getAttribute('title')?.replace(/,/g, ''))));
    assert.deepEqual(macs, [...macs].sort((a, b) => b - a));
    await page.fill('#filter', 'depthwise');
    assert.equal(await page.locator('#layers tbody tr').count(), 17);
    assert.match(await page.locator('#layer-count').innerText(), /17 of 52/);
    await page.fill('#filter', '');
    await page.locator(`#layers tr[data-layer="${first}"] th button`).click();
    assert.deepEqual((await sent()).filter((m) => m.type === 'revealLayer').map((m) => m.name), [first]);
  });

  it('shows the what-if beside the model as written, per layer, with per-layer switches', async () => {
    await open('plain_convnet.py');
    await page.check('#t-separable');
    await page.waitForSelector('body[data-whatif="ready"]');
    assert.equal(await page.locator('#totals thead th').count(), 4);
    const before = Number((await total('convParams', 0))!.replace(/,/g, ''));
    const after = Number((await total('convParams', 1))!.replace(/,/g, ''));
    assert.ok(after < before, `${after} < ${before}`);
    // Dense 3x3 convs become depthwise + pointwise pairs; the 3-channel stem stays dense, and says why.
    assert.match(await page.locator('#layers tr[data-layer="conv1"] td.notes-cell').innerText(), /conv1\.0 \+ conv1\.1/);
    assert.match(await page.locator('#layers tr[data-layer="stem"] td.notes-cell').innerText(), /3-channel input/);
    // Switching conv1 off leaves it as written.
    await page.locator('#layers tr[data-layer="conv1"] input.layer-switch').uncheck();
    await page.waitForFunction(() => !document.querySelector('#layers tr[data-layer="conv1"] td.notes-cell')?.textContent?.includes('conv1.0'));
    const plans = (await sent()).filter((m) => m.type === 'whatIf').map((m) => m.plan as { excluded: Record<string, string[]> });
    assert.deepEqual(plans[plans.length - 1].excluded, { separable: ['conv1'] });
    assert.equal(await page.isEnabled('#apply'), true);
    await page.click('#apply');
    await page.waitForFunction(() => document.querySelector('#whatif-status')?.textContent?.startsWith('Applied'));
    await page.evaluate(() => document.querySelector('#whatif')?.scrollIntoView());
    await page.screenshot({ path: join(SHOTS, 'model-view-whatif.png'), fullPage: false });
    assert.deepEqual(errors, []);
  });

  it('recomputes a what-if in the engine and prints how long it took', async () => {
    await open('plain_convnet.py');
    await page.check('#t-width');
    await page.waitForSelector('body[data-whatif="ready"]');
    const millis = await page.evaluate(() => (window as unknown as PageWindow).__whatIfMillis);
    console.log(`      what-if (width x0.75) of PlainConvNet: ${millis.map((m) => m.toFixed(0)).join(', ')} ms`);
    assert.notEqual(await total('macs', 1), await total('macs', 0));
  });

  it('runs every conv of a MobileNetV2 at 224x224 on the kernel and prints the measured total', async () => {
    await open('mobilenet_v2.py');
    await page.click('#model-run');
    await page.waitForSelector('#model-run-section[data-state="done"]', { timeout: 540_000 });
    assert.equal(await page.locator('#model-run-table tbody tr').count(), 53);
    const totalRow = await page.locator('#model-run-table tr.total').innerText();
    assert.match(totalRow, /52 of 52 measured/);
    console.log(`      whole-model run of MobileNetV2 at 224x224: ${totalRow.replace(/\s+/g, ' ')}`);
    await page.evaluate(() => document.querySelector('#model-run-section')?.scrollIntoView());
    await page.screenshot({ path: join(SHOTS, 'model-view-run.png'), fullPage: false });
  });

  it('shows the transformed MobileNetV2 (separable + groups=4) with per-layer deltas, what-if only layers, and runs it as written and as transformed', async () => {
    await open('mobilenet_v2.py');
    await page.check('#t-separable');
    await page.check('#t-groups');
    await page.fill('#t-groups-value', '4');
    await page.dispatchEvent('#t-groups-value', 'change');
    await page.waitForFunction(() => document.body.dataset.whatif === 'ready' && (document.querySelector('#whatif-status')?.textContent ?? '').includes('what-if only'));
    // The expand convs are built by ConvBNAct's call, which also builds the stem and the depthwise convs: what-if only.
    assert.match(await page.locator('#layers tr[data-layer="features.2.conv.0.0"] td.notes-cell').innerText(), /groups: what-if only: .*also builds/);
    assert.match(await page.locator('#layers tr[data-layer="features.2.conv.2"] td.notes-cell').innerText(), /groups: applied/);
    const before = Number((await total('macs', 0))!.replace(/,/g, ''));
    const after = Number((await total('macs', 1))!.replace(/,/g, ''));
    // PyTorch's count after the same module surgery (test/fixtures/whatif/whatif.golden.json, mobilenetv2-groups4).
    assert.equal(after, 98_539_392);
    assert.ok(after < before);
    console.log(`      what-if of MobileNetV2 (groups=4): MACs ${exact(before)} -> ${exact(after)}; ${await page.locator('#whatif-status').innerText()}`);
    await page.click('#model-run');
    await page.waitForSelector('#model-run-section[data-state="done"]', { timeout: 540_000 });
    const totalRow = await page.locator('#model-run-table tr.total').innerText();
    console.log(`      whole-model run of MobileNetV2 at 224x224 (as written | groups=4 what-if): ${totalRow.replace(/\s+/g, ' ')}`);
    await page.evaluate(() => document.querySelector('#model-run-section')?.scrollIntoView());
    await page.screenshot({ path: join(SHOTS, 'model-view-run-mobilenet-v2-whatif.png'), fullPage: false });
    assert.deepEqual(errors, []);
  });

  it('runs every conv as written and as transformed, flags shortfalls, and keeps what it measured on Cancel', async () => {
    await open('plain_convnet.py', 'light');
    await page.check('#t-separable');
    await page.waitForSelector('body[data-whatif="ready"]');
    await page.click('#model-run');
    await page.waitForSelector('#model-run-section[data-state="done"]', { timeout: 540_000 });
    assert.equal(await page.locator('#model-run-table tbody tr').count(), 6);
    const totalRow = await page.locator('#model-run-table tr.total').innerText();
    console.log(`      whole-model run of PlainConvNet at 128x128 (as written | separable): ${totalRow.replace(/\s+/g, ' ')}`);
    const flagged = await page.locator('#model-run-flags li').allInnerTexts();
    console.log(`      ${flagged.length} layers flagged short of the counted speedup${flagged[0] ? `, e.g. ${flagged[0]}` : ''}`);
    // A second run, cancelled: what was measured stays.
    await page.click('#model-run');
    await page.waitForFunction(() => Number((document.querySelector('#model-progress') as HTMLProgressElement | null)?.value ?? 0) >= 3);
    await page.click('#model-cancel');
    await page.waitForSelector('#model-run-section[data-state="cancelled"]');
    assert.match(await page.locator('#model-run-status').innerText(), /Cancelled after [1-9]\d* layer runs/);
    assert.deepEqual(errors, []);
  });

  it('ignores malformed messages from the host', async () => {
    await open('mobilenet_block.py', 'high-contrast');
    await page.evaluate(() => window.postMessage({ type: 'showModel', model: { uri: 'x' } }, '*'));
    await page.waitForSelector('body[data-rejected="1"]');
    assert.equal(await page.locator('#layers tbody tr').count(), 6);
  });
});
