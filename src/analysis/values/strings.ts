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
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
    return String(v);
  }
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
