import * as assert from 'node:assert/strict';
import { parseIntegerTuple, tupleParts, wholeNumber } from '../../../src/core';

// One reader of typed tuples for the CLI's --input, the editor's input box and the webview's
// controls; each surface then applies its own limits.

describe('core: tuples of whole numbers as typed', () => {
  it('reads the spellings people use for a shape', () => {
    for (const text of ['1, 3, 224, 224', '(1, 3, 224, 224)', '[1,3,224,224]', '1x3x224x224', '1 × 3 × 224 × 224', '1 3 224 224', ' (1, 3, 224, 224,) ']) {
      assert.deepEqual(parseIntegerTuple(text), { ok: true, values: [1n, 3n, 224n, 224n] }, text);
    }
    assert.deepEqual(parseIntegerTuple('(3,)'), { ok: true, values: [3n] });
    assert.deepEqual(parseIntegerTuple('1_000_000_000_000_000_000'), { ok: true, values: [10n ** 18n] });
    assert.deepEqual(parseIntegerTuple('-1, 3'), { ok: true, values: [-1n, 3n] });
  });

  it('names the first part that is not a whole number, and nothing for an empty text', () => {
    assert.deepEqual(parseIntegerTuple('1, 3.5, a'), { ok: false, bad: '3.5' });
    assert.deepEqual(parseIntegerTuple('1,,3'), { ok: false, bad: '' });
    assert.deepEqual(parseIntegerTuple(' () '), { ok: false, bad: null });
    assert.deepEqual(tupleParts(''), []);
    assert.equal(wholeNumber('1__0'), null);
    assert.equal(wholeNumber('_1'), null);
  });
});
