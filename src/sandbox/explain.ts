/** What the timing of one variant is set against: the counted MAC ratio and the arithmetic intensities. */
export interface SpeedupFacts {
  /** Dense MACs / this variant's MACs. */
  countedRatio: number | null;
  /** Dense time / this variant's time. */
  measuredSpeedup: number | null;
  /** FLOPs per byte of this variant and of the dense layer (fp32). */
  intensity: number | null;
  denseIntensity: number | null;
  dense: boolean;
}

/** Measured and counted agree when they are within this factor of each other. */
export const AGREEMENT_FACTOR = 1.5;
/**
 * FLOPs per byte below which a layer would be memory-bound if its tensors came from main memory
 * (a CPU core does tens of fp32 SIMD FLOPs in the time main memory delivers one byte to it).
 */
export const LOW_INTENSITY = 10;

const fmt = (x: number): string => (x >= 10 ? x.toFixed(0) : x.toFixed(1));

/**
 * One line on why the measured speedup is or is not the MAC ratio. Cutting MACs with groups
 * cuts the work per byte moved (arithmetic intensity) by about as much, so a grouped or
 * depthwise layer soon waits on memory instead of arithmetic and saves less time than it saves
 * MACs; a layer that sped up more than counted has usually left a slower kernel path or now
 * fits in cache.
 */
export function explainSpeedup(f: SpeedupFacts): string {
  if (f.dense) return 'The baseline: the other columns are timed against it.';
  if (f.countedRatio === null || f.measuredSpeedup === null) return 'No dense column to compare with.';
  const efficiency = f.measuredSpeedup / f.countedRatio;
  const intensities = f.intensity !== null && f.denseIntensity !== null ? ` (${fmt(f.intensity)} FLOP/byte vs dense ${fmt(f.denseIntensity)})` : '';
  if (efficiency < 1 / AGREEMENT_FACTOR) {
    const lower = f.intensity !== null && f.denseIntensity !== null && f.intensity < f.denseIntensity;
    return lower
      ? `Memory-bound: ${fmt(f.countedRatio)}x fewer MACs but only ${fmt(f.measuredSpeedup)}x faster, because each byte moved now feeds less arithmetic${intensities}.`
      : `Slower than counted: ${fmt(f.countedRatio)}x fewer MACs but only ${fmt(f.measuredSpeedup)}x faster${intensities}; fixed per-call costs dominate at this size.`;
  }
  if (efficiency > AGREEMENT_FACTOR) {
    return `Faster than counted: ${fmt(f.measuredSpeedup)}x for ${fmt(f.countedRatio)}x fewer MACs${intensities}; the smaller layer keeps its data in cache or takes a faster kernel path than dense.`;
  }
  const low = f.intensity !== null && f.intensity < LOW_INTENSITY;
  return low
    ? `The time follows the MAC count (${fmt(f.measuredSpeedup)}x measured, ${fmt(f.countedRatio)}x counted) despite a low intensity${intensities}: at this size its tensors stay in cache, so memory does not limit it yet.`
    : `Compute-bound: the time follows the MAC count (${fmt(f.measuredSpeedup)}x measured, ${fmt(f.countedRatio)}x counted)${intensities}.`;
}
