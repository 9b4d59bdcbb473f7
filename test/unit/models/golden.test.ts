import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ExactJson, parseExactJson } from '../core/exact-json';
import { TORCHVISION_MISSING, TORCHVISION_SITE, exposeTorchvisionToCli } from '../torchvisionSite';
import { Golden, asObjects, differences, goldenFiles, readGolden, runGoldenReport, sameJson, show } from './goldenCompare';

// Every corpus model (test/fixtures/models) through the real `conv-lens report --json` code
// path, compared with what PyTorch 1.13 itself built and ran (scripts/golden/models.py).
//
// How a golden is compared (every field the golden holds, nothing else):
// - file, entry, args, input: equal.
// - layers: the same layers in named_modules() order; every key of every golden layer equal
//   (line 1-based, column 0-based as Python's col_offset of the call that built the layer).
// - totals: every key equal.
// - diagnostics: a golden without diagnostics means the report has no error at all; otherwise
//   each golden diagnostic matches one of the report's errors on every key it holds (a syntax
//   error's golden holds only its line, since Python's wording is not the analysis's), and the
//   exit code is 1.
// - unresolved (hand-written goldens only): each entry appears in the report with that line and
//   name; `why` is prose and not compared.
// A golden's `comment` says how it was made and is not compared.

const CORPUS = path.resolve(__dirname, '../../fixtures/models');
// Some corpus files call torchvision's builders, read from the installed library.
exposeTorchvisionToCli();

interface Report {
  code: number;
  stderr: string;
  json: Record<string, ExactJson>;
}

async function runReport(golden: Golden): Promise<Report> {
  const { code, stdout, stderr } = await runGoldenReport(golden, CORPUS);
  const missing = TORCHVISION_SITE === null ? ` (${TORCHVISION_MISSING})` : '';
  assert.ok(stdout.trim().length > 0, `no JSON on stdout (exit ${code}): ${stderr}${missing}`);
  return { code, stderr, json: parseExactJson(stdout) as Record<string, ExactJson> };
}

function assertNoDifferences(lines: string[]): void {
  const shown = lines.slice(0, 25).join('\n');
  assert.equal(lines.length, 0, `${lines.length} difference(s) from PyTorch:\n${shown}${lines.length > 25 ? '\n…' : ''}`);
}

for (const name of goldenFiles(CORPUS)) {
  const golden = readGolden(CORPUS, name);
  const tag = `[${golden.file}]`;

  describe(`models: ${tag} ${golden.entry}(${golden.args}) vs PyTorch (${name})`, () => {
    let report: Report | undefined;
    const get = async (): Promise<Report> => (report ??= await runReport(golden));

    it(`${tag} names the file, entry, arguments and input`, async () => {
      const { json } = await get();
      assertNoDifferences(differences('report', json, { file: golden.file, entry: golden.entry, args: golden.args, input: golden.input }));
    });

    const layers = golden.layers;
    if (layers) {
      it(`${tag} builds the ${layers.length} conv layers PyTorch built, with their shapes, params and MACs`, async () => {
        const got = asObjects((await get()).json.layers);
        const names = (list: Array<Record<string, ExactJson>>): string => list.map((l) => String(l.name)).join(', ');
        assert.equal(got.length, layers.length, `layer count: got [${names(got)}], expected [${names(layers)}]`);
        assertNoDifferences(layers.flatMap((want, i) => differences(`layers[${i}] ${String(want.name)}`, got[i], want)));
      });
    }

    const totals = golden.totals;
    if (totals) {
      it(`${tag} totals conv layers, conv params, conv MACs and all params`, async () => {
        const got = (await get()).json.totals as Record<string, ExactJson> | undefined;
        assertNoDifferences(differences('totals', got, totals));
      });
    }

    it(`${tag} reports ${golden.diagnostics.length === 0 ? 'no error' : 'the error PyTorch raised'}`, async () => {
      const { json, code, stderr } = await get();
      const errors = asObjects(json.diagnostics).filter((d) => d.severity === 'error');
      if (golden.diagnostics.length === 0) {
        assert.deepEqual(errors.map((e) => `${show(e.line)}:${show(e.column)} ${show(e.message)}`), [], 'unexpected errors');
        assert.equal(code, 0, stderr);
        return;
      }
      for (const want of golden.diagnostics) {
        const found = errors.some((e) => differences('', e, want).length === 0);
        assert.ok(found, `missing error ${show(want)}; the report has ${show(errors)}`);
      }
      assert.equal(code, 1, 'exit code for a model with errors');
    });

    const unresolved = golden.unresolved;
    if (unresolved) {
      it(`${tag} lists the names it could not resolve`, async () => {
        const got = asObjects((await get()).json.unresolved);
        for (const want of unresolved) {
          const found = got.some((u) => sameJson(u.line, want.line) && sameJson(u.what, want.what));
          assert.ok(found, `missing unresolved ${show(want.what)} at line ${show(want.line)}; got ${show(got)}`);
        }
      });
    }
  });
}
