import { CannotEvaluate, PyError } from '../values/errors';
import { type Interpreter, dataclassFields } from './interpreter';
import { Builtin, Instance, PyDict, Value, isUnknown, tupleOf } from '../values/values';

// Copies of record objects with some fields changed: a named tuple's `_replace(**changes)` and
// `dataclasses.replace(obj, **changes)`. Both build a new object through the class, as Python
// does, so a dataclass's __post_init__ runs again on the copy.

function fieldsOf(obj: Instance): string[] | null {
  return obj.cls.lookup('__dataclass_fields__') === undefined ? null : dataclassFields(obj.cls);
}

function rebuilt(ip: Interpreter, obj: Instance, fields: string[], changes: Map<string, Value>): Value {
  const keywords = new Map<string, Value>();
  for (const f of fields) {
    const v = changes.has(f) ? changes.get(f)! : obj.attrs.get(f);
    if (v === undefined) throw new CannotEvaluate(`${obj.cls.name}.${f} is not known, so a copy cannot be made`);
    keywords.set(f, v);
  }
  return ip.call(obj.cls, { positional: [], keywords }, null);
}

/** `dataclasses.replace(obj, **changes)`. */
export function dataclassReplace(ip: Interpreter, obj: Value | undefined, changes: Map<string, Value>): Value {
  if (obj === undefined || isUnknown(obj)) throw new CannotEvaluate(`dataclasses.replace of ${obj === undefined ? 'nothing' : `an unknown value (${obj.reason})`}`);
  const fields = obj instanceof Instance && !obj.cls.lookup('__namedtuple__') ? fieldsOf(obj) : null;
  if (!(obj instanceof Instance) || fields === null) throw new PyError('TypeError', 'replace() should be called on dataclass instances');
  for (const k of changes.keys()) {
    if (!fields.includes(k)) throw new PyError('TypeError', `__init__() got an unexpected keyword argument '${k}'`);
  }
  return rebuilt(ip, obj, fields, changes);
}

/** A named tuple's own methods and `_fields`, or undefined when `name` is none of them. */
export function namedTupleMember(ip: Interpreter, obj: Instance, name: string): Value | undefined {
  if (!obj.cls.lookup('__namedtuple__')) return undefined;
  const fields = fieldsOf(obj);
  if (fields === null) return undefined;
  switch (name) {
    case '_fields':
      return tupleOf(fields);
    case '_replace':
      return new Builtin('_replace', (a) => {
        const unexpected = [...a.keywords.keys()].filter((k) => !fields.includes(k));
        if (unexpected.length > 0) throw new PyError('ValueError', `Got unexpected field names: [${unexpected.map((k) => `'${k}'`).join(', ')}]`);
        return rebuilt(ip, obj, fields, a.keywords);
      });
    case '_asdict':
      return new Builtin('_asdict', () => {
        const d = new PyDict();
        for (const f of fields) {
          const v = obj.attrs.get(f);
          if (v === undefined) throw new CannotEvaluate(`${obj.cls.name}.${f} is not known`);
          d.set(f, v);
        }
        return d;
      });
  }
  return undefined;
}

