import * as assert from 'node:assert/strict';
import { ConvArgs, buildConv } from '../../../src/core';
import { contentSecurityPolicy, makeNonce, pageHtml } from '../../../src/extension/panel/html';
import { findConvCalls, locateByParsing } from '../../../src/extension/panel/locate';
import { CallSite, planRewrite, setArguments } from '../../../src/extension/panel/rewrite';
import { parseLayerExpression } from '../../../src/analysis/model/layerExpression';

function spec(args: ConvArgs) {
  const built = buildConv(args);
  if (!built.ok) throw new Error(built.error.message);
  return built.spec;
}

const MODEL = `import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 32, 3, stride=2, padding=1)
        self.body = nn.Sequential(
            nn.Conv2d(32, 64, kernel_size=3,
                      padding=1, bias=False),  # a comment
            nn.ReLU(),
        )
        self.head = nn.Linear(64, 10)
`;

describe('panel host: finding the layer at a position', () => {
  it('finds every conv call with 1-based lines and 0-based columns', () => {
    const calls = findConvCalls(MODEL);
    assert.deepEqual(calls.map((c) => [c.type, c.range.line, c.range.column, c.range.endLine]), [['Conv2d', 6, 20, 6], ['Conv2d', 8, 12, 9]]);
  });

  it('picks the call under the cursor, else the nearest by line', () => {
    const inside = locateByParsing(MODEL, { line: 9, column: 30 });
    assert.ok(inside.ok && inside.layer.spec.out_channels === 64n && !inside.layer.spec.bias);
    const nearby = locateByParsing(MODEL, { line: 4, column: 0 });
    assert.ok(nearby.ok && nearby.layer.spec.in_channels === 3n);
    const none = locateByParsing('x = 1\n', { line: 1, column: 0 });
    assert.ok(!none.ok && /No conv layer/.test(none.reason));
  });

  it('says why a call with unknown arguments cannot be compared', () => {
    const located = locateByParsing('conv = nn.Conv2d(cin, 64, 3)\n', { line: 1, column: 10 });
    assert.ok(!located.ok);
    assert.match(located.ok ? '' : located.reason, /Cannot compare the Conv2d at line 1: cannot evaluate cin/);
  });
});

describe('panel host: apply to code', () => {
  const text = 'nn.Conv2d(32, 64, kernel_size=3,\n                      padding=1, bias=False)';
  const site: CallSite = { spec: spec({ type: 'Conv2d', in_channels: 32n, out_channels: 64n, kernel_size: 3n, padding: 1n, bias: false }), callText: text, indent: '            ', column: 12, fileText: MODEL };

  it('appends groups as a keyword and keeps the rest of the text as written', () => {
    const plan = planRewrite({ kind: 'arguments', args: { groups: '32' } }, site);
    assert.deepEqual(plan, { ok: true, text: 'nn.Conv2d(32, 64, kernel_size=3,\n                      padding=1, bias=False, groups=32)', summary: 'Set groups.' });
  });

  it('rewrites positional and keyword arguments in place, a tuple only when the sizes differ', () => {
    const edited = setArguments('nn.Conv2d(32, 64, 3, 1, 1, 1, 2)', site.spec, { groups: '4', kernel_size: ['5', '5'], in_channels: '16', stride: ['1', '2'] });
    assert.equal(edited, 'nn.Conv2d(16, 64, 5, (1, 2), 1, 1, 4)');
    const reparsed = parseLayerExpression(edited!);
    assert.ok(reparsed.ok && reparsed.spec.groups === 4n && reparsed.spec.stride.join() === '1,2');
  });

  it('refuses a configuration PyTorch would refuse, with PyTorch\'s message', () => {
    assert.deepEqual(planRewrite({ kind: 'arguments', args: { groups: '3' } }, site), { ok: false, message: 'ValueError: in_channels must be divisible by groups' });
  });

  it('writes the depthwise-separable rewrite that still parses to the same channels', () => {
    const dense = { ...site, callText: 'nn.Conv2d(32, 64, 3, stride=2, padding=1)', spec: spec({ type: 'Conv2d', in_channels: 32n, out_channels: 64n, kernel_size: 3n, stride: 2n, padding: 1n }) };
    const plan = planRewrite({ kind: 'separable' }, dense);
    assert.ok(plan.ok);
    if (!plan.ok) return;
    const calls = findConvCalls(plan.text).map((c) => parseLayerExpression(plan.text.slice(c.from, c.to)));
    assert.ok(plan.text.startsWith('nn.Sequential('));
    assert.deepEqual(calls.map((c) => c.ok && [c.spec.in_channels, c.spec.out_channels, c.spec.groups, c.spec.stride[0], c.spec.bias]), [[32n, 32n, 32n, 2n, false], [32n, 64n, 1n, 1n, true]]);
  });

  it('refuses the rewrite for a transposed layer', () => {
    const up = { ...site, callText: 'nn.ConvTranspose2d(8, 4, 2)', spec: spec({ type: 'ConvTranspose2d', in_channels: 8n, out_channels: 4n, kernel_size: 2n }) };
    assert.equal(planRewrite({ kind: 'separable' }, up).ok, false);
  });
});

describe('panel host: the page\'s HTML and CSP', () => {
  it('allows nothing by default, scripts only by nonce, and no inline styles', () => {
    const csp = contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', 'abc');
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-abc' 'wasm-unsafe-eval'/);
    assert.match(csp, /style-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|https?:\/\/\*|\*;/);
  });

  it('carries no data, only the shell, and escapes what it does carry', () => {
    const html = pageHtml({ cspSource: 'vscode-resource:', nonce: 'n0nce', scriptUri: 'x"><script>alert(1)</script>', styleUri: 'style.css' });
    assert.ok(!html.includes('<script>alert(1)'));
    assert.equal((html.match(/<script /g) ?? []).length, 1);
    assert.match(html, /<script nonce="n0nce" src=/);
    const nonce = makeNonce((n) => new Uint8Array(n).map((_, i) => i * 7));
    assert.match(nonce, /^[A-Za-z0-9]{32}$/);
  });
});
