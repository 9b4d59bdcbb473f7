import { SyntaxNode } from '@lezer/common';
import { parser } from '@lezer/python';
import { ConvSpec, ConvType, PyValue, bindConvArguments, buildConv, isConvType, tuple } from '../core';

export type LayerExpressionResult = { ok: true; spec: ConvSpec } | { ok: false; message: string };

/**
 * Parses one constructor call such as `nn.Conv2d(64, 128, 3, groups=8)` and builds the layer.
 * Arguments may be literals and arithmetic on them; the message on failure is PyTorch's or
 * Python's own where one exists.
 */
export function parseLayerExpression(text: string): LayerExpressionResult {
  const tree = parser.parse(text);
  const call = findCall(tree.topNode);
  if (!call) return { ok: false, message: `not a layer constructor call: ${text}` };
  const callee = call.firstChild!;
  const name = text.slice(callee.from, callee.to).split('.').pop() ?? '';
  if (!isConvType(name)) return { ok: false, message: `not a convolution layer: ${name} (expected one of Conv1d/2d/3d, ConvTranspose1d/2d/3d)` };
  try {
    const { positional, keywords } = readArguments(call.getChild('ArgList')!, text);
    const bound = bindConvArguments(name as ConvType, positional, keywords);
    if (!bound.ok) return { ok: false, message: bound.message };
    const built = buildConv(bound.args);
    return built.ok ? { ok: true, spec: built.spec } : { ok: false, message: built.error.message };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

function findCall(node: SyntaxNode): SyntaxNode | null {
  if (node.name === 'CallExpression') return node;
  for (let child = node.firstChild; child; child = child.nextSibling) {
    const found = findCall(child);
    if (found) return found;
  }
  return null;
}

/** @lezer/python keeps `name=value` as three flat siblings of ArgList: VariableName, AssignOp, value. */
function readArguments(argList: SyntaxNode, text: string): { positional: PyValue[]; keywords: Map<string, PyValue> } {
  const positional: PyValue[] = [];
  const keywords = new Map<string, PyValue>();
  for (let node = argList.firstChild; node; node = node.nextSibling) {
    if (node.name === '(' || node.name === ')' || node.name === ',') continue;
    if (node.name === '⚠') throw new Error(`syntax error at column ${node.from + 1}`);
    if (node.name === 'VariableName' && node.nextSibling?.name === 'AssignOp') {
      const valueNode = node.nextSibling.nextSibling;
      if (!valueNode) throw new Error(`missing value for ${text.slice(node.from, node.to)}`);
      keywords.set(text.slice(node.from, node.to), literal(valueNode, text));
      node = valueNode;
      continue;
    }
    if (keywords.size > 0) throw new Error('positional argument follows keyword argument');
    positional.push(literal(node, text));
  }
  return { positional, keywords };
}

function literal(node: SyntaxNode, text: string): PyValue {
  const source = text.slice(node.from, node.to);
  switch (node.name) {
    case 'Number':
      return parseNumber(source);
    case 'String':
      return source.slice(1, -1);
    case 'Boolean':
      return source === 'True';
    case 'None':
      return null;
    case 'ParenthesizedExpression':
      return literal(node.firstChild!.nextSibling!, text);
    case 'TupleExpression':
    case 'ArrayExpression': {
      const items = children(node).map((c) => literal(c, text));
      return node.name === 'TupleExpression' ? tuple(items) : items;
    }
    case 'UnaryExpression': {
      const operand = literal(node.lastChild!, text);
      const op = text.slice(node.firstChild!.from, node.firstChild!.to);
      if (op === '-' && typeof operand === 'bigint') return -operand;
      if (op === '-' && typeof operand === 'number') return -operand;
      if (op === '+') return operand;
      break;
    }
    case 'BinaryExpression':
      return arithmetic(literal(node.firstChild!, text), text.slice(node.firstChild!.nextSibling!.from, node.firstChild!.nextSibling!.to), literal(node.lastChild!, text));
  }
  throw new Error(`cannot evaluate ${source} without running code`);
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (!['(', ')', '[', ']', ','].includes(c.name)) out.push(c);
  return out;
}

function parseNumber(source: string): PyValue {
  const clean = source.replace(/_/g, '');
  if (/^(0[xob])?[0-9a-f]+$/i.test(clean) && !/[.e]/i.test(clean.replace(/^0x[0-9a-f]+$/i, ''))) return BigInt(clean);
  return Number(clean);
}

function arithmetic(a: PyValue, op: string, b: PyValue): PyValue {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '//': return floorDiv(a, b);
      case '%': return a - floorDiv(a, b) * b;
      case '**': if (b >= 0n) return a ** b; break;
      case '/': return Number(a) / Number(b);
    }
  }
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    const x = Number(a);
    const y = Number(b);
    switch (op) {
      case '+': return x + y;
      case '-': return x - y;
      case '*': return x * y;
      case '/': return x / y;
      case '//': return Math.floor(x / y);
      case '**': return x ** y;
    }
  }
  throw new Error(`cannot evaluate the operator ${op} here`);
}

function floorDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error('integer division or modulo by zero');
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}
