import { ClassValue, ModuleObject, PyDict, Tensor, Value, isTupleValue, isUnknown } from './values';

/** Python's str() for the values model code formats into names. */
export function pyStr(v: Value): string {
  if (typeof v === 'string') return v;
  return pyReprValue(v);
}

export function pyReprValue(v: Value): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return pyFloatRepr(v);
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) {
    const inner = v.map(pyReprValue);
    if (isTupleValue(v)) return inner.length === 1 ? `(${inner[0]},)` : `(${inner.join(', ')})`;
    return `[${inner.join(', ')}]`;
  }
  if (v instanceof PyDict) return `{${[...v.entries.values()].map(([k, x]) => `${pyReprValue(k)}: ${pyReprValue(x)}`).join(', ')}}`;
  if (isUnknown(v)) return v.poly ? v.poly.toString() : '<unknown>';
  if (v instanceof ModuleObject) return `${v.typeName}()`;
  if (v instanceof ClassValue) return `<class '${v.name}'>`;
  if (v instanceof Tensor) return 'tensor(...)';
  return '<object>';
}

/**
 * repr() of a float as Python prints it: the shortest digits that read back as the same double
 * (what toExponential() gives), in positional notation unless the decimal point falls more than
 * 16 places after the first digit or more than 4 before it (CPython's 'r' format): 1e+16, 1e-05,
 * 0.0001, 123.0, inf, nan.
 */
export function pyFloatRepr(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = Math.abs(v).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const e = Number(exp);
  const sign = v < 0 ? '-' : '';
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const fraction = digits.slice(e + 1);
  return `${sign}${whole}.${fraction || '0'}`;
}
