import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  ConvArgs, ConvSpec, PyValue, buildConv, computeLayer, connectivity, forwardShape, gcd, paddingPerSide, separableReplacement, toJson,
  tuple, validGroups, withGroups,
} from '../../../src/core';
import { DIVISORS_LISTED, isProbablePrime } from '../../../src/core/divisors';
import { parseExactJson } from './exact-json';

// Properties of the core checked on generated layers: each compares the core with an
// independent computation (a brute-force count, a divisor search, a second layer).

const RUNS = { numRuns: 200 };

function build(args: ConvArgs): ConvSpec {
  const built = buildConv(args);
  assert.ok(built.ok, built.ok ? '' : built.error.message);
  return built.spec;
}

/** Channel counts that are multiples of a groups value, with that groups value. */
const groupedChannels = fc.record({
  groups: fc.integer({ min: 1, max: 16 }),
  inPerGroup: fc.integer({ min: 1, max: 12 }),
  outPerGroup: fc.integer({ min: 1, max: 12 }),
  kernel: fc.integer({ min: 1, max: 5 }),
  bias: fc.boolean(),
});

describe('core: properties', () => {
  it('a grouped layer has exactly 1/groups of the dense weights, and saves a factor of groups in weights and MACs', () => {
    fc.assert(fc.property(groupedChannels, fc.integer({ min: 5, max: 12 }), ({ groups, inPerGroup, outPerGroup, kernel, bias }, side) => {
      const g = BigInt(groups);
      const spec = build({ type: 'Conv2d', in_channels: g * BigInt(inPerGroup), out_channels: g * BigInt(outPerGroup), kernel_size: BigInt(kernel), groups: g, bias });
      const input = [2n, spec.in_channels, BigInt(side), BigInt(side)];
      const grouped = computeLayer(spec, input);
      const dense = computeLayer(withGroups(spec, 1n), input);
      assert.equal(grouped.weight_params * g, dense.weight_params);
      assert.equal(grouped.dense_weight_params, dense.weight_params);
      assert.equal(grouped.savings, groups);
      assert.ok(grouped.macs !== null && dense.macs !== null);
      assert.equal(grouped.macs * g, dense.macs);
      assert.equal(grouped.dense_macs, dense.macs);
      assert.equal(Number(dense.macs) / Number(grouped.macs), groups);
    }), RUNS);
  });

  it('a transposed grouped layer saves a factor of groups too', () => {
    fc.assert(fc.property(groupedChannels, fc.integer({ min: 1, max: 4 }), ({ groups, inPerGroup, outPerGroup, kernel, bias }, stride) => {
      const g = BigInt(groups);
      const spec = build({ type: 'ConvTranspose1d', in_channels: g * BigInt(inPerGroup), out_channels: g * BigInt(outPerGroup), kernel_size: BigInt(kernel), stride: BigInt(stride), groups: g, bias });
      const input = [3n, spec.in_channels, 6n];
      const grouped = computeLayer(spec, input);
      const dense = computeLayer(withGroups(spec, 1n), input);
      assert.ok(grouped.macs !== null && dense.macs !== null);
      assert.equal(grouped.weight_params * g, dense.weight_params);
      assert.equal(grouped.macs * g, dense.macs);
    }), RUNS);
  });

  it('conv output sizes equal a brute-force count of window positions on the padded input', () => {
    const geometry = fc.record({
      // PyTorch refuses empty spatial inputs whatever the padding (see the golden data).
      size: fc.integer({ min: 1, max: 20 }),
      kernel: fc.integer({ min: 1, max: 6 }),
      stride: fc.integer({ min: 1, max: 4 }),
      dilation: fc.integer({ min: 1, max: 3 }),
      padding: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant('same' as const), fc.constant('valid' as const)),
    });
    fc.assert(fc.property(geometry, ({ size, kernel, stride, dilation, padding }) => {
      const spec = build({
        type: 'Conv1d', in_channels: 2n, out_channels: 3n, kernel_size: BigInt(kernel), dilation: BigInt(dilation),
        stride: padding === 'same' ? 1n : BigInt(stride), padding: typeof padding === 'string' ? padding : BigInt(padding),
      });
      const [[before, after]] = paddingPerSide(spec);
      const count = countWindows(Number(before) + size + Number(after), kernel, dilation, Number(spec.stride[0]));
      const result = forwardShape(spec, [1n, 2n, BigInt(size)]);
      if (count === 0) {
        assert.ok(!result.ok);
        return;
      }
      assert.ok(result.ok, result.ok ? '' : result.error.message);
      assert.deepEqual(result.output, [1n, 3n, BigInt(count)]);
      if (padding === 'same') assert.equal(count, size);
    }), { numRuns: 300 });
  });

  it('transposed output sizes equal a brute-force scatter of every input element through the kernel', () => {
    const geometry = fc.record({
      size: fc.integer({ min: 1, max: 12 }),
      kernel: fc.integer({ min: 1, max: 6 }),
      stride: fc.integer({ min: 1, max: 4 }),
      dilation: fc.integer({ min: 1, max: 3 }),
      padding: fc.integer({ min: 0, max: 4 }),
      outputPadding: fc.integer({ min: 0, max: 3 }),
    }).filter((g) => g.outputPadding < g.stride || g.outputPadding < g.dilation);
    fc.assert(fc.property(geometry, ({ size, kernel, stride, dilation, padding, outputPadding }) => {
      const spec = build({
        type: 'ConvTranspose2d', in_channels: 2n, out_channels: 4n, kernel_size: tuple2(kernel, 1), stride: tuple2(stride, 1),
        dilation: tuple2(dilation, 1), padding: tuple2(padding, 0), output_padding: tuple2(outputPadding, 0),
      });
      const length = scatterLength(size, kernel, stride, dilation) - 2 * padding + outputPadding;
      const result = forwardShape(spec, [2n, BigInt(size), 3n]);
      if (length < 1) {
        assert.ok(!result.ok);
        return;
      }
      assert.ok(result.ok, result.ok ? '' : result.error.message);
      assert.deepEqual(result.output, [4n, BigInt(length), 3n]);
    }), { numRuns: 300 });
  });

  it("MobileNet's 1/N + 1/k^2 equals the counted depthwise-separable MAC and params ratios (stride 1, 'same', no bias)", () => {
    // Exact here because with stride 1 and 'same' the depthwise conv, the pointwise conv and the
    // dense conv all produce the input's H x W, so every count shares the factor H x W x M:
    // (H W M k^2 + H W M N) / (H W M N k^2) = 1/N + 1/k^2, and the weights likewise without H W.
    // Bias would add terms the closed form leaves out; the only difference left is float rounding.
    const layer = fc.record({
      inChannels: fc.integer({ min: 1, max: 64 }),
      outChannels: fc.integer({ min: 1, max: 64 }),
      kernel: fc.integer({ min: 1, max: 7 }),
      side: fc.integer({ min: 1, max: 16 }),
    });
    fc.assert(fc.property(layer, ({ inChannels, outChannels, kernel, side }) => {
      const spec = build({ type: 'Conv2d', in_channels: BigInt(inChannels), out_channels: BigInt(outChannels), kernel_size: BigInt(kernel), padding: 'same', bias: false });
      const comparison = separableReplacement(spec, [1n, BigInt(inChannels), BigInt(side), BigInt(side)]);
      assert.ok(comparison && comparison.macs_ratio !== null);
      const closedForm = 1 / outChannels + 1 / (kernel * kernel);
      assert.equal(comparison.mobilenet_ratio, closedForm);
      assert.ok(Math.abs(comparison.macs_ratio - closedForm) <= 4 * Number.EPSILON * closedForm);
      assert.ok(Math.abs(comparison.params_ratio - closedForm) <= 4 * Number.EPSILON * closedForm);
    }), RUNS);
  });

  it('validGroups are exactly the divisors of gcd(in, out), and exactly the groups PyTorch accepts', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 120 }), (cin, cout) => {
      const { values, complete } = validGroups(BigInt(cin), BigInt(cout));
      const accepted: bigint[] = [];
      for (let g = 1; g <= Math.max(cin, cout); g++) {
        if (buildConv({ type: 'Conv1d', in_channels: BigInt(cin), out_channels: BigInt(cout), kernel_size: 1n, groups: BigInt(g) }).ok) accepted.push(BigInt(g));
      }
      const divisorsOfGcd = accepted.filter((g) => gcd(BigInt(cin), BigInt(cout)) % g === 0n);
      assert.ok(complete);
      assert.deepEqual(values, accepted);
      assert.deepEqual(values, divisorsOfGcd);
    }), { numRuns: 100 });
  });

  it('validGroups lists every divisor of large gcds built from known primes', () => {
    // Small and mid-size primes to any power, and at most one prime near 10^12 (which Miller-Rabin
    // recognizes; two such factors would exceed the factoring budget, and the list says so).
    const primes = [2n, 3n, 5n, 7n, 1_009n, 999_983n, 1_000_003n];
    const bigPrime = 999_999_999_989n;
    const exponents = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: primes.length, maxLength: primes.length });
    fc.assert(fc.property(exponents, fc.boolean(), (powers, withBig) => {
      const n = primes.reduce((acc, p, i) => acc * p ** BigInt(powers[i]), withBig ? bigPrime : 1n);
      const { values, complete, count } = validGroups(n * 3n, n * 4n);
      const expected = powers.reduce((acc, e) => acc * (e + 1), withBig ? 2 : 1);
      assert.equal(count, BigInt(expected));
      // More than DIVISORS_LISTED divisors: 1, n and those nearest groups=1, never the whole list.
      assert.equal(complete, expected <= DIVISORS_LISTED);
      if (complete) assert.equal(values.length, expected);
      else assert.ok(values.length <= 18 && values[0] === 1n);
      assert.ok(values.every((v) => n % v === 0n));
      assert.ok(values.every((v, i) => i === 0 || values[i - 1] < v));
      assert.equal(values[values.length - 1], n);
    }), { numRuns: 30 });
    assert.ok(isProbablePrime(bigPrime));
    assert.ok(!isProbablePrime(999_983n * 1_000_003n));
  });

  it('validGroups says when a gcd is too hard to factor, and still lists only true divisors', () => {
    const hard = 2_147_483_647n * 2_305_843_009_213_693_951n * 6n;
    const { values, complete } = validGroups(hard, hard);
    assert.equal(complete, false);
    assert.ok(values.every((v) => hard % v === 0n));
    assert.deepEqual(values.slice(0, 4), [1n, 2n, 3n, 6n]);
  });

  it('connectivity cells equal a brute-force count of connected channel pairs', () => {
    fc.assert(fc.property(groupedChannels, fc.integer({ min: 1, max: 20 }), ({ groups, inPerGroup, outPerGroup }, cells) => {
      const g = BigInt(groups);
      const spec = build({ type: 'Conv2d', in_channels: g * BigInt(inPerGroup), out_channels: g * BigInt(outPerGroup), kernel_size: 1n, groups: g });
      const picture = connectivity(spec, cells);
      const cin = Number(spec.in_channels);
      const cout = Number(spec.out_channels);
      assert.equal(picture.rows, Math.min(cout, cells));
      assert.equal(picture.cols, Math.min(cin, cells));
      for (let r = 0; r < picture.rows; r++) {
        for (let c = 0; c < picture.cols; c++) {
          const expected = bruteForceFraction(bin(cout, picture.rows, r), bin(cin, picture.cols, c), inPerGroup, outPerGroup);
          assert.ok(Math.abs(picture.matrix[r][c] - expected) <= 1e-6, `cell ${r},${c}: ${picture.matrix[r][c]} vs ${expected}`);
        }
      }
    }), { numRuns: 100 });
  });

  it('keeps params and MACs exact past 2^53 (10^12 channels)', () => {
    fc.assert(fc.property(fc.bigInt({ min: 10n ** 11n, max: 10n ** 13n }), fc.bigInt({ min: 1n, max: 1000n }), fc.integer({ min: 1, max: 7 }), (perGroup, g, kernel) => {
      const channels = perGroup * g;
      const k = BigInt(kernel);
      const spec = build({ type: 'Conv2d', in_channels: channels, out_channels: channels, kernel_size: k, groups: g });
      const record = computeLayer(spec, [1n, channels, 8n, 8n]);
      const expectedParams = channels * perGroup * k * k + channels;
      assert.equal(record.params, expectedParams);
      assert.ok(record.output_shape !== null);
      const side = 9n - k;
      assert.equal(record.macs, side * side * channels * perGroup * k * k);
      assert.ok(expectedParams > BigInt(Number.MAX_SAFE_INTEGER));
    }), { numRuns: 50 });
    const trillion = computeLayer(build({ type: 'Conv2d', in_channels: 10n ** 12n, out_channels: 10n ** 12n, kernel_size: 3n }), null);
    assert.equal(trillion.params, 9_000_000_000_001_000_000_000_000n);
    assert.notEqual(BigInt(Number(trillion.params)), trillion.params);
  });

  it('toJson writes integers exactly, and reads back to the same values', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), fc.string(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(fc.string(), tie('value'), { maxKeys: 4, noNullPrototype: true }),
    }));
    fc.assert(fc.property(json.value, fc.constantFrom(0, 2), (value, indent) => {
      const text = toJson(value as never, indent);
      assert.deepEqual(parseExactJson(text), value);
    }), RUNS);
    assert.equal(toJson({ macs: 2n ** 64n + 1n }), '{"macs":18446744073709551617}');
  });
});

function tuple2(first: number, second: number): PyValue {
  return tuple([BigInt(first), BigInt(second)]);
}

/** Start positions x = 0, s, 2s, ... whose dilated window x + d(k-1) still lies inside the padded input. */
function countWindows(padded: number, kernel: number, dilation: number, stride: number): number {
  let count = 0;
  for (let x = 0; x + dilation * (kernel - 1) < padded; x += stride) count++;
  return count;
}

/** One past the furthest output index any input element i reaches through tap j: i*s + j*d. */
function scatterLength(size: number, kernel: number, stride: number, dilation: number): number {
  let furthest = -1;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < kernel; j++) furthest = Math.max(furthest, i * stride + j * dilation);
  }
  return furthest + 1;
}

/** The channels a picture's bin covers: [floor(C i / bins), floor(C (i+1) / bins)). */
function bin(channels: number, bins: number, i: number): [number, number] {
  return [Math.floor((channels * i) / bins), Math.floor((channels * (i + 1)) / bins)];
}

function bruteForceFraction(outs: [number, number], ins: [number, number], inPerGroup: number, outPerGroup: number): number {
  let connected = 0;
  for (let o = outs[0]; o < outs[1]; o++) {
    for (let c = ins[0]; c < ins[1]; c++) if (Math.floor(o / outPerGroup) === Math.floor(c / inPerGroup)) connected++;
  }
  return connected / ((outs[1] - outs[0]) * (ins[1] - ins[0]));
}
