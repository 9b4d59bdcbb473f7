import { readParams } from '../parse/params';
import type { Interpreter } from './interpreter';
import { Args, BoundMethod, Builtin, ClassValue, FunctionValue, Instance, Namespace, Partial, PyDict, RangeValue, Value, tupleOf, unknown } from '../values/values';

/**
 * What model zoos read off functions: `fn.__name__`/`__module__`/`__qualname__`/`__doc__`, the
 * attributes `functools.wraps` copies (so a decorated builder keeps its name, as torchvision's
 * `@kwonly_to_pos_or_kw` and timm's registry rely on), `sys.modules` and `inspect.signature`.
 */
export function functionAttribute(fn: FunctionValue, name: string): Value | undefined {
  const own = fn.attrs?.get(name);
  if (own !== undefined) return own;
  switch (name) {
    case '__name__':
      return fn.name;
    case '__qualname__':
      return fn.qualname;
    case '__module__': {
      const module = fn.unit.scope?.vars.get('__name__');
      return typeof module === 'string' ? module : unknown(`the module of ${fn.name}`);
    }
    case '__doc__':
      return null;
    case '__dict__': {
      const d = new PyDict();
      fn.attrs?.forEach((v, k) => d.set(k, v));
      return d;
    }
  }
  return undefined;
}

export const WRAPS_DECORATOR = 'wraps.<decorator>';

const WRAPPER_ASSIGNMENTS = ['__module__', '__name__', '__qualname__', '__doc__'];

/** `functools.wraps(wrapped)`: a decorator that gives the wrapper the wrapped function's names and attributes. */
export const WRAPS = new Builtin('wraps', (a: Args) => {
  const wrapped = a.positional[0] ?? a.keywords.get('wrapped') ?? null;
  return new Builtin(WRAPS_DECORATOR, (inner: Args) => {
    const wrapper = inner.positional[0] ?? null;
    if (!(wrapper instanceof FunctionValue)) return wrapper;
    const attrs = (wrapper.attrs ??= new Map());
    for (const key of WRAPPER_ASSIGNMENTS) {
      const v = wrapped instanceof FunctionValue ? functionAttribute(wrapped, key) : wrapped instanceof ClassValue && key === '__name__' ? wrapped.name : undefined;
      if (v !== undefined) attrs.set(key, v);
    }
    if (wrapped instanceof FunctionValue) wrapped.attrs?.forEach((v, k) => attrs.set(k, v));
    attrs.set('__wrapped__', wrapped);
    return wrapper;
  });
});

/** The standard `sys`: only `sys.modules`, filled by the loader as each module starts running. */
export function sysModule(modules: PyDict): Namespace {
  return new Namespace('sys', new Map<string, Value>([['modules', modules], ['version_info', tupleOf([3n, 11n, 0n])]]), true);
}

const KINDS = { positional: 1n, varargs: 2n, keyword: 3n, kwargs: 4n } as const;

const parameterClass = (() => {
  const cls = new ClassValue('Parameter', [], null, null);
  const empty = new ClassValue('_empty', [], null, null);
  const constants: Array<[string, Value]> = [['POSITIONAL_ONLY', 0n], ['POSITIONAL_OR_KEYWORD', 1n], ['VAR_POSITIONAL', 2n], ['KEYWORD_ONLY', 3n], ['VAR_KEYWORD', 4n], ['empty', empty]];
  for (const [k, v] of constants) cls.attrs.set(k, v);
  return cls;
})();

const signatureClass = new ClassValue('Signature', [], null, null);

/** `inspect.signature(fn)`: its `parameters`, an ordered mapping of names to Parameters with name, kind and default. */
function signature(a: Args, ip: Interpreter): Value {
  let fn = a.positional[0];
  while (fn instanceof FunctionValue && fn.attrs?.get('__wrapped__') instanceof FunctionValue) fn = fn.attrs.get('__wrapped__')!;
  if (fn instanceof Partial || !(fn instanceof FunctionValue)) return unknown('inspect.signature of a value other than a plain def');
  const parameters = new PyDict();
  for (const p of readParams(fn.node.getChild('ParamList'), (n) => fn.unit.text(n))) {
    const param = new Instance(parameterClass);
    param.attrs.set('name', p.name);
    param.attrs.set('kind', KINDS[p.kind]);
    param.attrs.set('default', fn.defaults.has(p.name) ? fn.defaults.get(p.name)! : parameterClass.attrs.get('empty')!);
    parameters.set(p.name, param);
  }
  void ip;
  const sig = new Instance(signatureClass);
  sig.attrs.set('parameters', parameters);
  return sig;
}

export function inspectModule(): Namespace {
  return new Namespace('inspect', new Map<string, Value>([
    ['signature', new Builtin('signature', signature)],
    ['Parameter', parameterClass],
    ['isclass', new Builtin('isclass', (a) => a.positional[0] instanceof ClassValue)],
    ['isfunction', new Builtin('isfunction', (a) => a.positional[0] instanceof FunctionValue)],
  ]), true);
}

/**
 * The abstract collection types (`typing.Sequence`, `collections.abc.Mapping`...) that
 * `isinstance` meets in configs (timm's byobnet: `isinstance(stage_blocks_cfg, Sequence)`); each
 * answers for the values the analysis models, and is unknown for objects of other classes.
 */
const ABC_TESTS: Record<string, (v: Value) => boolean | null> = {
  Sequence: (v) => (Array.isArray(v) || typeof v === 'string' || v instanceof RangeValue ? true : v instanceof PyDict || typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' || v === null ? false : null),
  Mapping: (v) => (v instanceof PyDict ? true : Array.isArray(v) || typeof v === 'string' || typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' || v === null ? false : null),
  Iterable: (v) => (Array.isArray(v) || typeof v === 'string' || v instanceof PyDict || v instanceof RangeValue ? true : typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' || v === null ? false : null),
  Callable: (v) => (v instanceof FunctionValue || v instanceof Builtin || v instanceof BoundMethod || v instanceof Partial || v instanceof ClassValue ? true : Array.isArray(v) || typeof v === 'string' || typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' || v === null || v instanceof PyDict ? false : null),
};
ABC_TESTS.MutableMapping = ABC_TESTS.Mapping;
ABC_TESTS.Collection = ABC_TESTS.Iterable;

export const ABC_CLASSES = new Map<string, ClassValue>(Object.keys(ABC_TESTS).map((name) => {
  const cls = new ClassValue(name, [], null, null);
  cls.attrs.set('__abc__', name);
  return [name, cls];
}));

/**
 * The numeric tower of `numbers` (timm's mobilenetv5: `isinstance(normalized_shape,
 * numbers.Integral)`). bool and int are Integral, float is Real; complex values are not modelled.
 */
const NUMBER_TESTS: Record<string, (v: Value) => boolean | null> = {
  Integral: (v) => (typeof v === 'bigint' || typeof v === 'boolean' ? true : knownNonNumber(v) || typeof v === 'number' ? false : null),
  Real: (v) => (typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'number' ? true : knownNonNumber(v) ? false : null),
};
NUMBER_TESTS.Rational = NUMBER_TESTS.Integral;
NUMBER_TESTS.Complex = NUMBER_TESTS.Real;
NUMBER_TESTS.Number = NUMBER_TESTS.Real;

function knownNonNumber(v: Value): boolean {
  return v === null || typeof v === 'string' || Array.isArray(v) || v instanceof PyDict || v instanceof RangeValue
    || v instanceof FunctionValue || v instanceof BoundMethod || v instanceof Partial || plainClass(v)
    || (v instanceof Instance && !v.cls.unknownBase() && !v.cls.native);
}

export const NUMBER_CLASSES = new Map<string, ClassValue>(Object.keys(NUMBER_TESTS).map((name) => {
  const cls = new ClassValue(name, [], null, null);
  cls.attrs.set('__number_abc__', name);
  return [name, cls];
}));

/**
 * types.FunctionType (and its alias LambdaType): true for a def or lambda; false for what is
 * surely no Python function (a method bound to an object, a partial, a class, data); unknown for
 * the library functions the analysis models natively, some of which are Python functions in torch.
 */
const TYPE_TESTS: Record<string, (v: Value) => boolean | null> = {
  FunctionType: (v) => (v instanceof FunctionValue ? true : v instanceof BoundMethod || v instanceof Partial || v instanceof ClassValue || knownNonNumber(v) || typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' ? false : null),
};

export const TYPE_CLASSES = new Map<string, ClassValue>(Object.keys(TYPE_TESTS).map((name) => {
  const cls = new ClassValue(name, [], null, null);
  cls.attrs.set('__type_test__', name);
  return [name, cls];
}));

/** isinstance(v, cls) for an abstract collection or number type: true, false, or null when it cannot tell. */
export function abcInstance(v: Value, cls: ClassValue): boolean | null | undefined {
  const numeric = cls.attrs.get('__number_abc__');
  if (typeof numeric === 'string') return NUMBER_TESTS[numeric](v);
  const typeTest = cls.attrs.get('__type_test__');
  if (typeof typeTest === 'string') return TYPE_TESTS[typeTest](v);
  const name = cls.attrs.get('__abc__');
  if (typeof name !== 'string') return undefined;
  // An object of a class the analysis read all of: Sequence and Mapping need the class to derive
  // from them; Iterable and Callable ask for __iter__ and __call__, as their subclass hooks do.
  if (v instanceof Instance && !v.cls.unknownBase() && !v.cls.native) {
    if (name === 'Sequence' || name === 'Mapping' || name === 'MutableMapping') return false;
    if (name === 'Callable') return v.cls.lookup('__call__') !== undefined;
    return v.cls.lookup('__iter__') !== undefined;
  }
  // A function, or a class whose bases were all read and hold no Enum (an Enum class iterates its
  // members through its metaclass), is no collection: `to_2tuple(nn.BatchNorm2d)` repeats it.
  if (name !== 'Callable' && (v instanceof FunctionValue || v instanceof BoundMethod || v instanceof Partial || plainClass(v))) return false;
  return ABC_TESTS[name](v);
}

function plainClass(v: Value): boolean {
  return v instanceof ClassValue && !v.unknownBase() && !v.mro().some((c) => /Enum|Meta/.test(c.name));
}
