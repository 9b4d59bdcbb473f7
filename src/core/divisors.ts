/**
 * Divisors of channel-count gcds, which may be far past 2^53. Trial division alone would take
 * a million steps for a 10^12 gcd that happens to be prime; instead small primes are divided
 * out, the rest is tested with Miller-Rabin and split with Pollard-Brent rho, within a budget.
 */

/** Pollard-Brent steps allowed per call (tens of milliseconds at worst): enough for prime factors up to about 10^7. */
const RHO_BUDGET = 12_000;
const SMALL_PRIME_LIMIT = 1000n;
/** Miller-Rabin with these bases is exact below 3.3 x 10^24 (and a strong test above that). */
const WITNESSES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n];

export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** More divisors than this are not listed: their count is given, with those nearest a wanted value. */
export const DIVISORS_LISTED = 1024;
/** How many divisors on each side of the wanted value a bounded list holds. */
const NEAREST_EACH_SIDE = 8;
/** Search steps for the nearest divisors when there are too many to list (a few milliseconds). */
const NEAREST_SEARCH_STEPS = 50_000;

export interface Divisors {
  /** Ascending: every divisor, or (when `count` passes DIVISORS_LISTED) 1, n and those found nearest `around`. */
  values: bigint[];
  /** Whether `values` is every divisor. */
  complete: boolean;
  /** How many divisors n has; null when a factor resisted the rho budget (the list then holds those proven). */
  count: bigint | null;
}

/**
 * The divisors of n (n > 0), ascending. A number with more than DIVISORS_LISTED divisors (the
 * product of the first 28 primes has 2^28) gets their count and the ones nearest `around`,
 * never the whole list.
 */
export function divisors(n: bigint, around = 1n): Divisors {
  if (n <= 0n) return { values: [], complete: true, count: 0n };
  const { factors, complete } = factorize(n);
  let count = 1n;
  for (const exponent of factors.values()) count *= BigInt(exponent + 1);
  if (count > BigInt(DIVISORS_LISTED)) {
    return { values: nearestDivisors(n, factors, around), complete: false, count: complete ? count : null };
  }
  let values = [1n];
  for (const [prime, exponent] of factors) {
    const next: bigint[] = [];
    for (const v of values) {
      let power = v;
      for (let e = 0; e <= exponent; e++, power *= prime) next.push(power);
    }
    values = next;
  }
  values.sort(ascending);
  return { values, complete, count: complete ? count : null };
}

/** log2 of a positive bigint, to a few digits (enough to order products by nearness). */
function log2(v: bigint): number {
  const bits = v.toString(16).length * 4;
  const shift = Math.max(0, bits - 53);
  return Math.log2(Number(v >> BigInt(shift))) + shift;
}

function ascending(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * 1, n, and the divisors found nearest `around` on each side, by a depth-first walk over the
 * prime powers (largest primes first) that stops growing a product once it passes the farthest
 * divisor kept above, within a step budget. Every value is a divisor; when the budget runs out
 * they are the nearest found, not always the nearest there are.
 */
function nearestDivisors(n: bigint, factors: Map<bigint, number>, around: bigint): bigint[] {
  const primes = [...factors.entries()].sort((a, b) => ascending(b[0], a[0]));
  const below: bigint[] = [];
  const above: bigint[] = [];
  let steps = NEAREST_SEARCH_STEPS;
  const keep = (d: bigint): void => {
    const side = d <= around ? below : above;
    if (side.includes(d)) return;
    side.push(d);
    side.sort((a, b) => (side === below ? ascending(b, a) : ascending(a, b)));
    if (side.length > NEAREST_EACH_SIDE) side.pop();
  };
  const walk = (i: number, product: bigint): void => {
    if (--steps < 0) return;
    if (i === primes.length) {
      keep(product);
      return;
    }
    const [prime, exponent] = primes[i];
    const powers: bigint[] = [];
    for (let e = 0, power = product; e <= exponent; e++, power *= prime) {
      if (above.length === NEAREST_EACH_SIDE && power > above[above.length - 1]) break;
      powers.push(power);
    }
    // The products nearest the wanted value first, so the budget is spent around it.
    powers.sort((a, b) => Math.abs(log2(a) - target) - Math.abs(log2(b) - target));
    for (const power of powers) walk(i + 1, power);
  };
  const target = log2(around);
  walk(0, 1n);
  return [...new Set([1n, ...below, ...above, n])].sort(ascending);
}

/** Prime factors with exponents; an unsplit composite is kept as one "factor" and marks the result incomplete. */
function factorize(n: bigint): { factors: Map<bigint, number>; complete: boolean } {
  const factors = new Map<bigint, number>();
  const add = (p: bigint): void => {
    factors.set(p, (factors.get(p) ?? 0) + 1);
  };
  let rest = n;
  for (let p = 2n; p < SMALL_PRIME_LIMIT && p * p <= rest; p += p === 2n ? 1n : 2n) {
    while (rest % p === 0n) {
      add(p);
      rest /= p;
    }
  }
  const budget = { left: RHO_BUDGET };
  let complete = true;
  const pending = rest > 1n ? [rest] : [];
  while (pending.length > 0) {
    const m = pending.pop() as bigint;
    if (m < SMALL_PRIME_LIMIT * SMALL_PRIME_LIMIT || isProbablePrime(m)) {
      add(m);
      continue;
    }
    const d = pollardBrent(m, budget);
    if (d === null) {
      complete = false;
      add(m);
    } else {
      pending.push(d, m / d);
    }
  }
  return { factors, complete };
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

export function isProbablePrime(n: bigint): boolean {
  if (n < 2n) return false;
  for (const p of WITNESSES) {
    if (n % p === 0n) return n === p;
  }
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  return WITNESSES.every((a) => {
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) return true;
    for (let i = 1; i < s; i++) {
      x = (x * x) % n;
      if (x === n - 1n) return true;
    }
    return false;
  });
}

/**
 * Brent's variant of Pollard's rho: a nontrivial factor of the odd composite n, or null when
 * the budget runs out. Products of |x - y| are batched so one gcd covers many steps.
 */
function pollardBrent(n: bigint, budget: { left: number }): bigint | null {
  const batch = 128;
  for (let c = 1n; budget.left > 0; c++) {
    const step = (v: bigint): bigint => (v * v + c) % n;
    let y = 2n;
    let x = y;
    let saved = y;
    let g = 1n;
    let q = 1n;
    for (let r = 1; g === 1n && budget.left > 0; r *= 2) {
      x = y;
      for (let i = 0; i < r; i++) y = step(y);
      budget.left -= r;
      for (let k = 0; k < r && g === 1n; k += batch) {
        saved = y;
        const steps = Math.min(batch, r - k);
        for (let i = 0; i < steps; i++) {
          y = step(y);
          q = (q * (x > y ? x - y : y - x)) % n;
        }
        budget.left -= steps;
        g = gcd(q, n);
      }
    }
    if (g === n) {
      // The batch overshot: redo it one step at a time from where it began.
      do {
        saved = step(saved);
        g = gcd(x > saved ? x - saved : saved - x, n);
        budget.left--;
      } while (g === 1n);
    }
    if (g !== 1n && g !== n) return g;
  }
  return null;
}
