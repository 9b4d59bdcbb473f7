import { parser } from '@lezer/python';
import { evalArgs, evalExpr } from './expressions';
import type { Interpreter } from './interpreter';
import { Scope } from './scope';
import { FileUnit } from './unit';
import { Args, Value } from './values';

/** Evaluates a Python expression given as text (a comment's input tuple) in a module's scope. */
export function evalSnippet(ip: Interpreter, text: string, scope: Scope): Value {
  const unit = new FileUnit('<snippet>', text, parser.parse(text));
  const stmt = unit.tree.topNode.firstChild;
  if (!stmt || stmt.name !== 'ExpressionStatement') return null;
  return evalExpr(ip, stmt.firstChild!, scope, unit);
}

/** Evaluates call arguments given as text, e.g. "32, num_classes=10". */
export function evalArgsText(ip: Interpreter, text: string, scope: Scope): Args {
  const source = `f(${text})`;
  const unit = new FileUnit('<args>', source, parser.parse(source));
  const call = unit.tree.topNode.firstChild?.firstChild;
  return evalArgs(ip, call?.getChild('ArgList') ?? null, scope, unit);
}
