import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/analysis';
import { modelWire } from '../../../src/extension/modelView/wire';
import { parseModelHostMessage, parseModelPageMessage } from '../../../src/protocol/modelView';
import { filterRows, groupByModule, rows, sortRows } from '../../../src/webview/model-view/data';
import { runRows } from '../../../src/webview/model-view/run';

const ROOT = join(__dirname, '..', '..', '..');
const GOLDEN = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'golden', 'model-view.json'), 'utf8')) as Record<string, { params: number; conv_macs: number; conv_layers: number }>;

function mobilenet() {
  const source = readFileSync(join(ROOT, 'examples', 'mobilenet_v2.py'), 'utf8');
  const analysis = analyzeFile(source, { file: '/x/mobilenet_v2.py', host: { readFile: () => undefined } });
  return modelWire(analysis, analysis.models.find((m) => m.entry === 'MobileNetV2')!, 'file:///x/mobilenet_v2.py', 'mobilenet_v2.py');
}

describe('model view data', () => {
  it('sends PyTorch\'s totals, and the message passes the page\'s own validation', () => {
    const model = mobilenet();
    const golden = GOLDEN['mobilenet_v2.py#MobileNetV2'];
    assert.equal(model.totals.params.value, String(golden.params));
    assert.equal(model.totals.macs.value, String(golden.conv_macs));
    const parsed = parseModelHostMessage(JSON.parse(JSON.stringify({ type: 'showModel', model })));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  });

  it('groups MACs by module path and the groups add up to the total', () => {
    const model = mobilenet();
    const groups = groupByModule(model.layers, model.modules, 2);
    assert.equal(groups.length, 19);
    assert.equal(groups.reduce((s, g) => s + g.macs!, 0n).toString(), model.totals.macs.value);
    assert.equal(groups[0].type, 'ConvBNAct');
  });

  it('sorts with unknown figures last and filters by kind', () => {
    const model = mobilenet();
    const all = rows(model.layers, null);
    const sorted = sortRows(all, { key: 'macs', descending: true });
    for (let i = 1; i < sorted.length; i++) assert.ok(BigInt(sorted[i - 1].layer.macs!) >= BigInt(sorted[i].layer.macs!));
    assert.equal(filterRows(all, 'DEPTHWISE').length, 17);
  });

  it('a run row without measurements has no times and no flags', () => {
    const model = mobilenet();
    const table = runRows(model.layers, null, new Map());
    assert.equal(table.length, 52);
    assert.ok(table.every((r) => r.msBefore === null && r.shortfall === null));
  });

  it('rejects malformed page messages', () => {
    assert.equal(parseModelPageMessage({ type: 'whatIf', seq: 1, plan: { transformations: [{ kind: 'groups', groups: 0 }], excluded: {} } }).ok, false);
    assert.equal(parseModelPageMessage({ type: 'whatIf', seq: 1, plan: { transformations: [{ kind: 'separable' }, { kind: 'separable' }], excluded: {} } }).ok, false);
    assert.equal(parseModelPageMessage({ type: 'revealLayer', name: 'a', extra: 1 }).ok, false);
    assert.equal(parseModelPageMessage({ type: 'whatIf', seq: 1, plan: { transformations: [{ kind: 'width', multiplier: 0.5, divisor: 8 }], excluded: { width: ['a'] } } }).ok, true);
  });
});
