import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConvArgs, ConvType, PyValue, buildConv, computeLayer, tuple } from '../../../src/core';
import { ConvGeometry, geometryFromRecord } from '../../../src/kernel/geometry';
import { ConvTensors } from '../../../src/kernel/reference';

/** One PyTorch-computed case from test/fixtures/kernel/cases.json (see scripts/kernel/make_fixtures.py). */
export interface FixtureCase {
  name: string;
  geometry: ConvGeometry;
  tensors: ConvTensors;
  expected: Float32Array;
}

interface RawCase {
  type: ConvType;
  args: Record<string, number | number[] | string | boolean>;
  input_shape: number[];
  input: string;
  weight: string;
  bias: string | null;
  output: string;
}

export function decodeFloats(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function toPy(value: number | number[] | string | boolean): PyValue {
  if (Array.isArray(value)) return tuple(value.map((v) => BigInt(v)));
  if (typeof value === 'number') return BigInt(value);
  return value;
}

/** Builds the layer through the core, exactly as the extension does, and reads its geometry. */
export function geometryFor(type: ConvType, args: Record<string, PyValue>, inputShape: readonly number[]): ConvGeometry {
  const built = buildConv({ type, ...args } as unknown as ConvArgs);
  if (!built.ok) throw new Error(built.error.message);
  const record = computeLayer(built.spec, inputShape.map(BigInt));
  const result = geometryFromRecord(record);
  if (!result.ok) throw new Error(result.message);
  return result.geometry;
}

/** A test name that spells the case: `x=[1,4,8,8] w=[8,1,3,3] g=4 s=2 p=same`. */
export function caseName(g: ConvGeometry, padding: string): string {
  const spatial = (s: readonly number[]): number[] => s.slice(3 - g.rank);
  const x = [g.batch, g.inChannels, ...spatial(g.inSize)];
  const w = g.transposed
    ? [g.inChannels, g.outChannels / g.groups, ...spatial(g.kernel)]
    : [g.outChannels, g.inChannels / g.groups, ...spatial(g.kernel)];
  const parts = [`x=[${x.join(',')}]`, `w=[${w.join(',')}]`, `g=${g.groups}`];
  const stride = spatial(g.stride);
  if (stride.some((s) => s !== 1)) parts.push(`s=${stride.join(',')}`);
  const dilation = spatial(g.dilation);
  if (dilation.some((d) => d !== 1)) parts.push(`d=${dilation.join(',')}`);
  parts.push(`p=${padding}`);
  const outputPadding = spatial(g.outputPadding);
  if (outputPadding.some((p) => p !== 0)) parts.push(`op=${outputPadding.join(',')}`);
  if (!g.bias) parts.push('nobias');
  return parts.join(' ');
}

/** Deterministic pseudo-random floats in [-0.5, 0.5) (a linear congruential generator). */
export function seeded(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

let cached: FixtureCase[] | null = null;

export function fixtureCases(): FixtureCase[] {
  if (cached) return cached;
  const file = path.join(__dirname, '../../fixtures/kernel/cases.json');
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { cases: RawCase[] };
  cached = raw.cases.map((c) => {
    const args = Object.fromEntries(Object.entries(c.args).map(([k, v]) => [k, toPy(v)]));
    const geometry = geometryFor(c.type, args, c.input_shape);
    const padding = c.args.padding;
    const shownPadding = padding === undefined ? '0' : Array.isArray(padding) ? padding.join(',') : String(padding);
    return {
      name: `${c.type} ${caseName(geometry, shownPadding)}`,
      geometry,
      tensors: { input: decodeFloats(c.input), weight: decodeFloats(c.weight), bias: c.bias ? decodeFloats(c.bias) : null },
      expected: decodeFloats(c.output),
    };
  });
  return cached;
}
