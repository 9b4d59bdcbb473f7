import * as assert from 'node:assert/strict';
import { buildConv } from '../../../src/core';
import {
  HostMessage, decodeSpec, encodeSpec, isWireInt, parseHostMessage, parsePageMessage, parsePanelState,
} from '../../../src/protocol/compare';

function spec(args: Parameters<typeof buildConv>[0]) {
  const built = buildConv(args);
  if (!built.ok) throw new Error(built.error.message);
  return built.spec;
}

const conv = spec({ type: 'Conv2d', in_channels: 64n, out_channels: 128n, kernel_size: 3n, padding: 1n, groups: 4n });

function showLayer(overrides: Record<string, unknown> = {}, specOverrides: Record<string, unknown> = {}): unknown {
  return { type: 'showLayer', layer: { spec: { ...encodeSpec(conv), ...specOverrides }, input: ['1', '64', '56', '56'], source: null, ...overrides } };
}

describe('protocol: bigints on the wire', () => {
  it('round-trips a layer exactly, including channel counts beyond 2^53', () => {
    const huge = spec({ type: 'ConvTranspose3d', in_channels: 10n ** 12n, out_channels: 2n * 10n ** 12n, kernel_size: 3n, groups: 10n ** 12n, padding: 0n });
    const wire = encodeSpec(huge);
    assert.equal(wire.in_channels, '1000000000000');
    const parsed = parseHostMessage(JSON.parse(JSON.stringify({ type: 'showLayer', layer: { spec: wire, input: null, source: null } })));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.deepEqual(decodeSpec((parsed.value as Extract<HostMessage, { type: 'showLayer' }>).layer.spec), huge);
  });

  it('accepts only canonical decimal integers', () => {
    for (const good of ['0', '7', '-3', '1000000000000000000000']) assert.ok(isWireInt(good), good);
    for (const bad of ['', '01', '1.5', '1e3', ' 1', '+1', '0x10', '1_000', 5, 5n, null, '9'.repeat(201)]) assert.ok(!isWireInt(bad), String(bad));
  });
});

describe('protocol: the page rejects malformed host messages', () => {
  it('accepts a well-formed showLayer', () => {
    assert.ok(parseHostMessage(showLayer()).ok);
  });

  const cases: Array<[string, unknown, RegExp]> = [
    ['a string', 'showLayer', /expected an object/],
    ['null', null, /expected an object/],
    ['an array', [], /expected an object/],
    ['an unknown type', { type: 'runPython', code: 'x' }, /message.type: expected one of/],
    ['a missing type', { layer: {} }, /message.type/],
    ['an extra field', { type: 'noLayer', reason: 'x', html: '<b>' }, /unexpected field "html"/],
    ['a number where a channel string belongs', showLayer({}, { in_channels: 64 }), /in_channels: expected a decimal integer string/],
    ['a fractional channel count', showLayer({}, { out_channels: '12.5' }), /out_channels/],
    ['groups that do not divide the channels', showLayer({}, { groups: '3' }), /not a layer PyTorch could construct/],
    ['groups of zero', showLayer({}, { groups: '0' }), /not a layer PyTorch could construct/],
    ['an unknown layer type', showLayer({}, { type: 'Conv4d' }), /spec.type: expected one of/],
    ['an empty kernel tuple', showLayer({}, { kernel_size: [] }), /kernel_size: expected 1 to 8 integers/],
    ['a padding string PyTorch does not know', showLayer({}, { padding: 'full' }), /padding: expected 1 to 8 integers/],
    ['a negative input dimension', showLayer({ input: ['1', '-64', '56', '56'] }), /negative dimension/],
    ['a source with a 0 line', showLayer({ source: { uri: 'file:///a.py', line: 0, column: 0, endLine: 1, endColumn: 1, label: 'a', text: 'x' } }), /line: expected an integer >= 1/],
    ['an applyResult without ok', { type: 'applyResult', message: 'done' }, /ok: expected true or false/],
    ['a reason that is far too long', { type: 'noLayer', reason: 'x'.repeat(5000) }, /longer than 2000/],
  ];
  for (const [name, message, why] of cases) {
    it(`rejects ${name}`, () => {
      const parsed = parseHostMessage(message);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.error, why);
    });
  }

  it('never throws, even on an object whose getters throw', () => {
    const hostile = { get type(): string { throw new Error('boom'); } };
    const parsed = parseHostMessage(hostile);
    assert.equal(parsed.ok, false);
  });
});

describe('protocol: the host rejects malformed page messages', () => {
  it('accepts the messages the page sends', () => {
    for (const m of [{ type: 'ready' }, { type: 'revealSource' }, { type: 'setFollow', follow: true }, { type: 'apply', request: { kind: 'separable' } },
      { type: 'apply', request: { kind: 'arguments', args: { groups: '8', kernel_size: ['3', '5'] } } }]) {
      assert.ok(parsePageMessage(m).ok, JSON.stringify(m));
    }
  });

  const cases: Array<[string, unknown]> = [
    ['an unknown command', { type: 'executeCommand', command: 'workbench.action.terminal.new' }],
    ['apply with no arguments', { type: 'apply', request: { kind: 'arguments', args: {} } }],
    ['apply of an argument we never write', { type: 'apply', request: { kind: 'arguments', args: { padding_mode: 'circular' } } }],
    ['apply with a groups number instead of a string', { type: 'apply', request: { kind: 'arguments', args: { groups: 8 } } }],
    ['apply of an unknown kind', { type: 'apply', request: { kind: 'shell' } }],
    ['separable with extra data', { type: 'apply', request: { kind: 'separable', text: 'import os' } }],
    ['setFollow with a string', { type: 'setFollow', follow: 'yes' }],
    ['ready with extra fields', { type: 'ready', uri: 'file:///etc/passwd' }],
  ];
  for (const [name, message] of cases) {
    it(`rejects ${name}`, () => assert.equal(parsePageMessage(message).ok, false));
  }
});

describe('protocol: saved panel state', () => {
  it('reads what the page saved and refuses anything else', () => {
    const state = { version: 1, target: { uri: 'file:///m.py', line: 3, column: 8 }, follow: true, dtype: 'fp16' };
    const parsed = parsePanelState(state);
    assert.ok(parsed.ok);
    if (parsed.ok) assert.deepEqual(parsed.value, { version: 1, target: { uri: 'file:///m.py', line: 3, column: 8 }, follow: true });
    assert.equal(parsePanelState(undefined).ok, false);
    assert.equal(parsePanelState({ version: 2, target: null, follow: false }).ok, false);
    assert.equal(parsePanelState({ version: 1, target: { uri: 'file:///m.py', line: -1, column: 0 }, follow: false }).ok, false);
  });
});
