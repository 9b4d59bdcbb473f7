import { DEFAULT_STEPS, MAX_STEPS, MIN_STEPS, ranOutOfSteps } from '../analysis/evaluate/budget';
import type { FileAnalysis } from '../analysis/types';
import { UsageError } from './args';

/** The usage line of --max-steps, shared by the commands that analyze files. */
export const MAX_STEPS_USAGE = `  --max-steps N   steps of Python the analysis may run per phase (default ${DEFAULT_STEPS.toLocaleString('en-US')}); a
                  model whose construction loops over hundreds of thousands of items needs more`;

/** --max-steps N: an integer from MIN_STEPS to MAX_STEPS (digits, optionally with _ or , between them). */
export function parseMaxSteps(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const digits = text.replace(/[_,]/g, '');
  const n = /^\d+$/.test(digits) ? Number(digits) : NaN;
  if (!Number.isSafeInteger(n) || n < MIN_STEPS || n > MAX_STEPS) {
    throw new UsageError(`--max-steps: expected an integer from ${MIN_STEPS.toLocaleString('en-US')} to ${MAX_STEPS.toLocaleString('en-US')}, got '${text}'`);
  }
  return n;
}

/** What to tell the user when a phase of the analysis spent its step budget, or null. */
export function outOfStepsNote(file: string, analysis: FileAnalysis, maxSteps: number | undefined): string | null {
  if (!ranOutOfSteps(analysis)) return null;
  const used = maxSteps ?? DEFAULT_STEPS;
  const next = Math.min(MAX_STEPS, used * 10);
  return `${file}: the analysis ran out of steps (${used.toLocaleString('en-US')}); what it skipped is unknown. ` +
    `--max-steps ${next} lets it go further.`;
}
