import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliCommand, CliIo } from '../../../src/cli/command';
import { ExactJson, parseExactJson } from '../core/exact-json';
import { TORCHVISION_MISSING, TORCHVISION_MODELS } from '../torchvisionSite';

// A model file opened alone, out of its repository: its relative imports fail, and whatever
// they would have built or changed is unknown. Every figure the report still gives must be
// PyTorch's; the rest must be null (unknown, with its reason), never a guess. Each corpus file
// (test/fixtures/models) and each real torchvision model file is copied alone into an empty
// folder, reported, and compared with the golden PyTorch made from the file in its place:
// - every non-null total equals the golden's;
// - when the layer count is known, the layers are exactly PyTorch's, by name and in order;
// - every layer reported is one PyTorch built (by name), and each of its non-null fields equals
//   PyTorch's;
// - a model PyTorch builds and runs gets no error.
// torchvision's sources are read from the installed package when it is there (they are never
// committed); its goldens (test/fixtures/torchvision) come from scripts/golden/compare.py.

const CORPUS = path.resolve(__dirname, '../../fixtures/models');
const TORCHVISION_GOLDENS = path.resolve(__dirname, '../../fixtures/torchvision');

type Json = Record<string, ExactJson>;

interface Golden {
  file: string;
  entry: string;
  args: string;
  input: ExactJson;
  layers?: Json[];
  totals?: Json;
  diagnostics: Json[];
}

const TOTALS = ['conv_layers', 'conv_params', 'conv_macs', 'params'];

function reportCommand(): CliCommand {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../../src/cli/commands/report') as { reportCommand: CliCommand }).reportCommand;
}

/** `conv-lens report --json` on a copy of `source` alone in a new empty folder; null when it finds no such model. */
async function reportAlone(source: string, golden: Golden): Promise<Json | null> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'conv-lens-alone-'));
  try {
    const file = path.basename(source);
    fs.copyFileSync(source, path.join(folder, file));
    let stdout = '';
    let stderr = '';
    const io: CliIo = { out: (t) => { stdout += t; }, err: (t) => { stderr += t; }, cwd: folder };
    const argv = [file, '--entry', golden.entry, '--json', ...(golden.args ? ['--args', golden.args] : [])];
    if (Array.isArray(golden.input)) argv.push('--input', golden.input.map(String).join(','));
    const code = await reportCommand().run(argv, io);
    if (stdout.trim() === '') {
      assert.equal(code, 2, `no report and no usage exit: ${stderr}`);
      assert.match(stderr, /no model named/);
      return null;
    }
    return parseExactJson(stdout) as Json;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

function same(a: ExactJson | undefined, b: ExactJson | undefined): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

function show(value: ExactJson | undefined): string {
  return value === undefined ? 'nothing' : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

function objects(value: ExactJson | undefined): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

/** Every figure of `report` that is not null but differs from PyTorch's, as readable lines. */
function provenDifferences(golden: Golden, report: Json): string[] {
  const out: string[] = [];
  const totals = (report.totals ?? {}) as Json;
  for (const key of TOTALS) {
    const got = totals[key];
    if (got !== null && got !== undefined && golden.totals && !same(got, golden.totals[key])) out.push(`totals.${key}: got ${show(got)}, PyTorch ${show(golden.totals[key])}`);
  }
  const want = golden.layers ?? [];
  const got = objects(report.layers);
  if (totals.conv_layers !== null && totals.conv_layers !== undefined && golden.layers) {
    const names = (list: Json[]): string => list.map((l) => String(l.name)).join(', ');
    if (names(got) !== names(want)) out.push(`layers: got [${names(got)}], PyTorch [${names(want)}]`);
  }
  const byName = new Map(want.map((l) => [String(l.name), l]));
  for (const layer of got) {
    const torch = byName.get(String(layer.name));
    if (!torch) {
      if (golden.layers) out.push(`layer ${String(layer.name)}: PyTorch built no such layer`);
      continue;
    }
    for (const [key, value] of Object.entries(torch)) {
      const mine = layer[key];
      if (mine !== null && mine !== undefined && !same(mine, value)) out.push(`${String(layer.name)}.${key}: got ${show(mine)}, PyTorch ${show(value)}`);
    }
  }
  // PyTorch stops at its first error and the analysis goes on to report later ones, so only a
  // model that PyTorch builds and runs can be given an error it did not raise.
  if (golden.diagnostics.length === 0) {
    for (const error of objects(report.diagnostics).filter((d) => d.severity === 'error')) out.push(`error PyTorch did not raise: line ${show(error.line)}: ${show(error.message)}`);
  }
  return out;
}

function readGolden(file: string): Golden {
  return parseExactJson(fs.readFileSync(file, 'utf8')) as unknown as Golden;
}

function goldens(folder: string): string[] {
  return fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith('.golden.json')).sort() : [];
}

function assertProven(differences: string[]): void {
  assert.equal(differences.length, 0, `figures that differ from PyTorch:\n${differences.slice(0, 20).join('\n')}`);
}

describe('models alone: each corpus file copied alone into an empty folder gives PyTorch figures or none', () => {
  for (const name of goldens(CORPUS)) {
    const golden = readGolden(path.join(CORPUS, name));
    it(`${golden.file} ${golden.entry}(${golden.args}) alone`, async () => {
      const report = await reportAlone(path.join(CORPUS, golden.file), golden);
      if (report) assertProven(provenDifferences(golden, report));
    });
  }
});

describe('models alone: torchvision model files copied alone into an empty folder give PyTorch figures or none', () => {
  const cases = goldens(TORCHVISION_GOLDENS);
  it('has goldens for torchvision model files', () => {
    assert.ok(cases.length >= 20, `only ${cases.length} goldens in ${TORCHVISION_GOLDENS}`);
  });
  for (const name of cases) {
    const golden = readGolden(path.join(TORCHVISION_GOLDENS, name));
    it(`torchvision ${golden.file} ${golden.entry}(${golden.args}) alone`, async function () {
      const source = path.join(TORCHVISION_MODELS, golden.file);
      // The sources are torchvision's, read where Debian's python3-torchvision installs them
      // (or where scripts/ci/provision.sh unpacks that package).
      if (!fs.existsSync(source)) this.skip();
      const report = await reportAlone(source, golden);
      if (report) assertProven(provenDifferences(golden, report));
    });
  }
  before(function () {
    if (!fs.existsSync(TORCHVISION_MODELS)) {
      console.log(`      ${TORCHVISION_MISSING}: its files are skipped; bash scripts/ci/provision.sh runs them`);
    }
  });
});
