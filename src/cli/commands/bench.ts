import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseLayerExpression } from '../../analysis/model/layerExpression';
import { computeLayer, toJson } from '../../core';
import { ConvGeometry, PreparedLayer, geometryFromRecord, loadKernel, tensorSizes } from '../../kernel';
import { UsageError, parseArgs, parseShape } from '../args';
import { CliCommand, CliIo, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../command';

const USAGE = `Usage: conv-lens bench "<expression>" --input N,C,H,W [--repeat 50] [--threads 1] [--json]

Runs one convolution layer on Conv Lens's embedded WebAssembly SIMD kernel, here in Node,
with random weights and input, and prints the median time and GFLOP/s.

  <expression>   a PyTorch constructor call, e.g. "nn.Conv2d(64, 64, 3, padding=1, groups=8)"
  --input SHAPE  the input shape, batched or unbatched, e.g. 1,64,56,56
  --repeat N     timed runs after warm-up (default 50)
  --threads N    threads to use; the kernel is single-threaded, so only 1 is accepted
  --json         one JSON object: median_ms, min_ms, cpu_median_ms, gflops, macs, engine, simd, ...

GFLOP/s = 2 x MACs / median time (bias additions not counted). Node 20 runs the plain-SIMD
build; start node with --experimental-wasm-relaxed-simd to run the fused multiply-add build.
Exit codes: 0 ok, 1 the layer cannot run (message on stderr), 2 usage error.`;

interface BenchOptions {
  expression: string;
  input: bigint[];
  repeat: number;
  json: boolean;
}

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: 'time one conv layer on the embedded WebAssembly SIMD kernel',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    let options: BenchOptions;
    try {
      options = readOptions(argv);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io.err(`conv-lens bench: ${e.message}\n\n${USAGE}\n`);
      return EXIT_USAGE;
    }
    const parsed = parseLayerExpression(options.expression);
    if (!parsed.ok) {
      io.err(`${parsed.message}\n`);
      return EXIT_FINDINGS;
    }
    const record = computeLayer(parsed.spec, options.input);
    const geometry = geometryFromRecord(record);
    if (!geometry.ok) {
      io.err(`${geometry.message}\n`);
      return EXIT_FINDINGS;
    }
    const result = await timeLayer(geometry.geometry, options.repeat);
    const flops = 2n * (record.macs ?? 0n);
    const gflops = Number(flops) / (result.medianMs * 1e6);
    if (options.json) {
      io.out(`${toJson({
        expression: options.expression,
        input_shape: record.input_shape,
        output_shape: record.output_shape,
        macs: record.macs,
        flops,
        median_ms: round(result.medianMs, 4),
        min_ms: round(result.minMs, 4),
        cpu_median_ms: round(result.cpuMedianMs, 4),
        gflops: round(gflops, 2),
        repeat: options.repeat,
        threads: 1,
        engine: 'conv-lens-wasm',
        simd: result.variant,
      }, 2)}\n`);
    } else {
      io.out(`${options.expression} on [${options.input.join(', ')}] -> [${record.output_shape?.join(', ')}]\n`);
      io.out(`engine: Conv Lens WebAssembly kernel (${result.variant === 'relaxed-simd' ? 'relaxed SIMD, fused multiply-add' : 'SIMD128, mul+add'}), 1 thread\n`);
      io.out(`median ${result.medianMs.toFixed(3)} ms over ${options.repeat} runs (min ${result.minMs.toFixed(3)} ms; median process CPU time ${result.cpuMedianMs.toFixed(3)} ms)\n`);
      io.out(`${gflops.toFixed(1)} GFLOP/s (2 x ${record.macs?.toLocaleString('en-US')} MACs / median time)\n`);
    }
    return EXIT_OK;
  },
};

function readOptions(argv: string[]): BenchOptions {
  const args = parseArgs(argv, { values: ['--input', '--repeat', '--threads'], switches: ['--json'] });
  if (args.positional.length !== 1) throw new UsageError('expected exactly one layer expression');
  const shape = args.values.get('--input');
  if (shape === undefined) throw new UsageError('--input is required: the kernel needs a concrete input shape');
  const repeat = positiveInteger(args.values.get('--repeat') ?? '50', '--repeat');
  const threads = positiveInteger(args.values.get('--threads') ?? '1', '--threads');
  if (threads !== 1) throw new UsageError(`--threads ${threads}: the kernel runs on one thread only`);
  return { expression: args.positional[0], input: parseShape(shape), repeat, json: args.switches.has('--json') };
}

function positiveInteger(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${flag} must be a positive integer, got '${text}'`);
  return Number(text);
}

/** Times `repeat` runs after a warm-up long enough for V8 to tier the kernel up to optimized code. */
async function timeLayer(geometry: ConvGeometry, repeat: number): Promise<{ medianMs: number; minMs: number; cpuMedianMs: number; variant: string }> {
  const kernel = await loadKernel(readKernelFiles());
  const sizes = tensorSizes(geometry);
  let prepared: PreparedLayer | null = null;
  try {
    prepared = await kernel.prepare(geometry, { weight: randomTensor(sizes.weight), bias: geometry.bias ? randomTensor(sizes.bias) : null });
    prepared.input.set(randomTensor(sizes.input));
    const budgetMs = 200;
    const warmStart = performance.now();
    for (let i = 0; i < 3 || performance.now() - warmStart < budgetMs; i++) prepared.execute();
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let i = 0; i < repeat; i++) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      prepared.execute();
      times.push(performance.now() - start);
      const cpu = process.cpuUsage(cpuStart);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
    }
    return { medianMs: median(times), minMs: Math.min(...times), cpuMedianMs: median(cpuTimes), variant: kernel.variant };
  } finally {
    prepared?.dispose();
  }
}

/** The built kernel next to the bundled CLI (dist/kernel), or in the repository's dist when run from source. */
function readKernelFiles(): { simd: Uint8Array; relaxed: Uint8Array } {
  const folders = [path.join(__dirname, 'kernel'), path.join(__dirname, '..', '..', '..', 'dist', 'kernel')];
  const folder = folders.find((f) => fs.existsSync(path.join(f, 'conv-simd.wasm')));
  if (!folder) throw new Error(`the WebAssembly kernel is not built (looked in ${folders.join(', ')}); run npm run build:wasm`);
  return { simd: fs.readFileSync(path.join(folder, 'conv-simd.wasm')), relaxed: fs.readFileSync(path.join(folder, 'conv-relaxed.wasm')) };
}

function randomTensor(length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.random() - 0.5;
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
