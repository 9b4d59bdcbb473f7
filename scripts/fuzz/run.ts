import * as fs from 'node:fs';
import * as path from 'node:path';
import { runInput } from './check';
import { fuzzInput, seedFiles } from './mutate';

/**
 * npm run fuzz -- --inputs N --seed S [--start K] [--out FILE] [--save DIR] [--verbose]
 *
 * Mutates the model corpus and installed library files (see mutate.ts) and analyzes inputs K to
 * K+N-1 of seed S (K defaults to 0, so a long run can be done in pieces) with the analysis's
 * default limits, in this process. Reports inputs that threw, inputs over budget (more than 2 s
 * of CPU, or a resident set past 512 MB after them), inputs with negative figures, the slowest
 * input and the peak resident set.
 *
 * Each finding is written as it is found, so a run that dies keeps what it found: one JSON line
 * in FILE (default DIR/findings.jsonl, appended to) and its input in DIR (default .cache/fuzz) as
 * finding-S-I.py; the slowest input so far is kept as slowest-S.py. Progress is printed every 100
 * inputs (--verbose names each input before it runs). When the resident set passes 1.5 GB the run
 * stops cleanly and says which --start resumes it. Exit 1 on any finding.
 */

const CPU_LIMIT_MS = 2000;
const RSS_LIMIT_MB = 512;
/** Past this, the runner itself is at risk: it stops and says where to resume. */
const RUNNER_RSS_STOP_MB = 1536;
const PROGRESS_EVERY = 100;

function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
}

interface Finding {
  kind: string;
  index: number;
  label: string;
  detail: string;
}

function main(args: string[]): number {
  const inputs = Number(option(args, '--inputs', '1000'));
  const runSeed = Number(option(args, '--seed', '1'));
  const start = Number(option(args, '--start', '0'));
  const saveDir = path.resolve(option(args, '--save', '.cache/fuzz'));
  const out = path.resolve(option(args, '--out', path.join(saveDir, 'findings.jsonl')));
  const verbose = args.includes('--verbose');
  if (![inputs, runSeed, start].every(Number.isInteger) || inputs < 1 || start < 0) {
    process.stderr.write('usage: npm run fuzz -- --inputs N --seed S [--start K] [--out FILE] [--save DIR] [--verbose]\n');
    return 2;
  }
  fs.mkdirSync(saveDir, { recursive: true });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const seeds = seedFiles();
  const end = start + inputs;
  process.stdout.write(`fuzz: inputs ${start.toLocaleString('en-US')} to ${(end - 1).toLocaleString('en-US')} of seed ${runSeed}, from ${seeds.length} files (${seeds.filter((s) => s.name.startsWith('corpus/')).length} corpus, the rest installed libraries); findings to ${out}\n`);
  const findings: Finding[] = [];
  let slowest = { cpuMs: -1, label: '' };
  let totalCpu = 0;
  let peakRss = 0;
  let done = 0;
  let stoppedAt: number | null = null;
  const started = Date.now();
  const record = (finding: Finding, text: string): void => {
    findings.push(finding);
    const file = path.join(saveDir, `finding-${runSeed}-${finding.index}.py`);
    fs.writeFileSync(file, `# ${finding.kind}: ${finding.detail}\n# ${finding.label}\n${text}`);
    fs.appendFileSync(out, `${JSON.stringify({ seed: runSeed, ...finding, input: file })}\n`);
  };
  for (let i = start; i < end; i++) {
    const input = fuzzInput(seeds, runSeed, i);
    if (verbose) process.stdout.write(`${input.label.slice(0, 300)}\n`);
    const outcome = runInput(input);
    const rssMb = process.memoryUsage.rss() / 2 ** 20;
    peakRss = Math.max(peakRss, rssMb);
    totalCpu += outcome.cpuMs;
    done++;
    const label = input.label.slice(0, 500);
    if (outcome.cpuMs > slowest.cpuMs) {
      slowest = { cpuMs: outcome.cpuMs, label };
      fs.writeFileSync(path.join(saveDir, `slowest-${runSeed}.py`), `# ${outcome.cpuMs.toFixed(0)} ms CPU\n# ${label}\n${input.text}`);
    }
    if (outcome.threw) record({ kind: 'threw', index: i, label, detail: outcome.threw.slice(0, 500) }, input.text);
    if (outcome.negative.length) record({ kind: 'negative', index: i, label, detail: outcome.negative.slice(0, 3).join(', ') }, input.text);
    if (outcome.cpuMs > CPU_LIMIT_MS) record({ kind: 'over CPU', index: i, label, detail: `${outcome.cpuMs.toFixed(0)} ms` }, input.text);
    if (rssMb > RSS_LIMIT_MB) record({ kind: 'over memory', index: i, label, detail: `${rssMb.toFixed(0)} MB resident` }, input.text);
    if (done % PROGRESS_EVERY === 0) process.stdout.write(`  ${done.toLocaleString('en-US')} inputs (next --start ${i + 1}), ${((Date.now() - started) / 1000).toFixed(0)} s, ${findings.length} findings, ${rssMb.toFixed(0)} MB resident\n`);
    if (rssMb > RUNNER_RSS_STOP_MB) {
      stoppedAt = i + 1;
      break;
    }
  }
  const maxRss = process.resourceUsage().maxRSS / 1024;
  const count = (kind: string): number => findings.filter((f) => f.kind === kind).length;
  process.stdout.write([
    '',
    ...(stoppedAt === null ? [] : [`STOPPED: resident set past ${RUNNER_RSS_STOP_MB} MB; resume with --start ${stoppedAt}`]),
    `inputs:            ${done.toLocaleString('en-US')} in ${((Date.now() - started) / 1000).toFixed(0)} s wall, ${(totalCpu / 1000).toFixed(0)} s CPU (mean ${(totalCpu / done).toFixed(1)} ms)`,
    `threw:             ${count('threw')}`,
    `over budget:       ${count('over CPU')} over ${CPU_LIMIT_MS} ms CPU, ${count('over memory')} over ${RSS_LIMIT_MB} MB`,
    `negative figures:  ${count('negative')}`,
    `slowest input:     ${slowest.cpuMs.toFixed(0)} ms CPU: ${slowest.label.slice(0, 300)}`,
    `peak RSS:          ${Math.max(maxRss, peakRss).toFixed(0)} MB (the whole run, one process)`,
    `findings:          ${out}; inputs saved in ${saveDir}`,
    ...findings.slice(0, 20).map((f) => `  ${f.kind}: ${f.detail} <- ${f.label.slice(0, 300)}`),
    '',
  ].join('\n'));
  return findings.length || stoppedAt !== null ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
