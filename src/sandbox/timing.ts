import { MAX_RUNS_PER_SAMPLE, SandboxTiming } from '../protocol/sandbox';

export interface Timed {
  /** The median time of one run. */
  medianMs: number;
  /** Runs timed in all (samples x runs per sample). */
  runs: number;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The fewest timed samples a median is taken over, even when the time cap is reached first. */
export const MIN_SAMPLES = 3;
/**
 * Browsers coarsen performance.now() (Chromium to 100 microseconds without cross-origin
 * isolation), so a fast layer is timed in samples of several back-to-back runs lasting at least
 * this long, and each sample's time is divided by its run count.
 */
export const MIN_SAMPLE_MS = 5;

/**
 * Runs `work` `warmup` times untimed, then finds how many runs make a sample of MIN_SAMPLE_MS:
 * doubling from one run (those runs are warm-up too) and taking the fastest rate seen, so one
 * slow outlier on a busy machine does not end the search early. Then takes up to `repeats`
 * samples, stopping early once `maxMsPerVariant` went into them (after MIN_SAMPLES).
 * `afterStep` is told of each warm-up run and each sample, so a caller can report progress.
 */
export function timeRuns(work: () => void, timing: SandboxTiming, now: () => number, afterStep: () => void = () => undefined): Timed {
  for (let i = 0; i < timing.warmup; i++) {
    work();
    afterStep();
  }
  const sample = (runs: number): number => {
    const start = now();
    for (let i = 0; i < runs; i++) work();
    return now() - start;
  };
  let fastest = Number.POSITIVE_INFINITY;
  for (let runs = 1; runs <= MAX_RUNS_PER_SAMPLE; runs *= 2) {
    const elapsed = sample(runs);
    if (elapsed > 0) fastest = Math.min(fastest, elapsed / runs);
    if (elapsed >= MIN_SAMPLE_MS) break;
  }
  const perSample = Math.min(MAX_RUNS_PER_SAMPLE, Math.max(1, Math.ceil(MIN_SAMPLE_MS / fastest)));
  const times: number[] = [];
  let spent = 0;
  while (times.length < timing.repeats && (times.length < MIN_SAMPLES || spent < timing.maxMsPerVariant)) {
    const elapsed = sample(perSample);
    times.push(elapsed / perSample);
    spent += elapsed;
    afterStep();
  }
  return { medianMs: median(times), runs: times.length * perSample };
}
