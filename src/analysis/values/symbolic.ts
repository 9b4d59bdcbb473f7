/**
 * A tiny polynomial over named unknowns with bigint coefficients, enough to say what a layer
 * weighs when its channel counts are parameters with no call site (e.g. `10·nin`).
 * A term is keyed by its sorted variable names joined with '·' ('' for the constant).
 */
export class Poly {
  constructor(readonly terms: ReadonlyMap<string, bigint>) {}

  static constant(value: bigint): Poly {
    return new Poly(value === 0n ? new Map() : new Map([['', value]]));
  }

  static variable(name: string): Poly {
    return new Poly(new Map([[name, 1n]]));
  }

  /** The highest degree of its terms (0 for a constant). */
  degree(): number {
    let max = 0;
    for (const k of this.terms.keys()) max = Math.max(max, degree(k));
    return max;
  }

  isConstant(): boolean {
    return [...this.terms.keys()].every((k) => k === '');
  }

  constantValue(): bigint {
    return this.terms.get('') ?? 0n;
  }

  add(other: Poly): Poly {
    const out = new Map(this.terms);
    for (const [k, c] of other.terms) accumulate(out, k, c);
    return new Poly(out);
  }

  negate(): Poly {
    return new Poly(new Map([...this.terms].map(([k, c]) => [k, -c])));
  }

  mul(other: Poly): Poly {
    const out = new Map<string, bigint>();
    for (const [ka, ca] of this.terms) {
      for (const [kb, cb] of other.terms) accumulate(out, joinKeys(ka, kb), ca * cb);
    }
    return new Poly(out);
  }

  /** Exact division by a single term (e.g. nin·nin / nin), or null when it does not divide. */
  divExact(other: Poly): Poly | null {
    if (other.terms.size !== 1) return null;
    const [[kd, cd]] = [...other.terms];
    const divisor = splitKey(kd);
    const out = new Map<string, bigint>();
    for (const [k, c] of this.terms) {
      if (c % cd !== 0n) return null;
      const vars = splitKey(k);
      for (const v of divisor) {
        const i = vars.indexOf(v);
        if (i < 0) return null;
        vars.splice(i, 1);
      }
      accumulate(out, vars.join('·'), c / cd);
    }
    return new Poly(out);
  }

  toString(): string {
    if (this.terms.size === 0) return '0';
    const ordered = [...this.terms].sort(([a], [b]) => degree(b) - degree(a) || a.localeCompare(b));
    return ordered
      .map(([k, c], i) => {
        const sign = c < 0n ? (i === 0 ? '-' : ' - ') : i === 0 ? '' : ' + ';
        const abs = c < 0n ? -c : c;
        const body = k === '' ? abs.toString() : abs === 1n ? k : `${abs}·${k}`;
        return sign + body;
      })
      .join('');
  }
}

function accumulate(map: Map<string, bigint>, key: string, c: bigint): void {
  const next = (map.get(key) ?? 0n) + c;
  if (next === 0n) map.delete(key);
  else map.set(key, next);
}

function splitKey(key: string): string[] {
  return key === '' ? [] : key.split('·');
}

function joinKeys(a: string, b: string): string {
  return [...splitKey(a), ...splitKey(b)].sort().join('·');
}

function degree(key: string): number {
  return splitKey(key).length;
}
