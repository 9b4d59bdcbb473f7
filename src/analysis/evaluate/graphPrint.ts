import { FileUnit } from '../parse/unit';
import { ClassValue, FunctionValue, ModuleObject } from '../values/values';
import { changedMark } from '../values/unknownContents';

/**
 * The exact state of an object graph, as a flat list of tokens: walking the same graph twice
 * gives equal lists only if no object reachable from the roots changed (an entry of a Map, Set
 * or array, an own property, a mark kept aside for it) and every reference still points at an
 * object in the same place of the walk. Used to prove that an analysis left the modules it
 * imported as their import left them (see importReuse.ts).
 *
 * Some things cannot be compared and make the graph unprintable (null), so that nothing is
 * ever reused on a guess: nn.Module instances (whose layer records live in side tables), the
 * interpreter, and the objects named in `forbidden` (the analysed file's own scope).
 */
export type GraphPrint = unknown[];

const REF = Symbol('ref');
const LEAF = Symbol('leaf');
const STAND_IN = Symbol('stand-in');

/** Lazily filled memos, which change when first read but never change what the value means. */
function isMemo(o: object, key: string): boolean {
  if (o instanceof FunctionValue) return key === 'params' || key === 'body';
  if (o instanceof ClassValue) return key === 'linearization' || key === 'nativeClass';
  return false;
}

/**
 * Prints the graph reachable from `roots`. `standIns` are printed as one token whatever they
 * are (what each run sets anew, like sys.modules['__main__']); null when the graph reaches a
 * forbidden object, a module instance or the interpreter.
 */
export function printGraph(roots: unknown[], forbidden: ReadonlySet<object>, standIns: ReadonlySet<object> = new Set()): GraphPrint | null {
  const out: unknown[] = [];
  const ids = new Map<object, number>();
  const queue: object[] = [];
  const token = (v: unknown): boolean => {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
      out.push(v);
      return true;
    }
    const o = v as object;
    if (forbidden.has(o)) return false;
    if (standIns.has(o)) {
      out.push(STAND_IN);
      return true;
    }
    if (typeof o === 'function' || o instanceof FileUnit || isSyntax(o)) {
      // Code, parsed files and syntax nodes: never changed by an analysis, compared by identity.
      out.push(LEAF, o);
      return true;
    }
    let id = ids.get(o);
    if (id === undefined) {
      id = ids.size;
      ids.set(o, id);
      queue.push(o);
    }
    out.push(REF, id);
    return true;
  };
  for (const root of roots) if (!token(root)) return null;
  for (let i = 0; i < queue.length; i++) {
    const o = queue[i];
    if (o instanceof ModuleObject || isInterpreter(o)) return null;
    out.push(Object.getPrototypeOf(o));
    if (o instanceof Map) {
      out.push(o.size);
      for (const [k, v] of o) if (!token(k) || !token(v)) return null;
      continue;
    }
    if (o instanceof Set) {
      out.push(o.size);
      for (const v of o) if (!token(v)) return null;
      continue;
    }
    if (Array.isArray(o)) {
      out.push(o.length);
      for (const v of o) if (!token(v)) return null;
      const marked = o as { isTuple?: boolean; isDeque?: boolean };
      out.push(marked.isTuple, marked.isDeque);
    } else if (ArrayBuffer.isView(o)) {
      out.push(LEAF, o);
      continue;
    } else {
      for (const key of Object.keys(o)) {
        if (isMemo(o, key)) continue;
        out.push(key);
        if (!token((o as Record<string, unknown>)[key])) return null;
      }
    }
    out.push(changedMark(o));
  }
  return out;
}

/** Whether two prints are of the same graph state. */
export function samePrint(a: GraphPrint, b: GraphPrint): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** A lezer tree or syntax node (they all resolve inner nodes). */
function isSyntax(o: object): boolean {
  return typeof (o as { resolveInner?: unknown }).resolveInner === 'function';
}

function isInterpreter(o: object): boolean {
  return typeof (o as { unresolvedAt?: unknown }).unresolvedAt === 'function' && 'loader' in o;
}

