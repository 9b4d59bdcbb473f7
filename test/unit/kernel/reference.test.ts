import * as assert from 'node:assert/strict';
import { referenceConv } from '../../../src/kernel/reference';
import { fixtureCases } from './cases';
import { assertClose } from './close';

describe('kernel: reference convolution against PyTorch fixtures', () => {
  for (const c of fixtureCases()) {
    it(c.name, () => {
      assertClose(referenceConv(c.geometry, c.tensors), c.expected);
    });
  }

  it('refuses a weight of the wrong length', () => {
    const c = fixtureCases()[0];
    assert.throws(() => referenceConv(c.geometry, { ...c.tensors, weight: new Float32Array(3) }), /weight has 3 elements/);
  });
});
