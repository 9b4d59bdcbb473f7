import { performance } from 'node:perf_hooks';
import { analyzeFile } from '../../src/analysis';
import { DEFAULT_DISPLAY } from '../../src/extension/text/numbers';
import { declarationHover, shapeNoteHover } from '../../src/extension/text/hover';
import { AnalysisIndex } from '../../src/extension/text/index';
import { generateModelFile } from '../analysis/generate';

// `node -r ./test/register.js bench/editor/hover.ts`: what a hover costs once the file's analysis
// is cached, on a generated 2,000-line model file: finding the declaration or shape note under the
// cursor and writing the hover's Markdown (the editor-free part of the hover provider; the real
// extension host adds the provider call itself, measured by test/vscode/suite/editor-perf.test.ts).
// Goal: p99 <= 5 ms.

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const source = generateModelFile(2000);
const file = '/bench/generated_models.py';
let started = performance.now();
const analysis = analyzeFile(source, { file, host: { readFile: () => undefined } });
const analysisMillis = performance.now() - started;
started = performance.now();
const index = new AnalysisIndex(analysis);
const indexMillis = performance.now() - started;

const links = { compare: 'command:convLens.compareLayer?x', report: 'command:convLens.showReport?y' };
const positions = [
  ...analysis.declarations.map((d) => ({ line: d.range.line, column: d.range.column + 2 })),
  ...analysis.models.flatMap((m) => m.shapes.map((n) => ({ line: n.range.line, column: n.range.column }))),
];
const times: number[] = [];
let characters = 0;
// Round 0 warms the JIT up and is not counted.
for (let round = 0; round <= 20; round++) {
  for (const { line, column } of positions) {
    const t = performance.now();
    const declaration = index.declarationAt(line, column);
    const text = declaration
      ? declarationHover(declaration, index.separableNote(declaration), links, DEFAULT_DISPLAY)
      : shapeNoteHover(index.shapeNoteAt(line, column)!);
    if (round === 0) continue;
    times.push(performance.now() - t);
    characters += text.length;
  }
}
times.sort((a, b) => a - b);
const lines = source.split('\n').length;
console.log(`file: ${lines} lines, ${analysis.declarations.length} conv declarations, ${analysis.models.length} models; analysis ${analysisMillis.toFixed(0)} ms, index ${indexMillis.toFixed(2)} ms`);
console.log(`hover text: p50 ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms, max ${times[times.length - 1].toFixed(3)} ms over ${times.length} hovers (goal p99 <= 5 ms); ${(characters / times.length).toFixed(0)} characters each`);
