import * as assert from 'node:assert/strict';
import { workbench } from './workbench';

/** Every link and image in the visible hover's Markdown, as the workbench rendered it. */
async function renderedLinksAndImages(): Promise<{ links: string[]; images: number; text: string }> {
  const hover = workbench().page.locator('.monaco-hover:visible').first();
  return hover.evaluate((element) => ({
    // The hover's own status bar (View Problem, Quick Fix) holds the workbench's actions, not Markdown.
    links: [...element.querySelectorAll('a')].filter((a) => !a.closest('.status-bar')).map((a) => a.getAttribute('data-href') ?? a.getAttribute('href') ?? ''),
    images: element.querySelectorAll('img, image, svg image, [style*="url("]').length,
    text: (element as HTMLElement).innerText,
  }));
}

describe('a hostile model file as a person sees it (installed from the .vsix)', () => {
  afterEach(async () => {
    await workbench().reset();
  });

  it('the rendered hovers hold no link or image the file put there', async () => {
    const wb = workbench();
    await wb.openFile('editor_hostile.py');
    await wb.codeLensTexts(3);
    // Before 1.78 Conv Lens leaves its hovers untrusted (src/extension/providers/hover.ts), so
    // even its own command links render as plain text there.
    const ownLinks = wb.vscodeAtLeast(1, 78) ? ['command:convLens.compareLayer', 'command:convLens.showReport'] : [];
    // Line 8: the helper's conv, built under four hostile names; line 20: an error quoting a
    // hostile string; line 21: an unknown condition whose source is hostile.
    for (const line of [8, 20, 21]) {
      const text = await wb.hover('Conv2d', line);
      const rendered = await renderedLinksAndImages();
      assert.equal(rendered.images, 0, `an image in the hover on line ${line}: ${text}`);
      assert.deepEqual(rendered.links.map((l) => l.replace(/\?.*$/s, '')), ownLinks, `links in the hover on line ${line}: ${rendered.links.join(' ')}`);
      if (line === 8) assert.ok(text.includes('blocks.[dict](command:convLens.showReport?%5B%22file%3A%2F%2F%2Fetc%2Fhosts%22%5D)'), text);
      if (line === 20) assert.ok(text.includes("padding_mode='![pm](https://evil.example/pm.png)[l](command:convLens.showReport)'"), text);
      await wb.page.keyboard.press('Escape');
    }
    await wb.screenshot('editor-hover-hostile');
  });
});
