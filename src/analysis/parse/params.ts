import { SyntaxNode } from '@lezer/common';

/** One parameter of a def or lambda, in declaration order. */
export interface ParamSpec {
  name: string;
  kind: 'positional' | 'varargs' | 'keyword' | 'kwargs';
  /** The default value's expression, evaluated when the def statement runs. */
  defaultNode: SyntaxNode | null;
}

/**
 * Reads a ParamList. @lezer/python keeps parameters flat: `b=3` is VariableName, AssignOp,
 * value; `*args` is '*' then VariableName; a bare `*` is '*' followed by ','.
 */
export function readParams(list: SyntaxNode | null, text: (n: SyntaxNode) => string): ParamSpec[] {
  const out: ParamSpec[] = [];
  if (!list) return out;
  let afterStar = false;
  let pending: 'varargs' | 'kwargs' | null = null;
  for (let c = list.firstChild; c; c = c.nextSibling) {
    switch (c.name) {
      case '*':
        pending = 'varargs';
        afterStar = true;
        break;
      case '**':
        pending = 'kwargs';
        break;
      case ',':
        pending = null;
        break;
      case 'VariableName': {
        const name = text(c);
        const kind = pending ?? (afterStar ? 'keyword' : 'positional');
        let defaultNode: SyntaxNode | null = null;
        let next = c.nextSibling;
        if (next?.name === 'TypeDef') next = next.nextSibling;
        if (next?.name === 'AssignOp' && next.nextSibling) {
          defaultNode = next.nextSibling;
          c = defaultNode;
        }
        out.push({ name, kind, defaultNode });
        pending = null;
        break;
      }
    }
  }
  return out;
}

