import * as fs from 'node:fs';
import * as path from 'node:path';
import { runInput } from './check';
import { fuzzInput, seedFiles } from './mutate';

/**
 * npm run fuzz -- --inputs N --seed S [--save DIR] [--verbose]
 *
 * Mutates the model corpus and installed library files (see mutate.ts) and analyzes each input
 * with the analysis's default limits, in this process. Reports inputs that threw, inputs over
 * budget (more than 2 s of CPU, or a resident set past 512 MB after them), inputs with negative
 * figures, the slowest input and the peak resident set. The inputs of every finding, and the
 * slowest, are written to DIR (default .cache/fuzz) to reproduce them; --verbose names each input
 * before it runs. Exit 1 on any finding.
 */

const CPU_LIMIT_MS = 2000;
const RSS_LIMIT_MB = 512;

function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
}

function main(args: string[]): number {
  const inputs = Number(option(args, '--inputs', '1000'));
  const runSeed = Number(option(args, '--seed', '1'));
  const saveDir = path.resolve(option(args, '--save', '.cache/fuzz'));
  const verbose = args.includes('--verbose');
  if (!Number.isInteger(inputs) || inputs < 1 || !Number.isInteger(runSeed)) {
    process.stderr.write('usage: npm run fuzz -- --inputs N --seed S [--save DIR]\n');
    return 2;
  }
  const seeds = seedFiles();
  process.stdout.write(`fuzz: ${inputs.toLocaleString('en-US')} inputs, seed ${runSeed}, from ${seeds.length} files (${seeds.filter((s) => s.name.startsWith('corpus/')).length} corpus, the rest installed libraries)\n`);
  const findings: Array<{ kind: string; label: string; detail: string; text: string }> = [];
  let slowest = { cpuMs: -1, label: '', text: '' };
  let totalCpu = 0;
  let peakRss = 0;
  const started = Date.now();
  for (let i = 0; i < inputs; i++) {
    const input = fuzzInput(seeds, runSeed, i);
    if (verbose) process.stdout.write(`${input.label}\n`);
    const outcome = runInput(input);
    const rssMb = process.memoryUsage.rss() / 2 ** 20;
    peakRss = Math.max(peakRss, rssMb);
    totalCpu += outcome.cpuMs;
    if (outcome.cpuMs > slowest.cpuMs) slowest = { cpuMs: outcome.cpuMs, label: input.label, text: input.text };
    if (outcome.threw) findings.push({ kind: 'threw', label: input.label, detail: outcome.threw, text: input.text });
    if (outcome.negative.length) findings.push({ kind: 'negative', label: input.label, detail: outcome.negative.slice(0, 3).join(', '), text: input.text });
    if (outcome.cpuMs > CPU_LIMIT_MS) findings.push({ kind: 'over CPU', label: input.label, detail: `${outcome.cpuMs.toFixed(0)} ms`, text: input.text });
    if (rssMb > RSS_LIMIT_MB) findings.push({ kind: 'over memory', label: input.label, detail: `${rssMb.toFixed(0)} MB resident`, text: input.text });
    if ((i + 1) % 5000 === 0) process.stdout.write(`  ${(i + 1).toLocaleString('en-US')} inputs, ${((Date.now() - started) / 1000).toFixed(0)} s, ${findings.length} findings\n`);
  }
  fs.mkdirSync(saveDir, { recursive: true });
  findings.slice(0, 50).forEach((f, i) => fs.writeFileSync(path.join(saveDir, `finding-${i}.py`), `# ${f.kind}: ${f.detail}\n# ${f.label}\n${f.text}`));
  fs.writeFileSync(path.join(saveDir, 'slowest.py'), `# ${slowest.cpuMs.toFixed(0)} ms CPU\n# ${slowest.label}\n${slowest.text}`);
  const maxRss = process.resourceUsage().maxRSS / 1024;
  const count = (kind: string): number => findings.filter((f) => f.kind === kind).length;
  process.stdout.write([
    '',
    `inputs:            ${inputs.toLocaleString('en-US')} in ${((Date.now() - started) / 1000).toFixed(0)} s wall, ${(totalCpu / 1000).toFixed(0)} s CPU (mean ${(totalCpu / inputs).toFixed(1)} ms)`,
    `threw:             ${count('threw')}`,
    `over budget:       ${count('over CPU')} over ${CPU_LIMIT_MS} ms CPU, ${count('over memory')} over ${RSS_LIMIT_MB} MB`,
    `negative figures:  ${count('negative')}`,
    `slowest input:     ${slowest.cpuMs.toFixed(0)} ms CPU: ${slowest.label}`,
    `peak RSS:          ${Math.max(maxRss, peakRss).toFixed(0)} MB (the whole run, one process)`,
    `saved:             ${saveDir}`,
    ...findings.slice(0, 20).map((f) => `  ${f.kind}: ${f.detail} <- ${f.label}`),
    '',
  ].join('\n'));
  return findings.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
