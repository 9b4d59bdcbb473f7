import { parser } from '@lezer/python';
import { fastParse } from '../../src/analysis/parse/fastparse';
import { generateModelFile } from './generate';

// Times @lezer/python's parser.parse against fastParse on the 20,000-line benchmark file,
// interleaved in one process so machine load affects both alike. Prints medians and the ratio.

const source = generateModelFile(20000);
const runs = Number(process.argv[2] ?? 15);

function time(run: () => unknown): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1];

if (fastParse(source) === null) throw new Error('fastParse bailed on the benchmark file');
for (let i = 0; i < 3; i++) {
  parser.parse(source);
  fastParse(source);
}
const lezer: number[] = [];
const fast: number[] = [];
for (let i = 0; i < runs; i++) {
  lezer.push(time(() => parser.parse(source)));
  fast.push(time(() => fastParse(source)));
}
const lezerMs = median(lezer);
const fastMs = median(fast);
console.log(`${source.split('\n').length} lines, ${runs} interleaved runs`);
console.log(`lezer parser.parse  median ${lezerMs.toFixed(1)} ms`);
console.log(`fastParse           median ${fastMs.toFixed(1)} ms`);
console.log(`speedup             ${(lezerMs / fastMs).toFixed(2)}x`);
