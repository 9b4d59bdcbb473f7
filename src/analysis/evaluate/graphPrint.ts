import { FileUnit } from '../parse/unit';
import { ClassValue, FunctionValue, ModuleObject } from '../values/values';
import { changedMark } from '../values/unknownContents';

/**
 * The exact state of an object graph, as a flat list of tokens: walking the same graph twice
 * gives equal lists only if no object reachable from the roots changed (an entry of a Map, Set
 * or array, an own property, a mark kept aside for it) and every reference still points at the
 * same object. Used to prove that an analysis left the modules it
 * imported as their import left them (see importReuse.ts).
 *
 * Some things cannot be compared and make the graph unprintable (null), so that nothing is
 * ever reused on a guess: nn.Module instances (whose layer records live in side tables), the
 * interpreter, and the objects named in `forbidden` (the analysed file's own scope).
 * What JavaScript closures hold is not seen: the builtins that keep state in one (none do
 * today) must keep it in a value instead.
 */
export type GraphPrint = unknown[];

/** Lazily filled memos, which change when first read but never change what the value means. */
function isMemo(o: object, key: string): boolean {
  if (o instanceof FunctionValue) return key === 'params' || key === 'body';
  if (o instanceof ClassValue) return key === 'linearization' || key === 'nativeClass';
  return false;
}

const STAND_IN = Symbol('stand-in');

/**
 * Walks the graph reachable from `roots`, breadth first, putting each primitive and each
 * reference (the object itself: the same graph holds the same objects) in a fixed order, into
 * `out` or, when `expected` is given, comparing with it as it goes.
 * Code, parsed files and syntax nodes are not entered (an analysis never changes them); the
 * `standIn` (what each run sets anew, the analysed file's sys.modules entry) is one constant token.
 * It walks tens of thousands of objects at each edit of a file importing timm: no allocation per
 * object but the queue, Maps read with forEach.
 */
// A walk marks what it has seen on the objects themselves, under a symbol (which no analysis
// reads: for-in, Object.keys and spreads skip symbols): a Set of every object seen cost most of
// the walk. Objects that take no new property (none today) are kept in a Set instead.
const SEEN = Symbol('seen by graph walk');
let walks = 0;

class Walk {
  private readonly sealedSeen = new Set<object>();
  private readonly walk = ++walks;
  private readonly queue: object[] = [];
  private n = 0;
  private ok = true;
  readonly out: unknown[] = [];
  private readonly putEntry = (v: unknown, k: unknown): void => {
    this.token(k);
    this.token(v);
  };
  private readonly putItem = (v: unknown): void => this.token(v);

  constructor(private readonly forbidden: ReadonlySet<object>, private readonly standIn: object | null, private readonly expected: GraphPrint | null) {}

  private put(t: unknown): void {
    const expected = this.expected;
    if (expected === null) this.out.push(t);
    else if (this.n >= expected.length || !Object.is(expected[this.n], t)) this.ok = false;
    this.n++;
  }

  private token(v: unknown): void {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return this.put(v);
    if (v === this.standIn) return this.put(STAND_IN);
    const o = v as { [SEEN]?: number };
    if (o[SEEN] !== this.walk) {
      if (Object.isExtensible(o)) {
        o[SEEN] = this.walk;
        this.queue.push(o);
      } else if (!this.sealedSeen.has(o)) {
        this.sealedSeen.add(o);
        this.queue.push(o);
      }
    }
    this.put(v);
  }

  /** Whether the walk went through (false: a difference from `expected`, or an object that cannot be shared). */
  run(roots: unknown[]): boolean {
    for (const root of roots) this.token(root);
    const queue = this.queue;
    for (let i = 0; i < queue.length && this.ok; i++) {
      const o = queue[i];
      if (this.forbidden.has(o) || o instanceof ModuleObject || isInterpreter(o)) return false;
      if (typeof o === 'function' || o instanceof FileUnit || isSyntax(o) || ArrayBuffer.isView(o)) continue;
      this.enter(o);
    }
    return this.ok && (this.expected === null || this.n === this.expected.length);
  }

  private enter(o: object): void {
    const proto = Object.getPrototypeOf(o) as object | null;
    this.put(proto);
    if (o instanceof Map) {
      this.put(o.size);
      o.forEach(this.putEntry);
    } else if (o instanceof Set) {
      this.put(o.size);
      o.forEach(this.putItem);
    } else if (Array.isArray(o)) {
      this.put(o.length);
      for (let i = 0; i < o.length; i++) this.token(o[i]);
      const marked = o as { isTuple?: boolean; isDeque?: boolean };
      this.put(marked.isTuple);
      this.put(marked.isDeque);
      this.put(changedMark(o));
    } else {
      const record = o as Record<string, unknown>;
      for (const key in record) {
        if (!Object.prototype.hasOwnProperty.call(record, key) || isMemo(o, key)) continue;
        this.put(key);
        this.token(record[key]);
      }
      this.put(changedMark(o));
    }
  }
}

/**
 * Prints the graph reachable from `roots`; null when it reaches a forbidden object, an
 * nn.Module instance (whose layer records live in side tables) or the interpreter.
 */
export function printGraph(roots: unknown[], forbidden: ReadonlySet<object>, standIn: object | null = null): GraphPrint | null {
  const walk = new Walk(forbidden, standIn, null);
  return walk.run(roots) ? walk.out : null;
}

/** Whether the graph reachable from `roots` prints as `print` now (compared as it is walked, stopping at the first difference). */
export function printsAs(print: GraphPrint, roots: unknown[], forbidden: ReadonlySet<object>, standIn: object | null = null): boolean {
  return new Walk(forbidden, standIn, print).run(roots);
}

/** A lezer tree or syntax node (they all resolve inner nodes). */
function isSyntax(o: object): boolean {
  return typeof (o as { resolveInner?: unknown }).resolveInner === 'function';
}

function isInterpreter(o: object): boolean {
  return typeof (o as { unresolvedAt?: unknown }).unresolvedAt === 'function' && 'loader' in o;
}
