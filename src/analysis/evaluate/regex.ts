import { CannotEvaluate } from '../values/errors';
import { Args, Builtin, ClassValue, Instance, Namespace, Unknown, Value, tupleOf, unknown } from '../values/values';

// Python's `re` for what model configs do with it: split a block string such as 'k3' with
// re.split(r'(\d.*)', ...), find numbers with re.findall, test names with re.match. Patterns
// run on JavaScript's engine, which reads the common syntax alike; a pattern with a construct
// the two engines read differently, or a match that is empty (whose handling differs), is unknown.

const FLAG_BITS: Array<[bigint, string]> = [[2n, 'i'], [8n, 'm'], [16n, 's']];
/** re.ASCII and re.UNICODE change nothing for the ASCII text of configs; re.VERBOSE is not modelled. */
const HARMLESS_FLAGS = 256n | 32n;

function jsFlags(v: Value | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'bigint') throw new CannotEvaluate('re flags that are not an int');
  let rest = v & ~HARMLESS_FLAGS;
  let out = '';
  for (const [bit, flag] of FLAG_BITS) {
    if ((rest & bit) !== 0n) out += flag;
    rest &= ~bit;
  }
  if (rest !== 0n) throw new CannotEvaluate('re flags other than IGNORECASE, MULTILINE and DOTALL are not modelled');
  return out;
}

/** Python pattern syntax to JavaScript's, or an error for what the two read differently. */
function jsSource(pattern: string, flags: string): string {
  if (/\(\?[a-zA-Z]/.test(pattern.replace(/\(\?P[<=]/g, ''))) throw new CannotEvaluate('a regular expression with inline flags is not modelled');
  if (/\(\?#/.test(pattern)) throw new CannotEvaluate('a regular expression with a comment group is not modelled');
  if ((flags.includes('m') || pattern.includes('\\\\')) && /\\[AZ]/.test(pattern)) throw new CannotEvaluate('\\A or \\Z with re.MULTILINE or an escaped backslash is not modelled');
  // `[^]` and `[]` open a class with a literal `]` in Python, and are whole classes in JavaScript.
  if (/\[\^?\]/.test(pattern)) throw new CannotEvaluate('a character class that starts with ] is not modelled');
  let out = pattern.replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>');
  out = out.replace(/\\A/g, '^').replace(/\\Z/g, '$(?![\\s\\S])');
  return out;
}

function compileRegex(patternArg: Value | undefined, flagsArg: Value | undefined, extra: string): RegExp {
  const pattern = patternArg instanceof Instance ? patternArg.attrs.get('pattern') : patternArg;
  if (pattern instanceof Unknown) throw new CannotEvaluate(pattern.reason);
  if (typeof pattern !== 'string') throw new CannotEvaluate('a regular expression that is not a str');
  const compiledFlags = patternArg instanceof Instance ? patternArg.attrs.get('flags') : undefined;
  const flags = jsFlags(flagsArg ?? compiledFlags);
  try {
    return new RegExp(jsSource(pattern, flags), flags + extra);
  } catch (e) {
    if (e instanceof CannotEvaluate) throw e;
    throw new CannotEvaluate(`the regular expression ${JSON.stringify(pattern)} is not read alike by JavaScript`);
  }
}

function subject(v: Value | undefined): string {
  if (v instanceof Unknown) throw new CannotEvaluate(v.reason);
  if (typeof v !== 'string') throw new CannotEvaluate('a regular expression applied to a value that is not a str');
  return v;
}

/** Every match from the start, left to right; an empty match makes the answer unknown. */
function allMatches(re: RegExp, s: string, limit = 0): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    if (m[0] === '') throw new CannotEvaluate('a regular expression that matches an empty string is not modelled');
    out.push(m);
    if (limit > 0 && out.length >= limit) break;
    if (out.length > 100_000) throw new CannotEvaluate('too many regular expression matches');
  }
  return out;
}

const MATCH_CLASS = new ClassValue('Match', [], null, null);
const PATTERN_CLASS = new ClassValue('Pattern', [], null, null);

function groupIndex(m: RegExpExecArray, key: Value | undefined): number | string {
  if (key === undefined) return 0;
  if (typeof key === 'bigint') {
    if (key < 0n || key >= BigInt(m.length)) throw new CannotEvaluate('no such group');
    return Number(key);
  }
  if (typeof key === 'string' && m.groups && key in m.groups) return key;
  throw new CannotEvaluate('no such group');
}

function matchObject(m: RegExpExecArray): Instance {
  const obj = new Instance(MATCH_CLASS);
  const group = (key: Value | undefined): Value => {
    const i = groupIndex(m, key);
    const v = typeof i === 'number' ? m[i] : m.groups![i];
    return v === undefined ? null : v;
  };
  obj.attrs.set('group', new Builtin('group', (a) => (a.positional.length <= 1 ? group(a.positional[0]) : tupleOf(a.positional.map(group)))));
  obj.attrs.set('groups', new Builtin('groups', (a) => tupleOf(m.slice(1).map((g) => (g === undefined ? a.positional[0] ?? null : g)))));
  obj.attrs.set('groupdict', new Builtin('groupdict', () => {
    throw new CannotEvaluate('Match.groupdict is not modelled');
  }));
  obj.attrs.set('start', new Builtin('start', () => BigInt(m.index)));
  obj.attrs.set('end', new Builtin('end', () => BigInt(m.index + m[0].length)));
  obj.attrs.set('span', new Builtin('span', () => tupleOf([BigInt(m.index), BigInt(m.index + m[0].length)])));
  obj.attrs.set('string', m.input);
  return obj;
}

function reMatch(a: Args, how: 'match' | 'search' | 'fullmatch'): Value {
  const s = subject(a.positional[1] ?? a.keywords.get('string'));
  const re = compileRegex(a.positional[0] ?? a.keywords.get('pattern'), a.positional[2] ?? a.keywords.get('flags'), how === 'search' ? '' : 'y');
  const anchored = how === 'fullmatch' ? new RegExp(`(?:${re.source})$(?![\\s\\S])`, re.flags) : re;
  anchored.lastIndex = 0;
  const m = anchored.exec(s);
  return m === null ? null : matchObject(m);
}

function reSplit(a: Args): Value {
  const s = subject(a.positional[1] ?? a.keywords.get('string'));
  const maxsplit = a.positional[2] ?? a.keywords.get('maxsplit') ?? 0n;
  if (typeof maxsplit !== 'bigint') return unknown('re.split with a maxsplit that is not an int');
  const re = compileRegex(a.positional[0] ?? a.keywords.get('pattern'), a.positional[3] ?? a.keywords.get('flags'), 'g');
  const out: Value[] = [];
  let last = 0;
  for (const m of allMatches(re, s, maxsplit > 0n ? Number(maxsplit) : 0)) {
    out.push(s.slice(last, m.index));
    for (const g of m.slice(1)) out.push(g === undefined ? null : g);
    last = m.index + m[0].length;
  }
  out.push(s.slice(last));
  return out;
}

function reFindall(a: Args): Value {
  const s = subject(a.positional[1] ?? a.keywords.get('string'));
  const re = compileRegex(a.positional[0] ?? a.keywords.get('pattern'), a.positional[2] ?? a.keywords.get('flags'), 'g');
  return allMatches(re, s).map((m) => {
    if (m.length === 1) return m[0];
    const groups = m.slice(1).map((g) => g ?? '');
    return groups.length === 1 ? groups[0] : tupleOf(groups);
  });
}

/** Python's replacement template: \1, \g<1>, \g<name>, and escapes of backslashes. */
function expandTemplate(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = template[i + 1];
    if (next !== undefined && next >= '0' && next <= '9') {
      const digits = /^\d{1,2}/.exec(template.slice(i + 1))![0];
      out += m[Number(digits)] ?? '';
      i += digits.length;
    } else if (next === 'g') {
      const end = template.indexOf('>', i);
      const key = template.slice(i + 3, end);
      out += (/^\d+$/.test(key) ? m[Number(key)] : m.groups?.[key]) ?? '';
      i = end;
    } else if (next === '\\') {
      out += '\\';
      i++;
    } else if (next === 'n') {
      out += '\n';
      i++;
    } else {
      throw new CannotEvaluate('a replacement template with an escape that is not modelled');
    }
  }
  return out;
}

function reSub(a: Args): Value {
  const repl = a.positional[1] ?? a.keywords.get('repl');
  if (typeof repl !== 'string') return unknown('re.sub with a replacement that is not a str');
  const s = subject(a.positional[2] ?? a.keywords.get('string'));
  const count = a.positional[3] ?? a.keywords.get('count') ?? 0n;
  if (typeof count !== 'bigint') return unknown('re.sub with a count that is not an int');
  const re = compileRegex(a.positional[0] ?? a.keywords.get('pattern'), a.positional[4] ?? a.keywords.get('flags'), 'g');
  let out = '';
  let last = 0;
  for (const m of allMatches(re, s, count > 0n ? Number(count) : 0)) {
    out += s.slice(last, m.index) + expandTemplate(repl, m);
    last = m.index + m[0].length;
  }
  return out + s.slice(last);
}

type ReFn = (a: Args) => Value;

const FUNCTIONS: Array<[string, ReFn]> = [
  ['match', (a) => reMatch(a, 'match')],
  ['search', (a) => reMatch(a, 'search')],
  ['fullmatch', (a) => reMatch(a, 'fullmatch')],
  ['split', reSplit],
  ['findall', reFindall],
  ['sub', reSub],
];

/** re.compile(pattern, flags): a Pattern whose methods are the module's functions with the pattern given. */
function compilePattern(a: Args): Value {
  const pattern = a.positional[0] ?? a.keywords.get('pattern');
  const flags = a.positional[1] ?? a.keywords.get('flags') ?? 0n;
  compileRegex(pattern, flags, '');
  const obj = new Instance(PATTERN_CLASS);
  obj.attrs.set('pattern', pattern ?? null);
  obj.attrs.set('flags', flags);
  for (const [name, f] of FUNCTIONS) {
    obj.attrs.set(name, new Builtin(name, (b) => f({ positional: [obj, ...b.positional], keywords: b.keywords })));
  }
  return obj;
}

/** The namespace `re`. */
export function reNamespace(): Namespace {
  const m = new Map<string, Value>();
  for (const [name, f] of FUNCTIONS) m.set(name, new Builtin(name, (a) => f(a)));
  m.set('compile', new Builtin('compile', compilePattern));
  m.set('escape', new Builtin('escape', (a) => subject(a.positional[0]).replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`)));
  for (const [names, bit] of [[['I', 'IGNORECASE'], 2n], [['M', 'MULTILINE'], 8n], [['S', 'DOTALL'], 16n], [['X', 'VERBOSE'], 64n], [['A', 'ASCII'], 256n], [['U', 'UNICODE'], 32n]] as Array<[string[], bigint]>) {
    for (const name of names) m.set(name, bit);
  }
  return new Namespace('re', m, true);
}
