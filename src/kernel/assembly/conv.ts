// The WebAssembly convolution kernel, written in AssemblyScript and compiled twice by
// scripts/kernel/build-wasm.mjs: once with plain SIMD128 and once with relaxed SIMD, where
// `madd` becomes a fused multiply-add. The boundary is thin: every export takes byte offsets
// into this module's memory and plain numbers; the TypeScript side (src/kernel/plan.ts) lays
// out memory and computes every derived size, so nothing here allocates.
//
// One idea carries every path. The input is copied once into zero-padded "phase planes": for
// stride s, plane (pz, py, px) holds padded[z*sd+pz][y*sh+py][x*sw+px]. A tap (a, b, c) then reads
// one plane at a fixed offset, so the convolution becomes a sum of shifted contiguous reads.
// Flattening each plane to one dimension (index (z*hq + y)*wq + x) makes those reads contiguous
// across row ends too: the "virtual" output q = (z*hq + y)*wq + x is computed for every x < wq
// and the columns x >= ow are garbage that compaction drops.

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** The first byte the TypeScript side may use. */
export function heapBase(): usize {
  return __heap_base;
}

/** Whether this build uses relaxed-SIMD fused multiply-adds (1) or SIMD mul+add (0). */
export function relaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}

/**
 * Copies `channels` planes of id x ih x iw floats from `src` into zero-padded phase planes at
 * `dst`, `chanStride` floats apart per channel. Every float of a channel's region is written
 * exactly once (input or zero), the tail past the planes being zeroed slack that garbage
 * columns may read.
 */
export function prepareInput(
  src: usize, dst: usize, channels: i32,
  id: i32, ih: i32, iw: i32, pf: i32, pt: i32, pl: i32,
  sd: i32, sh: i32, sw: i32, dq: i32, hq: i32, wq: i32, chanStride: i32,
): void {
  const planeSize = dq * hq * wq;
  const planesEnd = <usize>(sd * sh * sw * planeSize) * 4;
  for (let c = 0; c < channels; c++) {
    const chanSrc = src + <usize>c * <usize>(id * ih * iw) * 4;
    const chanDst = dst + <usize>c * <usize>chanStride * 4;
    for (let pz = 0; pz < sd; pz++) {
      for (let py = 0; py < sh; py++) {
        for (let px = 0; px < sw; px++) {
          const plane = chanDst + <usize>(((pz * sh + py) * sw + px) * planeSize) * 4;
          for (let z = 0; z < dq; z++) {
            const zi = z * sd + pz - pf;
            for (let y = 0; y < hq; y++) {
              const yi = y * sh + py - pt;
              const rowDst = plane + <usize>((z * hq + y) * wq) * 4;
              if (zi < 0 || zi >= id || yi < 0 || yi >= ih) {
                zeroFloats(rowDst, wq);
                continue;
              }
              copyRow(chanSrc + <usize>((zi * ih + yi) * iw) * 4, rowDst, iw, wq, sw, px, pl);
            }
          }
        }
      }
    }
    memory.fill(chanDst + planesEnd, 0, <usize>chanStride * 4 - planesEnd);
  }
}

/** Fills one row of wq columns with phase column px of an input row: dst[x] = src[x*sw + px - pl], or 0 outside it. */
@inline function copyRow(rowSrc: usize, rowDst: usize, iw: i32, wq: i32, sw: i32, px: i32, pl: i32): void {
  if (sw === 1) {
    const left = min(pl, wq);
    const copied = min(iw, wq - left);
    zeroFloats(rowDst, left);
    copyFloats(rowDst + <usize>left * 4, rowSrc, copied);
    zeroFloats(rowDst + <usize>(left + copied) * 4, wq - left - copied);
    return;
  }
  // Columns [first, last) land inside the input row; those before and after are padding.
  const first = min(wq, max(0, (pl - px + sw - 1) / sw));
  const reach = iw - 1 + pl - px;
  const last = reach < 0 ? first : max(first, min(wq, reach / sw + 1));
  zeroFloats(rowDst, first);
  let x = first;
  let src = rowSrc + <usize>(first * sw + px - pl) * 4;
  if (sw === 2) {
    // Stride 2: every other float of two loaded vectors, one shuffle per 4 columns.
    for (; x + 4 <= last && src + 32 <= rowSrc + <usize>iw * 4; x += 4) {
      v128.store(rowDst + <usize>x * 4, v128.shuffle<f32>(v128.load(src), v128.load(src, 16), 0, 2, 4, 6));
      src += 32;
    }
  }
  for (; x < last; x++) {
    store<f32>(rowDst + <usize>x * 4, load<f32>(src));
    src += <usize>sw * 4;
  }
  zeroFloats(rowDst + <usize>last * 4, wq - last);
}

/**
 * Dense and grouped convolution for one batch element, from prepared planes. Weights are packed
 * per group and block of 4 output channels as [tap][inPerGroup][4] (zero rows pad the last
 * block), so the inner loop reads 4 consecutive floats per step. `taps` holds each tap's offset
 * in BYTES within a channel's planes.
 *
 * Blocking follows the cache: the reduction is split into chunks of `kc` input channels, and
 * the outputs into chunks of `nc`; for one (kc, nc) chunk the input it reads stays in L1 while
 * every block of 4 output channels passes over it, each block's weights staying in L1 across
 * the chunk. Chunks after the first accumulate onto the partial sums already in `vout`.
 */
export function convBlocked(
  prep: usize, packed: usize, bias: usize, vout: usize, output: usize, taps: usize, ntaps: i32,
  outChannels: i32, groups: i32, inPerGroup: i32, ocBlocks: i32, chanStride: i32, qPad: i32,
  od: i32, oh: i32, ow: i32, hq: i32, wq: i32, kc: i32, nc: i32,
): void {
  const outPerGroup = outChannels / groups;
  const chanBytes = <usize>chanStride * 4;
  const blockWeights = <usize>(inPerGroup * ntaps * 4) * 4;
  const tapStride = <usize>inPerGroup * 16;
  // When virtual outputs are exactly the output (no garbage columns or rows, whole blocks of 4
  // channels), the microkernel writes the output directly and nothing needs compacting.
  const inPlace = wq === ow && hq === oh && qPad === od * oh * ow && outPerGroup % 4 === 0;
  for (let g = 0; g < groups; g++) {
    const groupIn = prep + <usize>(g * inPerGroup) * chanBytes;
    const groupOut = output + <usize>(g * outPerGroup) * <usize>(od * oh * ow) * 4;
    const target = inPlace ? groupOut : vout;
    for (let c0 = 0; c0 < inPerGroup; c0 += kc) {
      const count = min(kc, inPerGroup - c0);
      const chunkIn = groupIn + <usize>c0 * chanBytes;
      for (let q0 = 0; q0 < qPad; q0 += nc) {
        const qEnd = min(q0 + nc, qPad);
        for (let ob = 0; ob < ocBlocks; ob++) {
          const weights = packed + <usize>(g * ocBlocks + ob) * blockWeights + <usize>c0 * 16;
          const blockBias = bias + <usize>(g * outPerGroup + ob * 4) * 4;
          const blockOut = target + <usize>(ob * 4 * qPad) * 4;
          for (let q = q0; q < qEnd; q += 8) {
            block4x8(chunkIn + <usize>q * 4, chanBytes, weights, tapStride, taps, ntaps, count,
              c0 === 0 ? blockBias : 0, blockOut + <usize>q * 4, <usize>qPad * 4);
          }
        }
      }
    }
    if (!inPlace) compact(vout, qPad, groupOut, outPerGroup, od, oh, ow, hq, wq);
  }
}

/**
 * The register-blocked microkernel: 4 output channels x 8 outputs (2 vectors) over `count`
 * input channels and every tap. It starts from the bias when `bias` is non-zero, otherwise from
 * the partial sums already in `out`.
 */
@inline function block4x8(
  input: usize, chanBytes: usize, weights: usize, tapStride: usize, taps: usize, ntaps: i32, count: i32,
  bias: usize, out: usize, outRowBytes: usize,
): void {
  const out1 = out + outRowBytes;
  const out2 = out1 + outRowBytes;
  const out3 = out2 + outRowBytes;
  let a00: v128, a01: v128, a10: v128, a11: v128, a20: v128, a21: v128, a30: v128, a31: v128;
  if (bias) {
    a00 = v128.load32_splat(bias, 0);
    a10 = v128.load32_splat(bias, 4);
    a20 = v128.load32_splat(bias, 8);
    a30 = v128.load32_splat(bias, 12);
    a01 = a00;
    a11 = a10;
    a21 = a20;
    a31 = a30;
  } else {
    a00 = v128.load(out);
    a01 = v128.load(out, 16);
    a10 = v128.load(out1);
    a11 = v128.load(out1, 16);
    a20 = v128.load(out2);
    a21 = v128.load(out2, 16);
    a30 = v128.load(out3);
    a31 = v128.load(out3, 16);
  }
  for (let t = 0; t < ntaps; t++) {
    let chan = input + <usize>load<i32>(taps + <usize>t * 4);
    let w = weights + <usize>t * tapStride;
    const end = chan + <usize>count * chanBytes;
    for (; chan < end; chan += chanBytes) {
      const x0 = v128.load(chan);
      const x1 = v128.load(chan, 16);
      let k = v128.load32_splat(w, 0);
      a00 = madd(x0, k, a00);
      a01 = madd(x1, k, a01);
      k = v128.load32_splat(w, 4);
      a10 = madd(x0, k, a10);
      a11 = madd(x1, k, a11);
      k = v128.load32_splat(w, 8);
      a20 = madd(x0, k, a20);
      a21 = madd(x1, k, a21);
      k = v128.load32_splat(w, 12);
      a30 = madd(x0, k, a30);
      a31 = madd(x1, k, a31);
      w += 16;
    }
  }
  v128.store(out, a00);
  v128.store(out, a01, 16);
  v128.store(out1, a10);
  v128.store(out1, a11, 16);
  v128.store(out2, a20);
  v128.store(out2, a21, 16);
  v128.store(out3, a30);
  v128.store(out3, a31, 16);
}

/** Copies the valid outputs (x < ow, y < oh) of `channels` virtual planes into NCDHW output. */
function compact(vout: usize, qPad: i32, out: usize, channels: i32, od: i32, oh: i32, ow: i32, hq: i32, wq: i32): void {
  for (let c = 0; c < channels; c++) {
    const src = vout + <usize>(c * qPad) * 4;
    const dst = out + <usize>(c * od * oh * ow) * 4;
    if (wq === ow && hq === oh) {
      memory.copy(dst, src, <usize>(od * oh * ow) * 4);
      continue;
    }
    for (let z = 0; z < od; z++) {
      for (let y = 0; y < oh; y++) {
        copyFloats(dst + <usize>((z * oh + y) * ow) * 4, src + <usize>((z * hq + y) * wq) * 4, ow);
      }
    }
  }
}

/**
 * Depthwise convolution (one input channel per group, `multiplier` outputs each) for one batch
 * element. Each input channel is prepared alone into `prep`, then every output channel it feeds
 * is computed row by row straight into the output.
 *
 * With `stripRows` > 0 (1d and 2d layers) the channel goes in strips of that many output rows, whose
 * padded input rows are prepared into an L1-sized buffer, `rowFloats` floats per row: the row
 * split into its `sw` column phases, `phaseFloats` apart (phase px holds columns x*sw + px), so every
 * tap of any stride and dilation reads contiguous floats at a fixed offset from its output row,
 * and padding is zeros in the buffer. Output row y of a strip starts at y*sh rows. The compute
 * loops therefore have no border branches at all: the strip copy is where the border is handled.
 * With `stripRows` = 0 (3d layers) the channel is prepared whole into phase planes.
 *
 * `kernel` picks the compute loop: 0 any taps from the table; 1 the 3x3 stride-1 two-row loop;
 * 2 the strip rows loop for any kernel, stride and dilation.
 */
export function convDepthwise(
  input: usize, prep: usize, weight: usize, bias: usize, output: usize, taps: usize, ntaps: i32,
  channels: i32, multiplier: i32,
  id: i32, ih: i32, iw: i32, pf: i32, pt: i32, pl: i32, sd: i32, sh: i32, sw: i32,
  dq: i32, hq: i32, wq: i32, chanStride: i32, od: i32, oh: i32, ow: i32, kernel: i32,
  stripRows: i32, stripInRows: i32, rowFloats: i32, phaseFloats: i32, kh: i32, kw: i32, dh: i32,
): void {
  const outPlane = <usize>(od * oh * ow) * 4;
  const inPlane = <usize>(id * ih * iw) * 4;
  const rowBytes = <usize>rowFloats * 4;
  const scratch = prep + <usize>(stripInRows * rowFloats + 8) * 4;
  // The first row whose pairs of vectors (see depthwiseRows) would write past the channel.
  const spare = oh * ow - ((ow + 7) & ~7);
  const lastRows = spare < 0 ? 0 : spare / ow + 1;
  // Strip rows are written only where they hold input (see prepareRows): the rest stays zero.
  if (stripRows > 0) zeroFloats(prep, stripInRows * rowFloats + 8);
  for (let c = 0; c < channels; c++) {
    const chanIn = input + <usize>c * inPlane;
    if (stripRows > 0) {
      for (let y0 = 0; y0 < oh; y0 += stripRows) {
        const rows = min(stripRows, oh - y0);
        prepareRows(chanIn, prep, ih, iw, pt, pl, sw, wq, phaseFloats, rowFloats, y0 * sh, min(stripInRows, (rows - 1) * sh + (kh - 1) * dh + 2));
        for (let m = 0; m < multiplier; m++) {
          const oc = c * multiplier + m;
          const out = output + <usize>oc * outPlane + <usize>(y0 * ow) * 4;
          const w = weight + <usize>(oc * ntaps) * 4;
          const b = f32x4.splat(load<f32>(bias + <usize>oc * 4));
          const step = <usize>sh * rowBytes;
          if (kernel === 1) depthwise3x3(prep, w, b, out, rows, ow, rowFloats);
          else if (kernel === 0) depthwiseTaps(prep, w, b, out, taps, ntaps, 1, rows, ow, 0, step);
          else {
            // Rows from `lastRows` on would run past the channel's end onto the next channel,
            // which with a multiplier > 1 was written strips ago: they go through `scratch`.
            const direct = min(rows, max(0, lastRows - y0));
            depthwiseRows(prep, w, b, out, taps, direct, ow, step, kh, kw, <usize>dh * rowBytes);
            for (let r = direct; r < rows; r++) {
              depthwiseRows(prep + <usize>r * step, w, b, scratch, taps, 1, ow, step, kh, kw, <usize>dh * rowBytes);
              copyFloats(out + <usize>(r * ow) * 4, scratch, ow);
            }
          }
        }
      }
      continue;
    }
    prepareInput(chanIn, prep, 1, id, ih, iw, pf, pt, pl, sd, sh, sw, dq, hq, wq, chanStride);
    for (let m = 0; m < multiplier; m++) {
      const oc = c * multiplier + m;
      const w = weight + <usize>(oc * ntaps) * 4;
      const b = f32x4.splat(load<f32>(bias + <usize>oc * 4));
      depthwiseTaps(prep, w, b, output + <usize>oc * outPlane, taps, ntaps, od, oh, ow, <usize>(hq * wq) * 4, <usize>wq * 4);
    }
  }
}

/**
 * Padded rows [first, first + count) of one 2d channel into `dst`, `rowFloats` floats each: the
 * row's sw column phases side by side, `phaseFloats` apart (phase px, column x holds padded
 * column x*sw + px). Rows of vertical padding are zeroed whole. In an input row, strides 1 and 2
 * write only the columns that hold input, in whole vectors that may read a few floats past
 * either end of the row and write a vector past its last column, then zero what they overran:
 * the columns of horizontal padding are never written, so they keep the zeros convDepthwise
 * put there. Other strides rewrite the whole phase (copyRow).
 */
function prepareRows(
  chanSrc: usize, dst: usize, ih: i32, iw: i32, pt: i32, pl: i32, sw: i32, wq: i32, phaseFloats: i32, rowFloats: i32,
  first: i32, count: i32,
): void {
  const rowBytes = <usize>rowFloats * 4;
  // Rows [top, bottom) of the strip hold input rows; those above and below are vertical padding.
  const top = min(count, max(0, pt - first));
  const bottom = max(top, min(count, ih + pt - first));
  zeroFloats(dst, top * rowFloats);
  zeroFloats(dst + <usize>bottom * rowBytes, (count - bottom) * rowFloats);
  const src = chanSrc + <usize>((first + top - pt) * iw) * 4;
  const rows = bottom - top;
  const rowDst = dst + <usize>top * rowBytes;
  if (sw === 1) copyInputRows(src, rowDst + <usize>pl * 4, rowBytes, iw, rows);
  else if (sw === 2) splitInputRows(src, rowDst, rowBytes, <usize>phaseFloats * 4, iw, pl, rows);
  else {
    for (let r = 0; r < rows; r++) {
      const rowSrc = src + <usize>(r * iw) * 4;
      for (let px = 0; px < sw; px++) copyRow(rowSrc, rowDst + <usize>r * rowBytes + <usize>(px * phaseFloats) * 4, iw, wq, sw, px, pl);
    }
  }
}

/** Input rows of iw floats to rows rowBytes apart, in whole vectors, then zeros over the (up to 3) floats overrun. */
function copyInputRows(src: usize, dst: usize, rowBytes: usize, iw: i32, rows: i32): void {
  const end = <usize>iw * 4;
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    for (let o: usize = 0; o < end; o += 16) v128.store(dst + o, v128.load(src + o));
    v128.store(dst + end, zero);
    src += end;
    dst += rowBytes;
  }
}

/**
 * Input rows into their two stride-2 phases: padded column P = X + pl goes to phase P mod 2,
 * column P div 2. Two loaded vectors (8 input floats, starting at an even P) make one vector of
 * each phase by shuffling even and odd lanes. With odd padding the first vector starts one float
 * before the row, whose lane lands in the left padding and is zeroed after; past the row, the
 * even phase's columns from (pl + iw + 1) div 2 and the odd one's from (pl + iw) div 2 are.
 */
function splitInputRows(src: usize, dst: usize, rowBytes: usize, phaseBytes: usize, iw: i32, pl: i32, rows: i32): void {
  const odd = pl & 1;
  const start = <usize>(pl >> 1) * 4;
  const end = <usize>((pl + iw + 1) >> 1) * 4;
  const oddEnd = <usize>((pl + iw) >> 1) * 4 + phaseBytes;
  const zero = f32x4.splat(0);
  let from = src - <usize>odd * 4;
  for (let r = 0; r < rows; r++) {
    let read = from;
    for (let o = start; o < end; o += 16) {
      const a = v128.load(read);
      const b = v128.load(read, 16);
      v128.store(dst + o, v128.shuffle<f32>(a, b, 0, 2, 4, 6));
      v128.store(dst + o + phaseBytes, v128.shuffle<f32>(a, b, 1, 3, 5, 7));
      read += 32;
    }
    if (odd) store<f32>(dst + start, 0);
    v128.store(dst + end, zero);
    v128.store(dst + oddEnd, zero);
    from += <usize>iw * 4;
    dst += rowBytes;
  }
}

/**
 * Any depthwise tap set: each 4-output vector sums its taps, weights splatted from memory.
 * Output row (z, y) reads from prep + z*slabStep + y*rowStep (bytes), tap offsets added.
 */
function depthwiseTaps(prep: usize, w: usize, bias: v128, out: usize, taps: usize, ntaps: i32, od: i32, oh: i32, ow: i32, slabStep: usize, rowStep: usize): void {
  for (let z = 0; z < od; z++) {
    for (let y = 0; y < oh; y++) {
      const row = prep + <usize>z * slabStep + <usize>y * rowStep;
      const dst = out + <usize>((z * oh + y) * ow) * 4;
      // Whole vectors on byte offsets, then the last partial vector.
      const whole = <usize>(ow & ~3) * 4;
      let o: usize = 0;
      for (; o < whole; o += 16) v128.store(dst + o, depthwiseVector(row + o, w, taps, ntaps, bias));
      if (o < <usize>ow * 4) storeUpTo(dst + o, depthwiseVector(row + o, w, taps, ntaps, bias), ow - <i32>(o >> 2));
    }
  }
}

/**
 * Any kernel width, height, stride and dilation, over a strip in row layout: output row y reads
 * from prep + y*step, kernel row r another r*rowStep bytes on, and kernel column j the fixed
 * column offset taps[j]. Each row sums its kernel columns three at a time (rowColumns3), the
 * one or two left over one at a time (rowColumn); passes after the first add to what the first
 * stored. A row's last pair of vectors may run up to 7 outputs past its end, onto the next
 * output rows, which are written after this one (convDepthwise sees to a channel's last rows).
 */
function depthwiseRows(prep: usize, w: usize, bias: v128, out: usize, taps: usize, rows: i32, ow: i32, step: usize, kh: i32, kw: i32, rowStep: usize): void {
  if (kw === 3) {
    depthwiseRows3(prep, w, bias, out, taps, rows, ow, step, kh, rowStep);
    return;
  }
  const span = <usize>((ow + 7) & ~7) * 4;
  const weightRow = <usize>kw * 4;
  for (let y = 0; y < rows; y++) {
    const row = prep + <usize>y * step;
    const dst = out + <usize>(y * ow) * 4;
    // The first pass is written apart so that, inlined, its `first` is a constant.
    let c = kw >= 3 ? 3 : 1;
    if (kw >= 3) rowColumns3(row, w, weightRow, taps, true, bias, dst, span, kh, rowStep);
    else rowColumn(row, w, weightRow, <usize>load<i32>(taps), true, bias, dst, span, kh, rowStep);
    for (; c + 3 <= kw; c += 3) rowColumns3(row, w + <usize>c * 4, weightRow, taps + <usize>c * 4, false, bias, dst, span, kh, rowStep);
    for (; c < kw; c++) rowColumn(row, w + <usize>c * 4, weightRow, <usize>load<i32>(taps + <usize>c * 4), false, bias, dst, span, kh, rowStep);
  }
}

/** Kernel width 3, the common case, in a function of its own: V8 allocates its registers better. */
function depthwiseRows3(prep: usize, w: usize, bias: v128, out: usize, taps: usize, rows: i32, ow: i32, step: usize, kh: i32, rowStep: usize): void {
  const span = <usize>((ow + 7) & ~7) * 4;
  for (let y = 0; y < rows; y++) {
    rowColumns3(prep + <usize>y * step, w, 12, taps, true, bias, out + <usize>(y * ow) * 4, span, kh, rowStep);
  }
}

/**
 * Three kernel columns (offsets at `taps`) over one output row, two vectors (8 outputs) at a
 * time: each weight splat serves both, and the two sums are independent for the CPU.
 */
@inline function rowColumns3(
  row: usize, w: usize, weightRow: usize, taps: usize, first: bool, bias: v128, dst: usize, span: usize, kh: i32, rowStep: usize,
): void {
  const c0 = <usize>load<i32>(taps, 0);
  const c1 = <usize>load<i32>(taps, 4);
  const c2 = <usize>load<i32>(taps, 8);
  for (let o: usize = 0; o < span; o += 32) {
    let a = first ? bias : v128.load(dst + o);
    let b = first ? bias : v128.load(dst + o, 16);
    let at = row + o;
    let k = w;
    for (let r = 0; r < kh; r++) {
      let kk = v128.load32_splat(k, 0);
      a = madd(v128.load(at + c0), kk, a);
      b = madd(v128.load(at + c0, 16), kk, b);
      kk = v128.load32_splat(k, 4);
      a = madd(v128.load(at + c1), kk, a);
      b = madd(v128.load(at + c1, 16), kk, b);
      kk = v128.load32_splat(k, 8);
      a = madd(v128.load(at + c2), kk, a);
      b = madd(v128.load(at + c2, 16), kk, b);
      at += rowStep;
      k += weightRow;
    }
    v128.store(dst + o, a);
    v128.store(dst + o, b, 16);
  }
}

/** One kernel column (offset c0) over one output row, as rowColumns3. */
@inline function rowColumn(
  row: usize, w: usize, weightRow: usize, c0: usize, first: bool, bias: v128, dst: usize, span: usize, kh: i32, rowStep: usize,
): void {
  for (let o: usize = 0; o < span; o += 32) {
    let a = first ? bias : v128.load(dst + o);
    let b = first ? bias : v128.load(dst + o, 16);
    let at = row + o + c0;
    let k = w;
    for (let r = 0; r < kh; r++) {
      const kk = v128.load32_splat(k);
      a = madd(v128.load(at), kk, a);
      b = madd(v128.load(at, 16), kk, b);
      at += rowStep;
      k += weightRow;
    }
    v128.store(dst + o, a);
    v128.store(dst + o, b, 16);
  }
}

/** One vector of 4 depthwise outputs: the bias plus every tap's input times its weight. */
@inline function depthwiseVector(at: usize, w: usize, taps: usize, ntaps: i32, bias: v128): v128 {
  let acc = bias;
  const end = taps + <usize>ntaps * 4;
  let k = w;
  for (let t = taps; t < end; t += 4) {
    acc = madd(v128.load(at + <usize>load<i32>(t)), v128.load32_splat(k), acc);
    k += 4;
  }
  return acc;
}

/**
 * 3x3, stride 1, dilation 1 depthwise (2d): the nine weights live in registers and two output
 * rows are computed together, so each loaded input vector serves up to six multiply-adds.
 */
function depthwise3x3(prep: usize, w: usize, bias: v128, out: usize, oh: i32, ow: i32, wq: i32): void {
  const k0 = v128.load32_splat(w, 0);
  const k1 = v128.load32_splat(w, 4);
  const k2 = v128.load32_splat(w, 8);
  const k3 = v128.load32_splat(w, 12);
  const k4 = v128.load32_splat(w, 16);
  const k5 = v128.load32_splat(w, 20);
  const k6 = v128.load32_splat(w, 24);
  const k7 = v128.load32_splat(w, 28);
  const k8 = v128.load32_splat(w, 32);
  const rowBytes = <usize>wq * 4;
  let y = 0;
  for (; y + 2 <= oh; y += 2) {
    const r0 = prep + <usize>(y * wq) * 4;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    const d0 = out + <usize>(y * ow) * 4;
    const d1 = d0 + <usize>ow * 4;
    // Whole vectors first, on byte offsets; the last partial vector after.
    const whole = <usize>(ow & ~3) * 4;
    let o: usize = 0;
    for (; o < whole; o += 16) {
      let top = bias;
      let bottom = bias;
      let v = v128.load(r0 + o);
      top = madd(v, k0, top);
      v = v128.load(r0 + o, 4);
      top = madd(v, k1, top);
      v = v128.load(r0 + o, 8);
      top = madd(v, k2, top);
      v = v128.load(r1 + o);
      top = madd(v, k3, top);
      bottom = madd(v, k0, bottom);
      v = v128.load(r1 + o, 4);
      top = madd(v, k4, top);
      bottom = madd(v, k1, bottom);
      v = v128.load(r1 + o, 8);
      top = madd(v, k5, top);
      bottom = madd(v, k2, bottom);
      v = v128.load(r2 + o);
      top = madd(v, k6, top);
      bottom = madd(v, k3, bottom);
      v = v128.load(r2 + o, 4);
      top = madd(v, k7, top);
      bottom = madd(v, k4, bottom);
      v = v128.load(r2 + o, 8);
      top = madd(v, k8, top);
      bottom = madd(v, k5, bottom);
      v = v128.load(r3 + o);
      bottom = madd(v, k6, bottom);
      v = v128.load(r3 + o, 4);
      bottom = madd(v, k7, bottom);
      v = v128.load(r3 + o, 8);
      bottom = madd(v, k8, bottom);
      v128.store(d0 + o, top);
      v128.store(d1 + o, bottom);
    }
    if (o < <usize>ow * 4) {
      // The same sums for the last, partial vector (AssemblyScript has no multi-value helper).
      let top = bias;
      let bottom = bias;
      let v = v128.load(r0 + o);
      top = madd(v, k0, top);
      v = v128.load(r0 + o, 4);
      top = madd(v, k1, top);
      v = v128.load(r0 + o, 8);
      top = madd(v, k2, top);
      v = v128.load(r1 + o);
      top = madd(v, k3, top);
      bottom = madd(v, k0, bottom);
      v = v128.load(r1 + o, 4);
      top = madd(v, k4, top);
      bottom = madd(v, k1, bottom);
      v = v128.load(r1 + o, 8);
      top = madd(v, k5, top);
      bottom = madd(v, k2, bottom);
      v = v128.load(r2 + o);
      top = madd(v, k6, top);
      bottom = madd(v, k3, bottom);
      v = v128.load(r2 + o, 4);
      top = madd(v, k7, top);
      bottom = madd(v, k4, bottom);
      v = v128.load(r2 + o, 8);
      top = madd(v, k8, top);
      bottom = madd(v, k5, bottom);
      v = v128.load(r3 + o);
      bottom = madd(v, k6, bottom);
      v = v128.load(r3 + o, 4);
      bottom = madd(v, k7, bottom);
      v = v128.load(r3 + o, 8);
      bottom = madd(v, k8, bottom);
      const left = ow - <i32>(o >> 2);
      storeUpTo(d0 + o, top, left);
      storeUpTo(d1 + o, bottom, left);
    }
  }
  for (; y < oh; y++) {
    const r0 = prep + <usize>(y * wq) * 4;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const d0 = out + <usize>(y * ow) * 4;
    for (let x = 0; x < ow; x += 4) {
      const o = <usize>x * 4;
      let acc = bias;
      acc = madd(v128.load(r0 + o), k0, acc);
      acc = madd(v128.load(r0 + o, 4), k1, acc);
      acc = madd(v128.load(r0 + o, 8), k2, acc);
      acc = madd(v128.load(r1 + o), k3, acc);
      acc = madd(v128.load(r1 + o, 4), k4, acc);
      acc = madd(v128.load(r1 + o, 8), k5, acc);
      acc = madd(v128.load(r2 + o), k6, acc);
      acc = madd(v128.load(r2 + o, 4), k7, acc);
      acc = madd(v128.load(r2 + o, 8), k8, acc);
      storeUpTo(d0 + o, acc, ow - x);
    }
  }
}

// Rows are short (tens to hundreds of floats) and many: inline vector loops beat memory.copy
// and memory.fill, which V8 runs as calls out of the generated code.

/** Copies n floats (n >= 0) from src to dst, which do not overlap. */
@inline function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + <usize>i * 4, v128.load(src + <usize>i * 4));
  for (; i < n; i++) store<f32>(dst + <usize>i * 4, load<f32>(src + <usize>i * 4));
}

/** Writes n zero floats (n >= 0) at dst. */
@inline function zeroFloats(dst: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + <usize>i * 4, zero);
  for (; i < n; i++) store<f32>(dst + <usize>i * 4, 0);
}

/** Stores the first min(n, 4) lanes of v. */
@inline function storeUpTo(ptr: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(ptr, v);
    return;
  }
  store<f32>(ptr, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(ptr, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(ptr, f32x4.extract_lane(v, 2), 8);
}
