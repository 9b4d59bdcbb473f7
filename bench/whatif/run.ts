import { performance } from 'node:perf_hooks';
import { analyzeFile } from '../../src/analysis';
import type { SourceHost } from '../../src/analysis/types';
import type { WhatIfPlan } from '../../src/analysis/whatif/types';
import { whatIfModel } from '../../src/analysis/whatif/whatIf';

// `npm run bench:whatif`: the model-wide what-if of a 200-conv model (goal <= 50 ms on a quiet
// machine), beside a plain analysis of the same file. A what-if analyses the file twice (as
// written and as rewritten) and rewrites the text in between, so about 2x a plain analysis is
// its floor. Medians of interleaved runs; the ratio is steadier than the times on a loaded
// machine. `--runs N` changes the number of timed runs (default 25).

const FILE = '/bench/whatif_200.py';
const host: SourceHost = { readFile: () => undefined };

/** A VGG-like model written with literal widths: 100 blocks of a dense 3x3 conv (with bias) and a BatchNorm, each followed by a 1x1 conv. */
function generate(blocks: number): string {
  const lines = ['import torch', 'import torch.nn as nn', '', '', '# conv-lens: input=(1, 3, 32, 32)', 'class Deep(nn.Module):', '    def __init__(self):', '        super().__init__()'];
  const forward = ['', '    def forward(self, x):'];
  let channels = 3;
  for (let i = 0; i < blocks; i++) {
    const width = 16 * (1 + (i % 4));
    lines.push(`        self.conv${i} = nn.Conv2d(${channels}, ${width}, 3, padding=1)`);
    lines.push(`        self.bn${i} = nn.BatchNorm2d(${width})`);
    lines.push(`        self.point${i} = nn.Conv2d(${width}, ${width}, 1)`);
    forward.push(`        x = torch.relu(self.bn${i}(self.conv${i}(x)))`, `        x = self.point${i}(x)`);
    channels = width;
  }
  return [...lines, ...forward, '        return x', ''].join('\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function main(): void {
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 25;
  const source = generate(100);
  const options = { file: FILE, host };
  const plan: WhatIfPlan = { transformations: [{ kind: 'separable' }, { kind: 'width', multiplier: 0.75, divisor: 8 }, { kind: 'dropBias' }] };
  const check = whatIfModel(options, source, 'Deep', plan);
  const layers = check.before.layers.length;
  const applied = check.changes.filter((c) => c.status === 'applied').length;
  if (layers !== 200 || check.errors.length > 0 || applied === 0) throw new Error(`unexpected what-if: ${layers} layers, ${applied} applied, errors ${JSON.stringify(check.errors.map((e) => e.message))}`);
  for (let i = 0; i < 3; i++) {
    analyzeFile(source, { ...options, entry: 'Deep' });
    whatIfModel(options, source, 'Deep', plan);
  }
  const plain: number[] = [];
  const whatIf: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    analyzeFile(source, { ...options, entry: 'Deep' });
    plain.push(performance.now() - t);
    t = performance.now();
    whatIfModel(options, source, 'Deep', plan);
    whatIf.push(performance.now() - t);
  }
  const p = median(plain);
  const w = median(whatIf);
  // The fastest run is the best estimate of a quiet machine's time: load only ever adds to it.
  const pMin = Math.min(...plain);
  const wMin = Math.min(...whatIf);
  console.log(`what-if of a ${layers}-conv model (${applied} changes applied, ${check.edits.length} edits, ${check.after.layers.length} convs after): median ${w.toFixed(1)} ms, fastest ${wMin.toFixed(1)} ms (goal <= 50 ms on a quiet machine)`);
  console.log(`plain analysis of the same file: median ${p.toFixed(1)} ms, fastest ${pMin.toFixed(1)} ms; what-if / analysis = ${(w / p).toFixed(2)}x median, ${(wMin / pMin).toFixed(2)}x fastest (floor about 2x: it analyses twice, the second time with the added layers); ${runs} interleaved runs`);
}

main();
