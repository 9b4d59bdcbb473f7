import * as assert from 'node:assert/strict';
import { formatFactor, formatShape, humanize, humanizeBytes, humanizeUnit, withCommas } from '../../../src/core';

describe('core: format', () => {
  const humanized: Array<[bigint, string]> = [
    [0n, '0'],
    [999n, '999'],
    [1000n, '1K'],
    [1234n, '1.23K'],
    [12_345n, '12.3K'],
    [123_456n, '123K'],
    [999_499n, '999K'],
    [999_500n, '1M'],
    [1_234_567n, '1.23M'],
    [1_235_000n, '1.24M'],
    [9_995_000n, '10M'],
    [462_422_016n, '462M'],
    [10n ** 12n, '1T'],
    [2n ** 64n, '18.4E'],
    [10n ** 21n, '1000E'],
    [-1_234_567n, '-1.23M'],
  ];
  for (const [value, text] of humanized) {
    it(`humanize(${value}) = ${text}`, () => assert.equal(humanize(value), text));
  }

  it('humanize rounds half up, exactly, past 2^53', () => {
    assert.equal(humanize(2n ** 53n + 1n), '9.01P');
    assert.equal(humanize(1_005_000_000_000_000_000n), '1.01E');
    assert.equal(humanize(1_004_999_999_999_999_999n), '1E');
  });

  it('humanize takes a number of significant digits', () => {
    assert.equal(humanize(1_234_567n, 2), '1.2M');
    assert.equal(humanize(1_234_567n, 4), '1.235M');
    assert.equal(humanize(1_234_567n, 1), '1M');
  });

  it('humanizeUnit puts the scale before the unit, and params after the number', () => {
    assert.equal(humanizeUnit(462_422_016n, 'MACs'), '462 MMACs');
    assert.equal(humanizeUnit(2_359_296n, 'params'), '2.36M params');
    assert.equal(humanizeUnit(12n, 'FLOPs'), '12 FLOPs');
  });

  it('withCommas groups digits in threes, exactly', () => {
    assert.equal(withCommas(0n), '0');
    assert.equal(withCommas(999n), '999');
    assert.equal(withCommas(1000n), '1,000');
    assert.equal(withCommas(-1_234_567n), '-1,234,567');
    assert.equal(withCommas(2n ** 64n), '18,446,744,073,709,551,616');
  });

  it('humanizeBytes uses binary units and moves up when rounding reaches 1024', () => {
    assert.equal(humanizeBytes(0n), '0 B');
    assert.equal(humanizeBytes(1023n), '1023 B');
    assert.equal(humanizeBytes(1024n), '1 KiB');
    assert.equal(humanizeBytes(1536n), '1.5 KiB');
    assert.equal(humanizeBytes(1_048_575n), '1 MiB');
    assert.equal(humanizeBytes(9_437_184n), '9 MiB');
    assert.equal(humanizeBytes(10n ** 12n), '931 GiB');
  });

  it('formatFactor writes whole factors bare and others with two decimals', () => {
    assert.equal(formatFactor(8), '8x');
    assert.equal(formatFactor(8.0000000001), '8x');
    assert.equal(formatFactor(1 / 3), '0.33x');
    assert.equal(formatFactor(8.84), '8.84x');
    assert.equal(formatFactor(123.456), '123x');
    assert.equal(formatFactor(Number.POSITIVE_INFINITY), '—');
    assert.equal(formatFactor(Number.NaN), '—');
  });

  it('formatShape writes a shape as a Python-like list, or ? when unknown', () => {
    assert.equal(formatShape([1n, 32n, 26n, 26n]), '[1, 32, 26, 26]');
    assert.equal(formatShape([]), '[]');
    assert.equal(formatShape(null), '?');
  });
});
