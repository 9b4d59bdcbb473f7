import { Args, Builtin, ClassValue, Instance, Namespace, PyDict, Value, isUnknown, tupleOf, unknown } from '../values/values';

/**
 * The string-only parts of `os.path` and `urllib.parse` that model code runs on model names
 * (timm's `parse_model_name`: `urlsplit(name)`, `os.path.split(parsed.path)`), and `os.environ`
 * when the analysis is given an environment. Nothing here touches a file system; the rest of
 * `os` stays unknown.
 */
function strings(a: Args, name: string): string[] | Value {
  const bad = a.positional.find((v) => typeof v !== 'string');
  if (bad !== undefined) return isUnknown(bad) ? bad : unknown(`os.path.${name} of a value that is not a known str`);
  return a.positional as string[];
}

function pathFunction(name: string, f: (parts: string[]) => Value): Builtin {
  return new Builtin(name, (a) => {
    const parts = strings(a, name);
    return Array.isArray(parts) && parts.every((p) => typeof p === 'string') ? f(parts as string[]) : (parts as Value);
  });
}

function splitPath(p: string): [string, string] {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  const tail = p.slice(i);
  if (head && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return [head, tail];
}

/**
 * The environment variables `os.environ` holds for an analysis (the ones the user declares, see
 * AnalysisOptions.environment), and where each read is noted, so that every surface can say which
 * variables the figures depend on.
 */
export interface Environment {
  readonly variables: Readonly<Record<string, string>>;
  /** Called with the name of each variable read, set or not, or with null when the whole environment was listed. */
  readonly read: (name: string | null) => void;
}

/**
 * os.environ: a dict of the given variables that notes what is read. A keyed read (`in`,
 * `[name]`, `.get`) notes that name; anything that lists the contents (iteration, `items()`,
 * `copy()`) notes the whole environment. Writes are the file's own and note nothing.
 */
class EnvironDict extends PyDict {
  private keyed = false;

  constructor(private readonly note: (name: string | null) => void) {
    super();
  }

  override get entries(): Map<string, [Value, Value]> {
    if (!this.keyed) this.note(null);
    return super.entries;
  }

  override get(key: Value): Value | undefined {
    if (typeof key === 'string') this.note(key);
    return this.byKey(() => super.get(key));
  }

  override set(key: Value, value: Value): void {
    this.byKey(() => super.set(key, value));
  }

  override delete(key: Value): boolean {
    return this.byKey(() => super.delete(key));
  }

  private byKey<T>(f: () => T): T {
    this.keyed = true;
    try {
      return f();
    } finally {
      this.keyed = false;
    }
  }
}

function environDict(environment: Environment): PyDict {
  const d = new EnvironDict(environment.read);
  for (const [name, value] of Object.entries(environment.variables)) d.set(name, value);
  return d;
}

/** `os`: its path strings always; `environ` and `getenv` only when the analysis is given an environment. */
export function osModule(environment?: Environment): Namespace {
  const path = new Map<string, Value>();
  path.set('sep', '/');
  path.set('split', pathFunction('split', ([p]) => tupleOf(splitPath(p))));
  path.set('basename', pathFunction('basename', ([p]) => splitPath(p)[1]));
  path.set('dirname', pathFunction('dirname', ([p]) => splitPath(p)[0]));
  path.set('join', pathFunction('join', (parts) => parts.reduce((acc, p) => (p.startsWith('/') ? p : acc === '' || acc.endsWith('/') ? acc + p : `${acc}/${p}`), '')));
  path.set('splitext', pathFunction('splitext', ([p]) => {
    const [, tail] = splitPath(p);
    const dot = tail.lastIndexOf('.');
    if (dot <= 0 || tail.slice(0, dot) === '.'.repeat(dot)) return tupleOf([p, '']);
    const cut = p.length - (tail.length - dot);
    return tupleOf([p.slice(0, cut), p.slice(cut)]);
  }));
  const pathNs = new Namespace('os.path', path, true, 'only os.path\'s string functions are modelled');
  const members = new Map<string, Value>([['path', pathNs], ['sep', '/']]);
  if (!environment) return new Namespace('os', members, true, 'os is modelled only for its path strings (no environment was given to the analysis)');
  const environ = environDict(environment);
  members.set('environ', environ);
  members.set('getenv', new Builtin('getenv', (a) => {
    const name = a.positional[0];
    const fallback = a.positional[1] ?? a.keywords.get('default') ?? null;
    if (typeof name !== 'string') return isUnknown(name) ? name : unknown('os.getenv of a value that is not a known str');
    return environ.get(name) ?? fallback;
  }));
  return new Namespace('os', members, true);
}

const splitResult = new ClassValue('SplitResult', [], null, null);

export function urllibParseModule(): Namespace {
  const members = new Map<string, Value>();
  members.set('urlsplit', new Builtin('urlsplit', (a) => {
    const url = a.positional[0];
    if (typeof url !== 'string') return isUnknown(url) ? url : unknown('urlsplit of a value that is not a known str');
    let rest = url;
    let scheme = '';
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
    if (m) {
      scheme = m[1].toLowerCase();
      rest = rest.slice(m[0].length);
    }
    let netloc = '';
    if (rest.startsWith('//')) {
      const end = rest.slice(2).search(/[/?#]/);
      netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
      rest = end < 0 ? '' : rest.slice(2 + end);
    }
    let fragment = '';
    const hash = rest.indexOf('#');
    if (hash >= 0) [rest, fragment] = [rest.slice(0, hash), rest.slice(hash + 1)];
    let query = '';
    const q = rest.indexOf('?');
    if (q >= 0) [rest, query] = [rest.slice(0, q), rest.slice(q + 1)];
    const out = new Instance(splitResult);
    for (const [k, v] of [['scheme', scheme], ['netloc', netloc], ['path', rest], ['query', query], ['fragment', fragment]]) out.attrs.set(k, v);
    return out;
  }));
  return new Namespace('urllib.parse', members, true, 'urllib.parse is modelled only for urlsplit');
}
