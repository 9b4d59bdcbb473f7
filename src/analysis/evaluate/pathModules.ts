import { Args, Builtin, ClassValue, Instance, Namespace, Value, isUnknown, tupleOf, unknown } from '../values/values';

/**
 * The string-only parts of `os.path` and `urllib.parse` that model code runs on model names
 * (timm's `parse_model_name`: `urlsplit(name)`, `os.path.split(parsed.path)`). Nothing here
 * touches a file system; `os.environ` and the rest of `os` stay unknown.
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

export function osModule(): Namespace {
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
  return new Namespace('os', new Map<string, Value>([['path', pathNs], ['sep', '/']]), true, 'os is modelled only for its path strings');
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
