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
 * How many back-to-back runs make a sample of at least MIN_SAMPLE_MS: doubling from one run
 * (these runs double as warm-up) and going by the fastest rate seen, so one slow outlier on a
 * busy machine does not end the search early.
 */
function runsPerSample(sample: (runs: number) => number): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let runs = 1; runs <= MAX_RUNS_PER_SAMPLE; runs *= 2) {
    const elapsed = sample(runs);
    if (elapsed > 0) fastest = Math.min(fastest, elapsed / runs);
    if (elapsed >= MIN_SAMPLE_MS) break;
  }
  return Math.min(MAX_RUNS_PER_SAMPLE, Math.max(1, Math.ceil(MIN_SAMPLE_MS / fastest)));
}

/**
 * Times several pieces of work against each other: each is run `warmup` times untimed and
 * calibrated (see runsPerSample); then rounds take one sample of each in turn, so a change in
 * the machine's load falls on all of them alike rather than on whichever ran at the time. Rounds
 * stop at `repeats`, or once `maxMsPerVariant` per piece went into them (after MIN_SAMPLES).
 * `afterStep` is told of each warm-up run and each round, so a caller can report progress.
 */
export function timeInterleaved(works: ReadonlyArray<() => void>, timing: SandboxTiming, now: () => number, afterStep: () => void = () => undefined): Timed[] {
  const sampler = (work: () => void) => (runs: number): number => {
    const start = now();
    for (let i = 0; i < runs; i++) work();
    return now() - start;
  };
  const samplers = works.map(sampler);
  for (const work of works) {
    for (let i = 0; i < timing.warmup; i++) {
      work();
      afterStep();
    }
  }
  const perSample = samplers.map(runsPerSample);
  const times: number[][] = works.map(() => []);
  const cap = timing.maxMsPerVariant * works.length;
  let spent = 0;
  for (let round = 0; round < timing.repeats && (round < MIN_SAMPLES || spent < cap); round++) {
    samplers.forEach((sample, i) => {
      const elapsed = sample(perSample[i]);
      times[i].push(elapsed / perSample[i]);
      spent += elapsed;
    });
    afterStep();
  }
  return times.map((t, i) => ({ medianMs: median(t), runs: t.length * perSample[i] }));
}

/** Times one piece of work (timeInterleaved with nothing to interleave). */
export function timeRuns(work: () => void, timing: SandboxTiming, now: () => number, afterStep: () => void = () => undefined): Timed {
  return timeInterleaved([work], timing, now, afterStep)[0];
}
