import { parser } from '@lezer/python';
import { ConvSpec, ConvType, PyValue, bindConvArguments, buildConv, isConvType } from '../../core';
import { Budget } from '../evaluate/budget';
import { CannotEvaluate, PyError } from '../values/errors';
import { evalArgs, evalExpr } from '../evaluate/expressions';
import { ModuleLoader } from '../evaluate/imports';
import { Interpreter } from '../evaluate/interpreter';
import { Scope } from '../values/scope';
import { FileUnit } from '../parse/unit';
import { Namespace, Unknown, Value } from '../values/values';

export type LayerExpressionResult = { ok: true; spec: ConvSpec } | { ok: false; message: string };

/**
 * Parses one constructor call such as `nn.Conv2d(64, 128, 3, groups=8)` and builds the layer.
 * Arguments are evaluated by the analysis's evaluator (arithmetic, tuples, min/max, math, ...);
 * the message on failure is PyTorch's or Python's own where one exists.
 */
export function parseLayerExpression(text: string): LayerExpressionResult {
  const unit = new FileUnit('<expression>', text, parser.parse(text));
  const error = firstError(unit);
  if (error >= 0) return { ok: false, message: `syntax error at column ${error + 1}` };
  const call = findCall(unit);
  if (!call) return { ok: false, message: `not a layer constructor call: ${text}` };
  const callee = call.firstChild!;
  const last = callee.name === 'MemberExpression' ? callee.lastChild : callee;
  const name = last ? unit.text(last) : '';
  if (!isConvType(name)) return { ok: false, message: `not a convolution layer: ${name} (expected one of Conv1d/2d/3d, ConvTranspose1d/2d/3d)` };
  const ip = new Interpreter(unit, new ModuleLoader({ readFile: () => undefined }, []), new Budget(100_000, 16));
  const scope = expressionScope(ip, unit);
  try {
    const { positional, keywords } = evalArgs(ip, call.getChild('ArgList'), scope, unit);
    const unknown = [...positional, ...keywords.values()].find((v) => v instanceof Unknown || (typeof v === 'object' && v !== null && !Array.isArray(v)));
    if (unknown !== undefined) return { ok: false, message: `cannot evaluate ${unknown instanceof Unknown ? unknown.reason : 'an argument'} without running code` };
    const bound = bindConvArguments(name as ConvType, positional as PyValue[], keywords as ReadonlyMap<string, PyValue>);
    if (!bound.ok) return { ok: false, message: bound.message };
    const built = buildConv(bound.args);
    return built.ok ? { ok: true, spec: built.spec } : { ok: false, message: built.error.message };
  } catch (e) {
    if (e instanceof PyError) return { ok: false, message: e.pyType === 'NameError' ? `cannot evaluate ${e.message.split("'")[1] ?? 'a name'} without running code` : e.message };
    if (e instanceof CannotEvaluate) return { ok: false, message: e.message };
    throw e;
  }
}

/** The offset of the first syntax error, or -1. */
function firstError(unit: FileUnit): number {
  let at = -1;
  unit.tree.iterate({
    enter: (n) => {
      if (at < 0 && n.type.isError) at = n.from;
      return at < 0;
    },
  });
  return at;
}

/** The expression's call, when the text is one call. */
function findCall(unit: FileUnit): import('@lezer/common').SyntaxNode | null {
  const stmt = unit.tree.topNode.firstChild;
  if (!stmt || stmt.name !== 'ExpressionStatement' || stmt.nextSibling) return null;
  const expr = stmt.firstChild;
  return expr?.name === 'CallExpression' ? expr : null;
}

/** `nn`, `torch`, `F` and `math` as the usual imports bind them. */
function expressionScope(ip: Interpreter, unit: FileUnit): Scope {
  const scope = new Scope(ip.loader.builtins, 'module');
  const torch = ip.loader.resolve(ip, 'torch', 0, unit);
  const nn = torch.members.get('nn') as Namespace;
  scope.vars.set('torch', torch);
  scope.vars.set('nn', nn);
  scope.vars.set('F', ip.loader.resolve(ip, 'torch.nn.functional', 0, unit));
  scope.vars.set('math', ip.loader.resolve(ip, 'math', 0, unit));
  for (const [k, v] of nn.members) scope.vars.set(k, v);
  return scope;
}

export type { Value };
export { evalExpr };
