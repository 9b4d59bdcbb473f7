// `npm run bench:kernel`: Conv Lens's WebAssembly kernel against onnxruntime-web (wasm),
// tfjs-backend-wasm and native onnxruntime-node on workloads A-F (reference-facts.md, "Speed")
// and G-K (strided and dilated depthwise layers), with our kernel also run on its old depthwise
// loops (planKernel's legacyDepthwise) for a before/after in the same run.
// It runs twice, each in a fresh Node: once with --experimental-wasm-relaxed-simd (our relaxed-SIMD
// build) and once without (our plain-SIMD build). Within one run the engines take turns, round
// by round, so load from other processes falls on all of them alike. Speeds are computed from
// this process's CPU time per run (which leaves out time other processes held the core: the
// machine is shared), with wall-clock figures beside them.
//
//   npm run bench:kernel -- [--repeat 30] [--workloads A,C] [--variant simd|relaxed-simd]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SimdVariant, loadKernel, referenceConv, tensorSizes } from '../../src/kernel';
import { Engine, PreparedEngine } from './engines/engine';
import { onnxruntimeNode, onnxruntimeWeb } from './engines/onnxruntime';
import { oursEngine } from './engines/ours';
import { tfjsWasm } from './engines/tfjs';
import { maxRelativeDifference, median, timeOnce, warmUp } from './measure';
import { WORKLOADS, Workload, seededTensor } from './workloads';

const ROOT = path.join(__dirname, '..', '..');
/** One-core ceilings measured on this machine kind (reference-facts.md), GFLOP/s. */
const CEILING: Record<SimdVariant, { gflops: number; what: string }> = {
  simd: { gflops: 47, what: '128-bit SIMD mul+add' },
  'relaxed-simd': { gflops: 64, what: '128-bit FMA' },
};
const ROUNDS = 5;

interface Options {
  repeat: number;
  workloads: Workload[];
  variant: SimdVariant | null;
}

function readOptions(argv: string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const ids = (value('--workloads') ?? WORKLOADS.map((w) => w.id).join(',')).split(',');
  const variant = value('--variant');
  if (variant !== undefined && variant !== 'simd' && variant !== 'relaxed-simd') throw new Error(`unknown --variant ${variant}`);
  return { repeat: Number(value('--repeat') ?? 30), workloads: WORKLOADS.filter((w) => ids.includes(w.id)), variant: variant ?? null };
}

/** Without --variant: run both variants, each in its own Node with the right flags. */
function runBothVariants(argv: string[]): number {
  for (const variant of ['relaxed-simd', 'simd'] as const) {
    const flags = variant === 'relaxed-simd' ? ['--experimental-wasm-relaxed-simd'] : [];
    const result = spawnSync(process.execPath, [...flags, '-r', path.join(ROOT, 'test/register.js'), __filename, ...argv, '--variant', variant], { stdio: 'inherit', cwd: ROOT });
    if (result.status !== 0) return result.status ?? 1;
  }
  return 0;
}

/** Where each engine sits in the list `engines` returns. */
const OURS = 0;
const OURS_OLD = 1;
const WASM_PEERS = [2, 3];
const ORT_NODE = 4;

async function engines(variant: SimdVariant): Promise<Engine[]> {
  const kernelDir = path.join(ROOT, 'dist/kernel');
  if (!fs.existsSync(path.join(kernelDir, 'conv-simd.wasm'))) throw new Error('dist/kernel is empty: run npm run build:wasm first');
  const kernel = await loadKernel({ simd: fs.readFileSync(path.join(kernelDir, 'conv-simd.wasm')), relaxed: fs.readFileSync(path.join(kernelDir, 'conv-relaxed.wasm')) }, { variant });
  return [oursEngine(kernel), oursEngine(kernel, { legacyDepthwise: true }), await onnxruntimeWeb(), await tfjsWasm(), await onnxruntimeNode()];
}

interface Row {
  workload: Workload;
  /** Median CPU ms and wall-clock ms per engine. */
  medians: number[];
  wallMedians: number[];
  differences: number[];
  /** What the differences are measured from: the reference kernel, or our output where that is too slow. */
  truth: 'reference' | 'ours';
}

async function measureWorkload(workload: Workload, all: Engine[], repeat: number): Promise<Row> {
  const sizes = tensorSizes(workload.geometry);
  const tensors = { input: seededTensor(sizes.input, 1), weight: seededTensor(sizes.weight, 2), bias: seededTensor(sizes.bias, 3) };
  const prepared: PreparedEngine[] = [];
  for (const engine of all) prepared.push(await engine.prepare(workload.geometry, tensors));
  const times: number[][] = all.map(() => []);
  const wallTimes: number[][] = all.map(() => []);
  try {
    for (const p of prepared) await warmUp(p);
    const perRound = Math.ceil(repeat / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      for (let e = 0; e < prepared.length; e++) {
        for (let i = 0; i < perRound; i++) {
          const { wall, cpu } = await timeOnce(prepared[e]);
          times[e].push(cpu);
          wallTimes[e].push(wall);
        }
      }
    }
    // Checked against the oracle on the smaller workloads only; the reference is slow.
    const useReference = workload.macs < 5e7;
    const truth = useReference ? referenceConv(workload.geometry, tensors) : await prepared[OURS].output();
    const differences: number[] = [];
    for (const p of prepared) differences.push(maxRelativeDifference(await p.output(), truth));
    return { workload, medians: times.map(median), wallMedians: wallTimes.map(median), differences, truth: useReference ? 'reference' : 'ours' };
  } finally {
    for (const p of prepared) await p.dispose();
  }
}

function gflops(row: Row, engine: number, wall = false): number {
  return (2 * row.workload.macs) / ((wall ? row.wallMedians : row.medians)[engine] * 1e6);
}

function printTable(variant: SimdVariant, names: string[], rows: Row[], repeat: number): void {
  const ceiling = CEILING[variant];
  const out: string[] = [];
  out.push('');
  out.push(`== Conv Lens kernel, ${variant} build: GFLOP/s = 2 x MACs / median CPU time of ${repeat} runs (wall-clock GFLOP/s in brackets), fp32 NCHW batch 1, one thread ==`);
  const header = ['workload', ...names, 'ours/old', 'ours/best wasm', 'ours/ort-node', `ours % of ${ceiling.gflops} (${ceiling.what})`];
  const lines = rows.map((row) => {
    const speeds = names.map((_, e) => gflops(row, e));
    const bestWasm = Math.max(...WASM_PEERS.map((e) => speeds[e]));
    return [
      `${row.workload.id} ${row.workload.label}`,
      ...speeds.map((s, e) => `${s.toFixed(1)} [${gflops(row, e, true).toFixed(1)}] ${row.medians[e].toFixed(2)} ms`),
      `${(speeds[OURS] / speeds[OURS_OLD]).toFixed(2)}x`,
      `${(speeds[OURS] / bestWasm).toFixed(2)}x`,
      `${(speeds[OURS] / speeds[ORT_NODE]).toFixed(2)}x`,
      `${((100 * speeds[OURS]) / ceiling.gflops).toFixed(0)}%`,
    ];
  });
  const table = [header, ...lines];
  const widths = header.map((_, c) => Math.max(...table.map((r) => r[c].length)));
  for (const r of table) out.push(r.map((cell, c) => cell.padEnd(widths[c])).join('  '));
  out.push(`max |difference| / (1 + |value|) per engine, same order: ${rows.map((r) => `${r.workload.id} vs ${r.truth} ${r.differences.map((d) => d.toExponential(1)).join('/')}`).join('; ')}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const options = readOptions(argv);
  if (!options.variant) return runBothVariants(argv);
  const all = await engines(options.variant);
  const rows: Row[] = [];
  for (const workload of options.workloads) {
    rows.push(await measureWorkload(workload, all, options.repeat));
    process.stderr.write(`  measured ${workload.id}\n`);
  }
  printTable(options.variant, all.map((e) => e.name), rows, options.repeat);
  return 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
