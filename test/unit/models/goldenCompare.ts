import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliCommand, CliIo } from '../../../src/cli/command';
import { ExactJson, parseExactJson } from '../core/exact-json';

// Reading a model golden (scripts/golden/models.py) and running `conv-lens report --json` on its
// file the way a user would, shared by the corpus test (golden.test.ts) and the pending corpus's
// status runner (scripts/timm/corpus-status.ts).

export interface Golden {
  file: string;
  entry: string;
  args: string;
  input: ExactJson;
  layers?: Array<Record<string, ExactJson>>;
  totals?: Record<string, ExactJson>;
  diagnostics: Array<Record<string, ExactJson>>;
  unresolved?: Array<Record<string, ExactJson>>;
}

export interface ReportRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function goldenFiles(corpus: string): string[] {
  return fs.readdirSync(corpus).filter((f) => f.endsWith('.golden.json')).sort();
}

export function readGolden(corpus: string, name: string): Golden {
  return parseExactJson(fs.readFileSync(path.join(corpus, name), 'utf8')) as unknown as Golden;
}

/** The command is loaded when a report runs, so an unfinished engine fails these runs, not the whole suite. */
function reportCommand(): CliCommand {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../../src/cli/commands/report') as { reportCommand: CliCommand }).reportCommand;
}

/** The real report command on the golden's file, entry and arguments, from the corpus folder. */
export async function runGoldenReport(golden: Golden, corpus: string): Promise<ReportRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (t) => { stdout += t; }, err: (t) => { stderr += t; }, cwd: corpus };
  const argv = [golden.file, '--entry', golden.entry, '--json', ...(golden.args ? ['--args', golden.args] : [])];
  const code = await reportCommand().run(argv, io);
  return { code, stdout, stderr };
}

/** "layers.0.conv1.kernel_size: got [3] expected [3, 3]" lines for every differing key. */
export function differences(where: string, actual: Record<string, ExactJson> | undefined, expected: Record<string, ExactJson>): string[] {
  const out: string[] = [];
  for (const [key, want] of Object.entries(expected)) {
    const got = actual?.[key];
    if (!sameJson(got, want)) out.push(`${where}.${key}: got ${show(got)}, expected ${show(want)}`);
  }
  return out;
}

export function sameJson(a: ExactJson | undefined, b: ExactJson | undefined): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

export function show(value: ExactJson | undefined): string {
  return value === undefined ? 'nothing' : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

export function asObjects(value: ExactJson | undefined): Array<Record<string, ExactJson>> {
  return Array.isArray(value) ? (value as Array<Record<string, ExactJson>>) : [];
}
