import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/analysis';
import type { AnalysisOptions, FileAnalysis } from '../../../src/analysis/types';
import { renderReport, fileSubjects } from '../../../src/report';
import { UsageError, parseArgs, parseEnvironment } from '../../../src/cli/args';

// The standard-library pieces real model code leans on: operator (timm's mvitv2 multiplies a
// stride tuple with reduce(operator.mul, ...)), locals() (timm's nest reads its arguments back by
// name) and os.environ (timm's vit and eva pick their class from an environment variable).
// Channel counts and messages were checked in Python 3.11 and PyTorch 1.13.

function analyze(source: string, options: Partial<AnalysisOptions> = {}): FileAnalysis {
  return analyzeFile(source, { file: '/project/net.py', host: { readFile: () => undefined }, ...options });
}

/** A one-conv model whose output channels are `expression`, evaluated in __init__ after `setup`. */
function channelsOf(expression: string, options: Partial<AnalysisOptions> = {}, setup = '', imports = ''): { out: number | null; analysis: FileAnalysis } {
  const analysis = analyze(`import torch
import torch.nn as nn
${imports}
# conv-lens: input=(1, 3, 8, 8)
class Net(nn.Module):
    def __init__(self, width=8):
        super().__init__()
${setup.split('\n').filter(Boolean).map((l) => `        ${l}\n`).join('')}        self.conv = nn.Conv2d(3, ${expression}, 1)

    def forward(self, x):
        return self.conv(x)
`, options);
  const shape = analysis.models[0]?.layers[0]?.record?.weight_shape;
  return { out: shape ? Number(shape[0]) : null, analysis };
}

describe('analysis: the operator module', () => {
  const imports = 'import functools\nimport operator';

  it('evaluates each function as its operator', () => {
    assert.equal(channelsOf('functools.reduce(operator.mul, (2, 3, 4), 1)', {}, '', imports).out, 24);
    assert.equal(channelsOf('operator.add(operator.floordiv(17, 2), operator.neg(-2))', {}, '', imports).out, 10);
    assert.equal(channelsOf('12 if operator.lt(1, 2) and operator.contains([1, 2], 2) else 1', {}, '', imports).out, 12);
  });

  it('has itemgetter and attrgetter, one key or several', () => {
    assert.equal(channelsOf('operator.itemgetter(1)([4, 6, 8])', {}, '', imports).out, 6);
    assert.equal(channelsOf('sum(operator.itemgetter(0, 2)([4, 6, 8]))', {}, '', imports).out, 12);
    assert.equal(channelsOf('operator.attrgetter("conv0.out_channels")(self)', {}, 'self.conv0 = nn.Conv2d(3, 5, 1)', imports).out, 5);
  });

  it('raises CPython\'s TypeError for a wrong call', () => {
    for (const [call, message] of [
      ['operator.mul(2)', 'mul expected 2 arguments, got 1'],
      ['operator.neg()', '_operator.neg() takes exactly one argument (0 given)'],
      ['operator.mul(a=1, b=2)', '_operator.mul() takes no keyword arguments'],
      ['operator.itemgetter(1)()', 'itemgetter expected 1 argument, got 0'],
    ]) {
      const { out, analysis } = channelsOf(call, {}, '', imports);
      assert.equal(out, null, call);
      assert.ok(analysis.unresolved.some((u) => u.why === `TypeError: ${message}`), `${call}: ${analysis.unresolved.map((u) => u.why).join(' | ')}`);
    }
  });
});

describe('analysis: locals()', () => {
  it('is a new dict of the variables a def has bound so far, with __class__ where the def uses super()', () => {
    // Python 3.11: ['self', 'width', 'x', '__class__'] in this order.
    assert.equal(channelsOf('locals()["width"] + len(locals())', {}, 'x = 1').out, 8 + 4);
    assert.equal(channelsOf('[3, 5, 7, 9][list(locals()).index("x")]', {}, 'y = 1\nx = 2').out, 9);
  });

  it('is unknown where its answer is not the running def\'s own variables', () => {
    const inComprehension = channelsOf('[len(locals()) for _ in range(1)][0]');
    assert.equal(inComprehension.out, null);
    const nested = channelsOf('inner()', {}, 'def inner():\n    return len(locals()) + width');
    assert.equal(nested.out, null);
    assert.ok(JSON.stringify(nested.analysis.unresolved).includes('locals() in a nested def'));
  });
});

describe('analysis: os.environ', () => {
  const imports = 'import os';
  const reads = 'int(os.environ.get("WIDTH", "8")) + (4 if "WIDE" in os.environ else 0) + int(os.getenv("EXTRA", default="0"))';

  it('is unknown when the analysis is given no environment', () => {
    const { out, analysis } = channelsOf(reads, {}, '', imports);
    assert.equal(out, null);
    assert.equal(analysis.environment, undefined);
  });

  it('holds the given variables, every other one unset, and the result names each one read', () => {
    const clean = channelsOf(reads, { environment: {} }, '', imports);
    assert.equal(clean.out, 8);
    assert.deepEqual(clean.analysis.environment, {
      variables: [{ name: 'WIDTH', set: false }, { name: 'WIDE', set: false }, { name: 'EXTRA', set: false }],
      listed: false,
    });
    const given = channelsOf(reads, { environment: { WIDTH: '16', WIDE: '', EXTRA: '2' } }, '', imports);
    assert.equal(given.out, 16 + 4 + 2);
    assert.deepEqual(given.analysis.environment?.variables.map((v) => v.set), [true, true, true]);
  });

  it('notes a listing of the whole environment, and not the file\'s own writes', () => {
    const listed = channelsOf('len(os.environ) + 8', { environment: { A: '1', B: '2' } }, 'os.environ["C"] = "3"', imports);
    assert.equal(listed.out, 11);
    assert.deepEqual(listed.analysis.environment, { variables: [], listed: true });
    const written = channelsOf('8', { environment: {} }, 'os.environ["C"] = "3"', imports);
    assert.equal(written.analysis.environment, undefined);
  });

  it('is named in the report, names only: a value may be a secret', () => {
    const { analysis } = channelsOf(reads, { environment: { WIDTH: '16', SECRET_TOKEN: 'abc' } }, '', imports);
    const [subject] = fileSubjects(analysis, 'net.py');
    const table = renderReport([subject], 'table');
    assert.match(table, /environment read by the code: WIDTH \(set\), WIDE \(unset\), EXTRA \(unset\)/);
    assert.ok(!table.includes('SECRET_TOKEN') && !table.includes('import os'), table);
    const json = JSON.parse(renderReport([subject], 'json')) as { environment: unknown };
    assert.deepEqual(json.environment, { variables: [{ name: 'WIDTH', set: true }, { name: 'WIDE', set: false }, { name: 'EXTRA', set: false }], listed: false });
  });
});

describe('cli: --env NAME=VALUE', () => {
  it('collects every --env, values holding = and , intact', () => {
    const parsed = parseArgs(['f.py', '--env', 'A=1,2', '--env=B=x=y'], { lists: ['--env'] });
    assert.deepEqual({ ...parseEnvironment(parsed.lists.get('--env') ?? []) }, { A: '1,2', B: 'x=y' });
  });

  it('rejects what is not NAME=VALUE, and keeps __proto__ a plain variable', () => {
    assert.throws(() => parseEnvironment(['WIDTH']), UsageError);
    assert.throws(() => parseEnvironment(['1X=2']), UsageError);
    const odd = parseEnvironment(['__proto__=1']);
    assert.equal(odd.__proto__, '1');
    assert.equal(channelsOf('int(os.environ["__proto__"]) + 7', { environment: odd }, '', 'import os').out, 8);
  });
});
