import { parser } from '@lezer/python';
import { evalArgs, evalExpr } from './expressions';
import type { Interpreter } from './interpreter';
import { Scope } from '../values/scope';
import { FileUnit } from '../parse/unit';
import { Args, Value } from '../values/values';

/**
 * Parsed snippets by text: a file repeats the same few input comments, and a parse costs far more
 * than evaluating the tiny tree again. Trees are immutable, so sharing them is safe.
 */
const parsed = new Map<string, FileUnit>();
const MAX_PARSED = 512;

function parsedSnippet(name: string, text: string): FileUnit {
  let unit = parsed.get(text);
  if (!unit) {
    if (parsed.size >= MAX_PARSED) parsed.clear();
    unit = new FileUnit(name, text, parser.parse(text));
    parsed.set(text, unit);
  }
  return unit;
}

/** Evaluates a Python expression given as text (a comment's input tuple) in a module's scope. */
export function evalSnippet(ip: Interpreter, text: string, scope: Scope): Value {
  const unit = parsedSnippet('<snippet>', text);
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
