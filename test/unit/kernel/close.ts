import * as assert from 'node:assert/strict';

/**
 * Asserts two fp32 tensors agree elementwise within |a - b| <= atol + rtol x |b|. Different
 * summation orders legitimately differ by a few ulps of the largest partial sum, hence the
 * absolute part.
 */
export function assertClose(actual: Float32Array, expected: Float32Array, rtol = 1e-5, atol = 1e-5): void {
  assert.equal(actual.length, expected.length, 'tensor lengths differ');
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
      assert.fail(`element ${i}: got ${a}, expected ${b} (|diff| = ${Math.abs(a - b)})`);
    }
  }
}
