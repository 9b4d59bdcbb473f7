/**
 * Small tensor helpers for the sandbox: seeded random fills and the channel rearrangements the
 * equivalence checks need. Tensors are NC(D)(H)W-contiguous fp32, `volume` floats per channel.
 */

/** A seeded generator of uniform floats in [-1, 1) (mulberry32), so a run can be repeated exactly. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2147483648 - 1;
  };
}

export function fillRandom(target: Float32Array, random: () => number, scale = 1): Float32Array {
  for (let i = 0; i < target.length; i++) target[i] = random() * scale;
  return target;
}

/** Channels [from, from + count) of every batch item. */
export function sliceChannels(tensor: Float32Array, batch: number, channels: number, volume: number, from: number, count: number): Float32Array {
  const out = new Float32Array(batch * count * volume);
  for (let n = 0; n < batch; n++) {
    const start = (n * channels + from) * volume;
    out.set(tensor.subarray(start, start + count * volume), n * count * volume);
  }
  return out;
}

/** Concatenates per-batch channel blocks: parts[i] holds `counts[i]` channels for every batch item. */
export function concatChannels(parts: readonly Float32Array[], counts: readonly number[], batch: number, volume: number): Float32Array {
  const channels = counts.reduce((a, b) => a + b, 0);
  const out = new Float32Array(batch * channels * volume);
  for (let n = 0; n < batch; n++) {
    let at = n * channels * volume;
    parts.forEach((part, i) => {
      const size = counts[i] * volume;
      out.set(part.subarray(n * size, (n + 1) * size), at);
      at += size;
    });
  }
  return out;
}

/**
 * The dense [rows][columns][taps] weight equal to a grouped [rows][columns/g][taps] one: group k's
 * block sits at rows k*rows/g.. and columns k*columns/g.., zeros elsewhere. For a conv the rows
 * are output channels and the columns input channels; a transposed conv has them the other way.
 */
export function blockDiagonal(grouped: Float32Array, groups: number, rows: number, columns: number, taps: number): Float32Array {
  const perGroup = columns / groups;
  const rowsPerGroup = rows / groups;
  const dense = new Float32Array(rows * columns * taps);
  for (let r = 0; r < rows; r++) {
    const first = Math.floor(r / rowsPerGroup) * perGroup;
    for (let c = 0; c < perGroup; c++) {
      dense.set(grouped.subarray((r * perGroup + c) * taps, (r * perGroup + c + 1) * taps), (r * columns + first + c) * taps);
    }
  }
  return dense;
}

/**
 * The one dense kernel a depthwise conv D [C_in][1][taps] followed by a pointwise conv
 * P [C_out][C_in][1] computes: W[o, i, t] = P[o, i] * D[i, t].
 */
export function composeSeparable(depthwise: Float32Array, pointwise: Float32Array, outChannels: number, inChannels: number, taps: number): Float32Array {
  const dense = new Float32Array(outChannels * inChannels * taps);
  for (let o = 0; o < outChannels; o++) {
    for (let i = 0; i < inChannels; i++) {
      const p = pointwise[o * inChannels + i];
      for (let t = 0; t < taps; t++) dense[(o * inChannels + i) * taps + t] = p * depthwise[i * taps + t];
    }
  }
  return dense;
}

/** Largest |a[i] - b[i]|, or Infinity when the lengths differ or a value is not finite. */
export function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return worst;
}

export function maxAbs(values: Float32Array): number {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m;
}
