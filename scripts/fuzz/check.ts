import { analyzeFile } from '../../src/analysis';
import type { FileAnalysis } from '../../src/analysis/types';
import type { FuzzInput } from './mutate';

/** What one input did: a throw, figures that cannot be (negative), and the CPU time it took. */
export interface Outcome {
  threw: string | null;
  negative: string[];
  cpuMs: number;
}

const FILE = '/fuzz/model.py';
const NO_FILES = { readFile: (): undefined => undefined };

/** Keys whose values are counts or sizes, never negative in a correct analysis. */
const FIGURES = /params|macs|flops|bias_adds|bytes|shape|conv_layers/;

/** Analyzes one input with the analysis's own default limits, and checks what must hold for any input. */
export function runInput(input: FuzzInput): Outcome {
  const start = process.cpuUsage();
  let threw: string | null = null;
  let result: FileAnalysis | null = null;
  try {
    result = analyzeFile(input.text, { file: FILE, host: NO_FILES });
  } catch (e) {
    threw = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  const used = process.cpuUsage(start);
  return { threw, negative: result ? negativeFigures(result) : [], cpuMs: (used.user + used.system) / 1000 };
}

/** Paths of negative counts or sizes anywhere in the analysis. */
export function negativeFigures(result: FileAnalysis): string[] {
  const out: string[] = [];
  const seen = new Set<object>();
  const visit = (v: unknown, at: string, figure: boolean): void => {
    if (typeof v === 'bigint' || typeof v === 'number') {
      if (figure && v < 0) out.push(`${at} = ${v}`);
      return;
    }
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) v.forEach((item, i) => visit(item, `${at}[${i}]`, figure));
    else for (const [k, item] of Object.entries(v)) visit(item, `${at}.${k}`, figure || FIGURES.test(k));
  };
  visit(result, 'result', false);
  return out;
}
