import { SandboxTiming } from '../protocol/sandbox';

export interface Timed {
  medianMs: number;
  runs: number;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The fewest timed runs a median is taken over, even when the time cap is reached first. */
export const MIN_TIMED_RUNS = 3;

/**
 * Runs `work` `warmup` times untimed, then up to `repeats` times timed, stopping early once
 * `maxMsPerVariant` went into the timed runs (after MIN_TIMED_RUNS). `afterRun` is told of
 * each run, warm-up or timed, so a caller can report progress.
 */
export function timeRuns(work: () => void, timing: SandboxTiming, now: () => number, afterRun: () => void = () => undefined): Timed {
  for (let i = 0; i < timing.warmup; i++) {
    work();
    afterRun();
  }
  const times: number[] = [];
  let spent = 0;
  while (times.length < timing.repeats && (times.length < MIN_TIMED_RUNS || spent < timing.maxMsPerVariant)) {
    const start = now();
    work();
    const elapsed = now() - start;
    times.push(elapsed);
    spent += elapsed;
    afterRun();
  }
  return { medianMs: median(times), runs: times.length };
}
