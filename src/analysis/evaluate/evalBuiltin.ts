import type { Interpreter } from './interpreter';
import { evalSnippet } from './snippet';
import { Args, Value, isUnknown, unknown } from '../values/values';
import { PyError } from '../values/errors';

/**
 * eval() of an expression string, in the globals of the file that calls it: YOLO-style model
 * parsers turn a config's module names into classes with `m = eval(m)` ('Conv', 'nn.Upsample').
 * The caller's local variables are not visible here, so a name only a local defines raises the
 * NameError Python would raise for an unknown name (configs wrap those in suppress(NameError)).
 */
/** The longest text eval() parses: a config's expressions are a few dozen characters. */
const EVAL_CHARS = 100_000;

export function evalBuiltin(a: Args, ip: Interpreter): Value {
  const source = a.positional[0];
  if (isUnknown(source)) return source;
  if (typeof source !== 'string') throw new PyError('TypeError', 'eval() arg 1 must be a string, bytes or code object');
  if (source.length > EVAL_CHARS) return unknown(`eval() of ${source.length.toLocaleString('en-US')} characters is not followed (the limit is ${EVAL_CHARS.toLocaleString('en-US')})`);
  // Parsing costs about a step per few characters; each eval parses its text anew.
  ip.budget.charge(source.length, 4);
  const site = ip.sites[ip.sites.length - 1];
  const scope = site?.unit.scope;
  if (!scope) return unknown('eval() outside a module');
  return evalSnippet(ip, source.trim(), scope);
}
