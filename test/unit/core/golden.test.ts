import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConvArgs, ConvError, ConvType, PyValue, buildConv, computeLayer, isConvType, tuple } from '../../../src/core';
import { ExactJson, parseExactJson } from './exact-json';

// Every case in test/fixtures/golden/layers.json is what real PyTorch did with one layer
// (scripts/golden/layers.py; `npm run golden` regenerates it). The core must do the same.

type Outcome = { [key: string]: ExactJson };

interface GoldenCase {
  label: string;
  type: ConvType;
  args: { [key: string]: ExactJson };
  input: bigint[] | null;
  construct: Outcome;
  forward?: Outcome;
}

const FIXTURE = path.join(__dirname, '../../fixtures/golden/layers.json');

function loadCases(): { torchVersion: string; cases: GoldenCase[] } {
  const document = parseExactJson(fs.readFileSync(FIXTURE, 'utf8')) as { torch_version: string; cases: ExactJson[] };
  return { torchVersion: document.torch_version, cases: document.cases as unknown as GoldenCase[] };
}

/** The JSON encoding of a Python value back to a PyValue: {"float": x}, {"tuple": [...]}, lists as arrays. */
export function decodePy(value: ExactJson): PyValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodePy);
  if ('float' in value) return Number(value.float);
  if ('tuple' in value) return tuple((value.tuple as ExactJson[]).map(decodePy));
  throw new Error(`unknown encoding ${JSON.stringify(Object.keys(value))}`);
}

function convArgs(c: GoldenCase): ConvArgs {
  assert.ok(isConvType(c.type), c.type);
  const args: { [key: string]: PyValue } = {};
  for (const [key, value] of Object.entries(c.args)) args[key] = decodePy(value);
  return { type: c.type, ...args } as unknown as ConvArgs;
}

/**
 * PyTorch 1.13 prints the allowed padding strings and padding modes as Python sets, whose order
 * follows string hashes and changes from run to run; newer PyTorch prints padding modes as a
 * list, which is what the core writes. Both sides are compared with the elements sorted.
 */
function withSortedSets(message: string): string {
  if (!/^(Invalid padding string|padding_mode must be one of)/.test(message)) return message;
  return message.replace(/[{[]('[^']*'(?:, '[^']*')*)[}\]]/, (_, items: string) => `{${items.split(', ').sort().join(', ')}}`);
}

function assertSameError(actual: ConvError | null, expected: Outcome, phase: string): void {
  assert.ok(actual, `expected PyTorch's ${phase} error: ${String(expected.exception)}: ${String(expected.message)}`);
  assert.equal(actual.phase, phase);
  assert.equal(`${actual.exception}: ${withSortedSets(actual.message)}`, `${String(expected.exception)}: ${withSortedSets(String(expected.message))}`);
}

function checkCase(c: GoldenCase): void {
  const built = buildConv(convArgs(c));
  if (c.construct.ok !== true) {
    assertSameError(built.ok ? null : built.error, c.construct, 'construct');
    return;
  }
  assert.ok(built.ok, built.ok ? '' : `core raised ${built.error.exception}: ${built.error.message}`);
  const record = computeLayer(built.spec, c.input);
  assert.deepEqual(record.weight_shape, c.construct.weight_shape);
  assert.deepEqual(record.bias_shape, c.construct.bias_shape);
  assert.equal(record.params, c.construct.params);
  // The module's stored padding is what F.pad applies for non-zeros modes; in zeros mode ATen
  // expands one-value tuples itself, so only full-length stored padding is what it applies.
  const sides = c.construct.padding_per_side as bigint[][] | null;
  const stored = built.spec.padding_mode !== 'zeros' || (sides?.length === record.padding_per_side.length && built.spec.dilation.length === built.spec.kernel_size.length);
  if (sides && stored) assert.deepEqual(record.padding_per_side, sides);
  if (!c.forward) return;
  if (c.forward.ok !== true) {
    assertSameError(record.forward_error, c.forward, 'forward');
    return;
  }
  assert.equal(record.forward_error, null, `core raised ${record.forward_error?.message ?? ''}`);
  assert.deepEqual(record.output_shape, c.forward.output_shape);
  assert.equal(record.macs, c.forward.macs);
  assert.equal(record.flops, (c.forward.macs as bigint) * 2n);
  assert.equal(record.bias_adds, c.forward.bias_adds);
}

const { torchVersion, cases } = loadCases();

describe(`core: golden single layers from PyTorch ${torchVersion} (${cases.length} cases)`, () => {
  it('covers at least 250 configurations of every type', () => {
    assert.ok(cases.length >= 250);
    for (const type of ['Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d']) {
      assert.ok(cases.some((c) => c.type === type && c.forward?.ok === true), type);
    }
  });
  for (const c of cases) {
    const outcome = c.construct.ok !== true ? 'construct error' : c.forward?.ok === false ? 'forward error' : 'ok';
    it(`${c.label} -> ${outcome}`, () => checkCase(c));
  }
});
