import { PreparedEngine } from './engines/engine';

/** Runs an engine until it is warm: at least 3 runs and 300 ms, so V8 has tiered up its wasm. */
export async function warmUp(engine: PreparedEngine): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < 3 || performance.now() - start < 300; i++) await engine.run();
}

/**
 * Times one run in wall-clock ms and in this process's CPU ms. On a shared machine the CPU time
 * leaves out the time other processes held the core, so it is the steadier of the two.
 */
export async function timeOnce(engine: PreparedEngine): Promise<{ wall: number; cpu: number }> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await engine.run();
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The largest |a - b| / (1 + |b|): how far an engine's output is from ours. */
export function maxRelativeDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return worst;
}
