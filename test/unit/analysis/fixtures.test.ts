import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../../src/analysis';
import type { FileAnalysis, ModelAnalysis } from '../../../src/analysis/types';

// Each fixture is analyzed statically and compared with what PyTorch 1.13 built for it
// (expected.json, written by fixtures/make_expected.py from real torch: named_modules(),
// parameter counts, and forward-hook shapes).

interface ExpectedLayer {
  name: string;
  type: string;
  params: number;
  weight_shape: number[];
  input_shape: number[] | null;
  output_shape: number[] | null;
}
interface Expected {
  entry: string;
  input: number[];
  layers: ExpectedLayer[];
  modules: Array<{ name: string; type: string; params: number }>;
  params: number;
}

const DIR = path.join(__dirname, 'fixtures');
const expected = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Record<string, Expected>;
const nums = (v: readonly bigint[] | null): number[] | null => (v ? v.map(Number) : null);

function analyze(file: string): FileAnalysis {
  const full = path.join(DIR, file);
  return analyzeFile(fs.readFileSync(full, 'utf8'), { file: full, host: { readFile: () => undefined } });
}

for (const [file, want] of Object.entries(expected)) {
  describe(`analysis fixture ${file} (${want.entry}) vs PyTorch`, () => {
    let model: ModelAnalysis;
    before(() => {
      const result = analyze(file);
      const found = result.models.find((m) => m.entry === want.entry);
      assert.ok(found, `models: ${result.models.map((m) => m.entry).join(', ')}`);
      model = found;
    });

    it('takes the input PyTorch was fed', () => {
      assert.deepEqual(nums(model.input), want.input);
    });

    it('names every module as named_modules() does, in order, with its parameter count', () => {
      assert.deepEqual(
        model.modules.map((m) => `${m.name}:${m.type}:${m.params}`),
        want.modules.map((m) => `${m.name}:${m.type}:${m.params}`),
      );
    });

    it('gives every conv layer PyTorch\'s weight shape, params and forward shapes', () => {
      const got = model.layers.map((l) => ({
        name: l.name,
        type: l.type,
        params: l.record ? Number(l.record.params) : null,
        weight_shape: nums(l.record?.weight_shape ?? null),
        input_shape: nums(l.record?.input_shape ?? null),
        output_shape: nums(l.record?.output_shape ?? null),
      }));
      assert.deepEqual(got, want.layers);
    });

    it('counts all parameters', () => {
      assert.equal(model.totals.params, BigInt(want.params));
    });
  });
}
