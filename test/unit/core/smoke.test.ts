import * as assert from 'node:assert/strict';
import { buildConv, computeLayer } from '../../../src/core';

describe('core: MobileNet v1 Table 3 (published vectors)', () => {
  it('dense 3x3 512->512 on 14x14 has 2,359,296 params and 462,422,016 MACs', () => {
    const built = buildConv({ type: 'Conv2d', in_channels: 512n, out_channels: 512n, kernel_size: 3n, padding: 1n, bias: false });
    assert.ok(built.ok);
    const record = computeLayer(built.spec, [1n, 512n, 14n, 14n]);
    assert.equal(record.params, 2_359_296n);
    assert.equal(record.macs, 462_422_016n);
    assert.deepEqual(record.output_shape, [1n, 512n, 14n, 14n]);
  });
});
