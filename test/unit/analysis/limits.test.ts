import * as assert from 'node:assert/strict';
import { grouped } from '../../../src/analysis/evaluate/limits';

// The limit messages group digits the way toLocaleString('en-US') does, without Intl's cost.

describe('analysis: limit messages', () => {
  it('groups whole numbers and bigints exactly as toLocaleString("en-US")', () => {
    const cases: Array<number | bigint> = [0, 7, 999, 1000, 4300, 30103, 1_000_000, -1, -999, -1000, -1234567, 2 ** 53 - 1, -(2 ** 53 - 1), 10n ** 30n, -(10n ** 30n) - 1n, 1.5, 1e21, 2 ** 60];
    for (let n = 1; n < 1e15; n = n * 7 + 3) cases.push(n, -n);
    for (const n of cases) assert.equal(grouped(n), n.toLocaleString('en-US'), String(n));
  });
});
