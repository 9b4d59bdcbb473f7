/**
 * Which of a layer's valid groups values a surface shows when there are too many to show them
 * all (a gcd like 963,761,198,400 has 6,720 divisors). Works on the ascending list the core
 * gives (ConvRecord.valid_groups) and reads at most `limit` entries of it plus a binary search,
 * so what is computed per keystroke is bounded by what is shown.
 */

/**
 * At most `limit` (at least 3) valid values, ascending: the smallest and the largest, `current`
 * (when valid) with its nearest neighbours on either side, and the rest spread evenly through the
 * list. Divisors come in pairs d and n/d, so an even spread through the list is an even spread
 * on a log scale, which is how the curve chart plots them.
 */
export function groupChoices(valid: readonly bigint[], current: bigint | null, limit: number): bigint[] {
  const n = valid.length;
  if (n <= limit) return [...valid];
  const picked = new Set<number>([0, n - 1]);
  if (current !== null) {
    const at = lowerBound(valid, current);
    for (let i = Math.max(0, at - 2); i <= Math.min(n - 1, at + 2) && picked.size < limit; i++) picked.add(i);
  }
  // Indexes only: entries are read once picked. A spread that lands on picked indexes is refined.
  for (let spread = limit; picked.size < limit; spread *= 2) {
    for (let i = 0; i < spread && picked.size < limit; i++) picked.add(Math.round((i * (n - 1)) / (spread - 1)));
  }
  return [...picked].sort((a, b) => a - b).map((i) => valid[i]);
}

/** The index of the first value not below `target` in an ascending list (its length when none). */
function lowerBound(values: readonly bigint[], target: bigint): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
