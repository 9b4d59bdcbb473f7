import { Args, Builtin, ClassValue, Instance, Namespace, Value, isUnknown, tupleOf, unknown } from '../values/values';
import { PyError } from '../values/errors';

/**
 * The little of `re` that model code runs while building (timm's block strings:
 * `re.split(r'(\d.*)', 'se0.25')`). Patterns and strings come from an untrusted file, so only
 * patterns that cannot backtrack without bound are run: short strings, few quantifiers, no
 * quantified groups and no back-references; anything else is unknown with the reason.
 */
const MAX_STRING = 256;
const MAX_PATTERN = 100;
const MAX_QUANTIFIERS = 3;

function compile(pattern: Value, text: Value, flags = ''): RegExp | string {
  if (typeof pattern !== 'string' || typeof text !== 'string') return 're with a pattern or string that is not a known str';
  if (pattern.length > MAX_PATTERN || text.length > MAX_STRING) return `re on a pattern or string longer than the analysis runs (${MAX_PATTERN}/${MAX_STRING} characters)`;
  if (/\)[*+?{]|\\[1-9]|\(\?[^:P<]/.test(pattern)) return `the regular expression ${pattern} (quantified groups, back-references and flags are not run)`;
  const quantifiers = pattern.replace(/\\./g, '').match(/[*+?{]/g)?.length ?? 0;
  if (quantifiers > MAX_QUANTIFIERS) return `the regular expression ${pattern} (more than ${MAX_QUANTIFIERS} quantifiers are not run)`;
  try {
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'), flags);
  } catch {
    return `the regular expression ${pattern}, which the analysis cannot read`;
  }
}

const matchClass = new ClassValue('Match', [], null, null);

function matchObject(m: RegExpExecArray): Value {
  const groups = [...m].map((g) => (g === undefined ? null : g));
  const obj = new Instance(matchClass);
  obj.attrs.set('group', new Builtin('group', (a) => {
    const picked = (a.positional.length ? a.positional : [0n]).map((i) => {
      const n = typeof i === 'bigint' ? Number(i) : NaN;
      if (typeof i === 'string' && m.groups && i in m.groups) return m.groups[i] ?? null;
      if (!(n >= 0 && n < groups.length)) throw new PyError('IndexError', 'no such group');
      return groups[n];
    });
    return picked.length === 1 ? picked[0] : tupleOf(picked);
  }));
  obj.attrs.set('groups', new Builtin('groups', () => tupleOf(groups.slice(1))));
  return obj;
}

function matcher(kind: 'match' | 'fullmatch' | 'search'): Builtin {
  return new Builtin(kind, (a: Args) => {
    const [pattern, text] = a.positional;
    if (isUnknown(pattern) || isUnknown(text)) return isUnknown(pattern) ? pattern : text;
    const source = typeof pattern === 'string' ? (kind === 'search' ? pattern : kind === 'match' ? `^(?:${pattern})` : `^(?:${pattern})$`) : pattern;
    const re = compile(source, text);
    if (typeof re === 'string') return unknown(re);
    const m = re.exec(text as string);
    return m ? matchObject(m) : null;
  });
}

export function reModule(): Namespace {
  const members = new Map<string, Value>();
  members.set('split', new Builtin('split', (a: Args) => {
    const [pattern, text] = a.positional;
    if (isUnknown(pattern) || isUnknown(text)) return isUnknown(pattern) ? pattern : text;
    if (a.positional.length > 2 || a.keywords.size) return unknown('re.split with maxsplit or flags');
    const re = compile(pattern, text, 'g');
    if (typeof re === 'string') return unknown(re);
    // JavaScript's split keeps captured groups as Python's does; an unmatched group is None there.
    return (text as string).split(re).map((part) => (part === undefined ? null : part));
  }));
  members.set('sub', new Builtin('sub', (a: Args) => {
    const [pattern, repl, text] = a.positional;
    if (a.positional.length > 3 || a.keywords.size || typeof repl !== 'string' || /\\/.test(repl)) return unknown('re.sub beyond a plain replacement string');
    const re = compile(pattern, text, 'g');
    if (typeof re === 'string') return unknown(re);
    return (text as string).replace(re, () => repl);
  }));
  members.set('match', matcher('match'));
  members.set('fullmatch', matcher('fullmatch'));
  members.set('search', matcher('search'));
  return new Namespace('re', members, true);
}
