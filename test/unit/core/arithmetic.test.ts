import * as assert from 'node:assert/strict';
import { convMacs, convOutputSize, floorDiv, poolOutputSize, transposedOutputSize } from '../../../src/core';

// The conv arithmetic every part of Conv Lens calls. The PyTorch goldens check it through whole
// layers; these pin the per-dimension formulas where they are easy to get wrong.

describe('core: conv arithmetic', () => {
  it('floors towards negative infinity, as Python and ATen do', () => {
    assert.equal(floorDiv(7n, 2n), 3n);
    assert.equal(floorDiv(-7n, 2n), -4n);
    assert.equal(floorDiv(7n, -2n), -4n);
    assert.equal(floorDiv(-8n, 2n), -4n);
  });

  it('gives output sizes per dimension', () => {
    // Conv2d(k=3, s=2, p=1, d=1) on 224: floor((224 + 2 - 2 - 1) / 2) + 1 = 112.
    assert.equal(convOutputSize(224n, 1n, 1n, 1n, 3n, 2n), 112n);
    // ConvTranspose2d(k=4, s=2, p=1) on 56: (56 - 1) * 2 - 2 + 3 + 0 + 1 = 112.
    assert.equal(transposedOutputSize(56n, 1n, 1n, 1n, 4n, 2n, 0n), 112n);
    // MaxPool2d(3, 2, ceil_mode=True) on 112: ceil((112 - 3) / 2) + 1 = 56, and the last window may not start past the input.
    assert.equal(poolOutputSize(112n, 3n, 2n, 0n, 1n, true), 56n);
    assert.equal(poolOutputSize(6n, 2n, 2n, 1n, 1n, true), 4n);
  });

  it('counts a transposed convolution on its input', () => {
    const sizes = { batch: 2n, inChannels: 8n, outChannels: 4n, groups: 2n, inSpatial: 16n, outSpatial: 64n, kernel: 9n, transposed: false };
    assert.equal(convMacs(sizes), 2n * 64n * 4n * (8n / 2n) * 9n);
    assert.equal(convMacs({ ...sizes, transposed: true }), 2n * 16n * 8n * (4n / 2n) * 9n);
  });
});
