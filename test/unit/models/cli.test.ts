import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliCommand, CliIo } from '../../../src/cli/command';
import { parseExactJson } from '../core/exact-json';

// `conv-lens report` and `conv-lens check` on the README's example and on corpus files, through
// the commands' own run functions with captured streams. Expected figures come from PyTorch 1.13
// (forward hooks on examples/mobilenet_block.py; see scripts/golden/models.py for the method).

const ROOT = path.resolve(__dirname, '../../..');
const EXAMPLE = 'examples/mobilenet_block.py';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Loaded when a test runs, so an unfinished engine fails these tests, not the whole run. */
function command(name: 'report' | 'check'): CliCommand {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(`../../../src/cli/commands/${name}`) as Record<string, CliCommand>;
  return mod[`${name}Command`];
}

async function run(name: 'report' | 'check', argv: string[], cwd = ROOT): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (t) => { stdout += t; }, err: (t) => { stderr += t; }, cwd };
  const code = await command(name).run(argv, io);
  return { code, stdout, stderr };
}

describe('cli: conv-lens report', () => {
  it('reports the README example as PyTorch counts it (6 convs, 48,160 conv params, 122,730,496 MACs)', async () => {
    const r = await run('report', [EXAMPLE, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const json = parseExactJson(r.stdout) as Record<string, never>;
    assert.equal(json.file, EXAMPLE);
    assert.equal(json.entry, 'TinyMobileNet');
    assert.deepEqual(json.input, [1n, 3n, 224n, 224n]);
    assert.deepEqual(json.totals, { conv_layers: 6n, conv_params: 48160n, conv_macs: 122730496n, params: 51882n });
    const layers = json.layers as Array<Record<string, unknown>>;
    assert.deepEqual(layers.map((l) => [l.name, l.kind, l.macs]), [
      ['stem', 'dense', 10838016n],
      ['grouped', 'grouped', 57802752n],
      ['block1.depthwise', 'depthwise', 1806336n],
      ['block1.pointwise', 'pointwise', 25690112n],
      ['block2.depthwise', 'depthwise', 903168n],
      ['block2.pointwise', 'pointwise', 25690112n],
    ]);
    assert.deepEqual(layers[1].dense_macs, 57802752n * 4n);
  });

  it('prints a table with the layer, dense-equivalent and savings columns and the totals', async () => {
    const r = await run('report', [EXAMPLE]);
    assert.equal(r.code, 0, r.stderr);
    for (const header of ['name', 'kernel', 'groups', 'kind', 'input shape', 'output shape', 'params', 'MACs', 'dense MACs', 'savings']) {
      assert.ok(r.stdout.includes(header), `missing column ${header}`);
    }
    assert.match(r.stdout, /block1\.depthwise\s+Conv2d\s+3x3\s+64\s+depthwise\s+\[1, 64, 112, 112\]\s+\[1, 64, 56, 56\]/);
    assert.match(r.stdout, /conv MACs:\s+122,730,496/);
  });

  it('writes CSV with one exact row per layer and Markdown with a pipe table', async () => {
    const csv = await run('report', [EXAMPLE, '--format', 'csv']);
    const rows = csv.stdout.trim().split('\n');
    assert.equal(rows.length, 7);
    assert.ok(rows[2].includes(',grouped,'), rows[2]);
    assert.ok(rows[2].includes(',57802752,'), rows[2]);
    const md = await run('report', [EXAMPLE, '--format=markdown']);
    // The one report's Markdown, as the editor's export writes it.
    assert.match(md.stdout, /^\| Layer \(type\) \| kind \| output shape \| params \| MACs \| FLOPs \|/m);
    // Names from the file are escaped Markdown: the dot renders as a dot.
    assert.match(md.stdout, /\| block2\\\.pointwise \(Conv2d\) \| pointwise \\\(1x1\\\) \| `\[1,256,28,28\]` \| 32,768 \|/);
    assert.match(md.stdout, /\| \*\*Total \(conv\)\*\* \| 6 layers \|  \| 48,160 \| 122,730,496 \| 245,460,992 \|/);
  });

  it('takes --input over the file comment', async () => {
    const r = await run('report', [EXAMPLE, '--json', '--input', '2,3,32,32']);
    const json = parseExactJson(r.stdout) as Record<string, never>;
    assert.deepEqual(json.input, [2n, 3n, 32n, 32n]);
    assert.deepEqual((json.layers as Array<Record<string, unknown>>)[0].output_shape, [2n, 32n, 16n, 16n]);
  });

  it('exits 2 with a message on a missing file, an unknown entry and a bad format', async () => {
    const missing = await run('report', ['examples/nope.py']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /examples\/nope\.py: no such file/);
    const entry = await run('report', [EXAMPLE, '--entry', 'Nope']);
    assert.equal(entry.code, 2);
    assert.match(entry.stderr, /no model named 'Nope'.*TinyMobileNet/);
    const format = await run('report', [EXAMPLE, '--format', 'xml']);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /unknown format 'xml'/);
    assert.match(command('report').usage, /^Usage: conv-lens report FILE/);
  });
});

describe('cli: conv-lens check', () => {
  const corpus = path.join(ROOT, 'test/fixtures/models');

  it('prints PyTorch\'s construction error as file:line:col with a 1-based column, and exits 1', async () => {
    const r = await run('check', ['err_groups.py'], corpus);
    assert.equal(r.code, 1);
    assert.ok(r.stdout.includes('err_groups.py:11:22: error: in_channels must be divisible by groups'), r.stdout);
  });

  it('finds the example\'s groups mistake, then its channel mismatch once groups divide 48', async () => {
    const first = await run('check', ['examples/groups_mistake.py']);
    assert.deepEqual([first.code, first.stdout], [1, 'examples/groups_mistake.py:17:24: error: in_channels must be divisible by groups\n']);
    const fixed = fs.readFileSync(path.join(ROOT, 'examples/groups_mistake.py'), 'utf8').replace('groups=5', 'groups=4');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conv-lens-check-'));
    try {
      fs.writeFileSync(path.join(dir, 'block.py'), fixed);
      const second = await run('check', ['block.py'], dir);
      assert.equal(second.code, 1);
      assert.match(second.stdout, /^block\.py:22:16: error: Given groups=1, weight of size \[192, 96, 1, 1\], expected input\[1, 48, 32, 32\] to have 96 channels, but got 48 channels instead$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is silent and exits 0 on a clean file, and exits 2 when a file is missing', async () => {
    const clean = await run('check', ['--errors-only', 'resnet_cifar.py'], corpus);
    assert.deepEqual([clean.code, clean.stdout], [0, '']);
    const missing = await run('check', ['resnet_cifar.py', 'missing.py'], corpus);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing\.py: error: no such file/);
  });

  // Every model of a clean corpus file, not only the golden's entry, must check clean: check runs
  // without --entry, so models that need arguments or inputs must stay unresolved, not blamed.
  const goldens = fs.readdirSync(corpus).filter((f) => f.endsWith('.golden.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(corpus, f), 'utf8')) as { file: string; diagnostics: unknown[] });
  const withErrors = new Set(goldens.filter((g) => g.diagnostics.length > 0).map((g) => g.file));
  const clean = [...new Set(goldens.map((g) => g.file))].filter((f) => !withErrors.has(f)).sort();
  for (const file of clean) {
    it(`[${file}] checks clean with every model in the file`, async () => {
      const r = await run('check', ['--errors-only', file], corpus);
      assert.deepEqual([r.code, r.stdout], [0, ''], r.stderr);
    });
  }
});

describe('cli: --max-steps', () => {
  // Four loops of 150,000 iterations in one __init__: about 3 million steps, past the default
  // budget of 2 million each model's construction gets (timm's tiny_vit builds its attention
  // indices in loops like these).
  const loops = [0, 1, 2, 3].map((j) => `        x${j} = 0\n        for i in range(150000):\n            x${j} += i\n`).join('');
  const source = `import torch.nn as nn\n\n\n# conv-lens: input=(1, 8, 16, 16)\nclass Looping(nn.Module):\n    def __init__(self):\n        super().__init__()\n${loops}        self.conv = nn.Conv2d(8, 8, 3)\n\n    def forward(self, x):\n        return self.conv(x)\n`;
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conv-lens-steps-'));
    fs.writeFileSync(path.join(dir, 'looping.py'), source);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says when the analysis ran out of steps and how to let it go further', async () => {
    const r = await run('report', ['looping.py', '--json'], dir);
    const json = parseExactJson(r.stdout) as { totals: { params: unknown } };
    assert.equal(json.totals.params, null);
    assert.match(r.stderr, /^conv-lens report: looping\.py: the analysis ran out of steps \(2,000,000\); what it skipped is unknown\. --max-steps 20000000 lets it go further\.$/m);
  });

  it('builds the model with a larger budget, and says nothing of steps', async () => {
    const r = await run('report', ['looping.py', '--json', '--max-steps', '20_000_000'], dir);
    assert.equal(r.code, 0, r.stderr);
    const json = parseExactJson(r.stdout) as { totals: { params: unknown; conv_macs: unknown } };
    assert.deepEqual([json.totals.params, json.totals.conv_macs], [584n, 8n * 14n * 14n * 8n * 9n]);
    assert.equal(r.stderr, '');
    const check = await run('check', ['looping.py', '--max-steps', '20000000'], dir);
    assert.deepEqual([check.code, check.stderr], [0, '']);
  });

  it('refuses a budget out of its range', async () => {
    for (const value of ['5', '1e9', 'many', '2000000000']) {
      const r = await run('report', ['looping.py', '--max-steps', value], dir);
      assert.equal(r.code, 2, value);
      assert.match(r.stderr, /--max-steps: expected an integer from 100,000 to 1,000,000,000/);
    }
  });
});
