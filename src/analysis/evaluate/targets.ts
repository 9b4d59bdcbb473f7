import { SyntaxNode } from '@lezer/common';
import { CannotEvaluate } from '../values/errors';
import type { Interpreter } from './interpreter';
import type { Scope } from '../values/scope';
import { setItem } from './subscripts';
import { FileUnit, lastChildNamed } from '../parse/unit';
import { Tensor, Value, unknown } from '../values/values';
import { unpackValues } from './calls';
import { compileRoot, compileSubscript } from './expressions';

/** Binds a value to an assignment target (a name, an attribute, an item, or several unpacked), compiled once. */
export type Target = (ip: Interpreter, value: Value, scope: Scope) => void;

/** A flat list of target nodes (with commas and '*'), unpacked as Python does. */
export function compileTargets(unit: FileUnit, targets: SyntaxNode[]): Target {
  const parts = targets.filter((n) => n.name !== ',');
  const trailing = targets.length > 1 && targets[targets.length - 1].name === ',';
  if (parts.length === 1 && !trailing) return compileTarget(unit, parts[0]);
  const marker = parts.findIndex((p) => p.name === '*');
  if (marker >= 0 && marker + 1 >= parts.length) return incomplete('a starred target without a name');
  const assign = parts.filter((p) => p.name !== '*').map((p) => compileTarget(unit, p));
  return (ip, value, scope) => {
    const values = unpackValues(ip, value, assign.length, marker);
    for (let i = 0; i < assign.length; i++) assign[i](ip, values ? values[i] : unknown((value as { reason: string }).reason), scope);
  };
}

function incomplete(what: string): Target {
  return () => {
    throw new Error(`incomplete code: ${what}`);
  };
}

function compileTarget(unit: FileUnit, target: SyntaxNode): Target {
  switch (target.name) {
    case 'VariableName': {
      const name = unit.text(target);
      return (ip, value, scope) => {
        scope.set(name, value);
        noteShape(ip, target, value, unit);
      };
    }
    case 'MemberExpression': {
      const objectNode = target.firstChild!;
      const object = compileRoot(unit, objectNode);
      const property = lastChildNamed(target, 'PropertyName');
      if (property && objectNode.nextSibling?.name === '.') {
        const name = unit.text(property);
        return (ip, value, scope) => {
          ip.setAttr(object(ip, scope), name, value);
          noteShape(ip, target, value, unit);
        };
      }
      const subscript = compileSubscript(unit, target, 0);
      return (ip, value, scope) => {
        const obj = object(ip, scope);
        setItem(obj, subscript(ip, scope), value, ip.budget);
      };
    }
    case 'TupleExpression':
    case 'ArrayExpression':
    case 'ParenthesizedExpression': {
      const inner: SyntaxNode[] = [];
      for (let c = target.firstChild; c; c = c.nextSibling) if (!['(', ')', '[', ']'].includes(c.name)) inner.push(c);
      return compileTargets(unit, inner);
    }
  }
  const reason = `cannot assign to ${target.name}`;
  return () => {
    throw new CannotEvaluate(reason);
  };
}

/** Records the shape of a tensor assigned in a forward() of the analyzed file, for inlay hints. */
function noteShape(ip: Interpreter, target: SyntaxNode, value: Value, unit: FileUnit): void {
  if (!ip.notes || unit !== ip.main || !(value instanceof Tensor)) return;
  if (ip.currentFrame()?.fn.name !== 'forward' || ip.notes.has(target.from)) return;
  ip.notes.set(target.from, { range: unit.range(target), label: unit.text(target), shape: value.shape });
}
