import * as assert from 'node:assert/strict';
import { ValueTrie } from '../../../src/analysis/torch/valueTrie';

// The lookup that lets conv layers built alike share their build, forwards and records: two
// argument lists may share a node only when every value is the same Python value.

describe('analysis: value trie', () => {
  it('gives the same node for equal values, even as distinct bigint objects', () => {
    const root = new ValueTrie<string>();
    root.path([BigInt('64'), 'padding', BigInt('1')]).value = 'conv';
    assert.equal(root.path([64n, 'padding', 1n]).value, 'conv');
  });

  it('keeps ints, bools, strings and None apart', () => {
    const root = new ValueTrie<string>();
    const keys: unknown[] = [1n, true, '1', null, 0n, false, '', 2n ** 53n, 2n ** 53n + 1n, -(2n ** 64n)];
    keys.forEach((k, i) => (root.child(k).value = `v${i}`));
    assert.deepEqual(keys.map((k) => root.child(k).value), keys.map((_, i) => `v${i}`));
  });

  it('tells a sequence from its prefix', () => {
    const root = new ValueTrie<string>();
    root.path([1n, 64n, 8n]).value = 'three';
    root.path([1n, 64n, 8n, 8n]).value = 'four';
    assert.deepEqual([root.path([1n, 64n, 8n]).value, root.path([1n, 64n, 8n, 8n]).value, root.path([1n, 64n]).value], ['three', 'four', null]);
  });

  it('finds children past the ones it scans', () => {
    const root = new ValueTrie<bigint>();
    for (let i = 0n; i < 100n; i++) root.child(i).value = i * 2n;
    assert.equal(root.child(77n).value, 154n);
    assert.equal(root.child(3n).value, 6n);
  });
});
