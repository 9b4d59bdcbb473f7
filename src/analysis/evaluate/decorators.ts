import { SyntaxNode } from '@lezer/common';
import { getAttribute } from './attributes';
import { BudgetExceeded } from './budget';
import { evalArgs, lookupName } from './expressions';
import type { Interpreter } from './interpreter';
import { Scope } from '../values/scope';
import { FileUnit } from '../parse/unit';
import { WRAPS_DECORATOR } from './introspection';
import { BoundMethod, Builtin, ClassValue, FunctionValue, Partial, Value } from '../values/values';

/**
 * Applies the decorators of a def that are functions of the analyzed code, innermost first, as
 * Python does: torchvision's `@handle_legacy_interface(weights=("pretrained", ...))` turns
 * `resnet18(pretrained=False)` into `weights=None`, which the bare builder would reject.
 * Decorators the analysis knows by name (staticmethod, property, dataclass), library ones and
 * unknown ones leave the function as it is, and so does a decorator that fails or returns
 * something that cannot be called: the plain function is the best reading then.
 */
export function applyDecorators(ip: Interpreter, decorators: SyntaxNode[], fn: FunctionValue, scope: Scope, unit: FileUnit): Value {
  let current: Value = fn;
  for (let i = decorators.length - 1; i >= 0; i--) {
    try {
      const decorator = decoratorValue(ip, decorators[i], scope, unit);
      if (!(decorator instanceof FunctionValue || isWrapsDecorator(decorator))) continue;
      const result = ip.call(decorator, { positional: [current], keywords: new Map() }, decorators[i]);
      if (isCallable(result)) current = result;
    } catch (e) {
      if (e instanceof BudgetExceeded) throw e;
    }
  }
  return current;
}

/** `@name`, `@a.b` or `@a.b(args)`: a Decorator node holds the dotted names and the ArgList flat. */
function decoratorValue(ip: Interpreter, decorator: SyntaxNode, scope: Scope, unit: FileUnit): Value | null {
  let value: Value | null = null;
  for (let c = decorator.firstChild; c; c = c.nextSibling) {
    if (c.name === 'VariableName') value = value === null ? lookupName(unit.text(c), scope) : getAttribute(ip, value, unit.text(c));
    else if (c.name === 'ArgList' && value !== null) value = ip.call(value, evalArgs(ip, c, scope, unit), c);
    else if (c.name !== 'At' && c.name !== '.' && c.name !== 'Comment') return null;
  }
  return value;
}

/** `@functools.wraps(fn)`, the one library decorator applied: it only renames the wrapper. */
function isWrapsDecorator(v: Value | null): boolean {
  return v instanceof Builtin && v.name === WRAPS_DECORATOR;
}

function isCallable(v: Value): boolean {
  return v instanceof FunctionValue || v instanceof BoundMethod || v instanceof Partial || v instanceof ClassValue;
}
