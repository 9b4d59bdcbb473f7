import { performance } from 'node:perf_hooks';
import { analyzeFile } from '../../src/analysis';
import type { SourceHost } from '../../src/analysis/types';
import type { WhatIfPlan } from '../../src/analysis/whatif/types';
import { whatIfModel } from '../../src/analysis/whatif/whatIf';

// `npm run bench:whatif`: the model-wide what-if of a 200-conv model (goal <= 50 ms on a quiet
// machine), beside a plain analysis of the same file. Before: the what-if analysed the file as
// written and the rewritten text again (about 2x a plain analysis at best). After: the model as
// written comes from the analysis the worker already holds, and the channel-preserving changes
// are made by module surgery in one analysis of the entry. A width multiplier stays a text
// rewrite (one analysis, of the rewritten text). Medians of interleaved runs; the ratios are
// steadier than the times on a loaded machine. `--runs N` changes the number of timed runs.

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

interface Timed {
  label: string;
  run: () => void;
  times: number[];
}

function main(): void {
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 25;
  const source = generate(100);
  const options = { file: FILE, host };
  // The worker holds the analysis of the document as written (its last result): the what-if reads the model from it.
  const held = analyzeFile(source, options);
  const channels: WhatIfPlan = { transformations: [{ kind: 'separable' }, { kind: 'dropBias' }] };
  const width: WhatIfPlan = { transformations: [{ kind: 'separable' }, { kind: 'width', multiplier: 0.75, divisor: 8 }, { kind: 'dropBias' }] };
  const surgery = whatIfModel(options, source, 'Deep', channels, { held });
  const rewrite = whatIfModel(options, source, 'Deep', channels, { method: 'rewrite' });
  check(surgery, 'surgery');
  check(rewrite, 'rewrite');
  check(whatIfModel(options, source, 'Deep', width, { held }), 'width');
  if (JSON.stringify(surgery.after.totals, big) !== JSON.stringify(rewrite.after.totals, big)) throw new Error('the surgery and the rewrite disagree');
  const timed: Timed[] = [
    { label: 'plain analysis of the file', run: () => analyzeFile(source, { ...options, entry: 'Deep' }), times: [] },
    { label: 'before: separable + bias what-if by text rewrite, file analysed twice', run: () => whatIfModel(options, source, 'Deep', channels, { method: 'rewrite' }), times: [] },
    { label: 'after: separable + bias what-if by module surgery, reusing the held analysis', run: () => whatIfModel(options, source, 'Deep', channels, { held }), times: [] },
    { label: 'width 0.75 + separable + bias (text rewrite), reusing the held analysis', run: () => whatIfModel(options, source, 'Deep', width, { held }), times: [] },
  ];
  for (let i = 0; i < 3; i++) for (const t of timed) t.run();
  for (let i = 0; i < runs; i++) {
    for (const t of timed) {
      const start = performance.now();
      t.run();
      t.times.push(performance.now() - start);
    }
  }
  const applied = surgery.changes.filter((c) => c.status === 'applied').length;
  console.log(`what-if of a ${surgery.before.layers.length}-conv model (${applied} changes applied, ${surgery.after.layers.length} convs after); goal <= 50 ms on a quiet machine; ${runs} interleaved runs`);
  const plain = median(timed[0].times);
  // The fastest run is the best estimate of a quiet machine's time: load only ever adds to it.
  for (const t of timed) console.log(`  ${t.label}: median ${median(t.times).toFixed(1)} ms, fastest ${Math.min(...t.times).toFixed(1)} ms (${(median(t.times) / plain).toFixed(2)}x the plain analysis)`);
  const before = median(timed[1].times);
  const after = median(timed[2].times);
  console.log(`before/after (separable + bias): ${before.toFixed(1)} ms -> ${after.toFixed(1)} ms median, ${(before / after).toFixed(2)}x faster`);
}

function check(result: ReturnType<typeof whatIfModel>, what: string): void {
  const layers = result.before.layers.length;
  const applied = result.changes.filter((c) => c.status === 'applied').length;
  if (layers !== 200 || result.errors.length > 0 || applied === 0) throw new Error(`unexpected ${what} what-if: ${layers} layers, ${applied} applied, errors ${JSON.stringify(result.errors.map((e) => e.message))}`);
}

function big(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

main();
