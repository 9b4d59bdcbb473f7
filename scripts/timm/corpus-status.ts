// Which models of the pending corpus (test/fixtures/models-pending, the targets of issue 11) the
// analysis reproduces exactly today, and why the others are not, without failing anything:
//
//   node -r ./test/register.js scripts/timm/corpus-status.ts [NAME...]
//
// Each golden runs through the real `conv-lens report --json`, as the corpus test runs its own.
// A row is `exact` when the corpus test (test/unit/models/golden.test.ts) would pass on it: the
// model can then move to test/fixtures/models and its manifest entry from PENDING to CORPUS.
// Otherwise it is `WRONG` when any figure the report states differs from PyTorch's (the case to
// fix first), or `unknown` when the report only leaves figures out, with the reason it gives.
import * as path from 'node:path';
import { ExactJson, parseExactJson } from '../../test/unit/core/exact-json';
import { Golden, asObjects, differences, goldenFiles, readGolden, runGoldenReport, sameJson, show } from '../../test/unit/models/goldenCompare';

const PENDING = path.resolve(__dirname, '../../test/fixtures/models-pending');
const PARTIAL_COUNTS = new Set(['conv_layers', 'conv_params']);

type Status = 'exact' | 'unknown' | 'WRONG' | 'error';

interface Verdict {
  status: Status;
  reason: string;
}

/** Findings about one report: figures it states that differ (wrong) and figures it leaves out (unknown). */
class Findings {
  readonly wrong: string[] = [];
  readonly unknown: string[] = [];

  compare(where: string, got: ExactJson | undefined, want: ExactJson, partial = false): void {
    if (sameJson(got, want)) return;
    if (got === undefined || got === null || partial) this.unknown.push(`${where} unknown`);
    else this.wrong.push(`${where}: got ${show(got)}, expected ${show(want)}`);
  }
}

function judge(golden: Golden, json: Record<string, ExactJson>, code: number): Verdict {
  const findings = new Findings();
  findings.compare('input', json.input, golden.input);
  const got = asObjects(json.layers);
  const wanted = golden.layers ?? [];
  const byName = new Map(got.map((l) => [String(l.name), l]));
  const names = new Set(wanted.map((l) => String(l.name)));
  for (const layer of got) {
    if (!names.has(String(layer.name))) findings.wrong.push(`layer ${String(layer.name)} that PyTorch does not build`);
  }
  for (const want of wanted) {
    const mine = byName.get(String(want.name));
    if (mine === undefined) findings.unknown.push(`layer ${String(want.name)} missing`);
    else for (const [key, value] of Object.entries(want)) findings.compare(`${String(want.name)}.${key}`, mine[key], value);
  }
  const totals = (json.totals ?? {}) as Record<string, ExactJson>;
  const incomplete = typeof totals.incomplete === 'string' ? totals.incomplete : '';
  for (const [key, value] of Object.entries(golden.totals ?? {})) {
    findings.compare(`totals.${key}`, totals[key], value, incomplete !== '' && PARTIAL_COUNTS.has(key));
  }
  const errors = asObjects(json.diagnostics).filter((d) => d.severity === 'error');
  if (errors.length > 0 && golden.diagnostics.length === 0) {
    findings.wrong.push(`error PyTorch does not raise: line ${show(errors[0].line)}: ${show(errors[0].message)}`);
  }
  if (findings.wrong.length > 0) return { status: 'WRONG', reason: findings.wrong[0] };
  if (findings.unknown.length > 0) return { status: 'unknown', reason: unknownReason(json, incomplete, findings.unknown) };
  // Everything matched by name; the corpus test also wants PyTorch's order and a clean exit.
  const inOrder = got.every((layer, i) => differences('', layer, wanted[i] ?? {}).length === 0);
  if (!inOrder || code !== 0) return { status: 'WRONG', reason: inOrder ? `exit code ${code}` : 'layers out of PyTorch\'s order' };
  return { status: 'exact', reason: '' };
}

function unknownReason(json: Record<string, ExactJson>, incomplete: string, unknown: string[]): string {
  if (incomplete) return incomplete;
  const first = asObjects(json.unresolved)[0];
  if (first) return `${show(first.why)} (line ${show(first.line)})`;
  return `${unknown[0]}${unknown.length > 1 ? ` and ${unknown.length - 1} more` : ''}`;
}

async function statusOf(golden: Golden): Promise<Verdict> {
  let run;
  try {
    run = await runGoldenReport(golden, PENDING);
  } catch (e) {
    return { status: 'error', reason: `report threw: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (run.stdout.trim() === '') {
    // The report refused (no such model): honest, so unknown, with its message.
    return { status: 'unknown', reason: run.stderr.trim().split('\n')[0] ?? `exit ${run.code}` };
  }
  return judge(golden, parseExactJson(run.stdout) as Record<string, ExactJson>, run.code);
}

async function main(only: string[]): Promise<void> {
  const counts = new Map<Status, number>();
  const rows: string[] = [];
  for (const name of goldenFiles(PENDING)) {
    const base = name.replace(/\.golden\.json$/, '');
    if (only.length > 0 && !only.includes(base)) continue;
    const golden = readGolden(PENDING, name);
    const verdict = await statusOf(golden);
    counts.set(verdict.status, (counts.get(verdict.status) ?? 0) + 1);
    const row = `| ${base} | ${golden.file} | ${golden.entry} | ${verdict.status}${verdict.reason ? `: ${verdict.reason.replace(/\|/g, '\\|').slice(0, 160)}` : ''} |`;
    rows.push(row);
    process.stderr.write(`${row}\n`);
  }
  const summary = (['exact', 'unknown', 'WRONG', 'error'] as const).filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  process.stdout.write(`${rows.length} pending models: ${summary.join(', ')}\n\n| golden | file | entry | status |\n|---|---|---|---|\n${rows.join('\n')}\n`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
