/**
 * A lookup by a sequence of values (ints as bigints, bools, strings, None, symbols; never JS
 * numbers): one node per prefix. Children are found by === over a short list before any Map,
 * because hashing bigints as Map keys costs more than building a key string, and most nodes have
 * only a few children. Ints are compared as JS numbers when they fit one exactly (cheaper still).
 */
export class ValueTrie<T> {
  value: T | null = null;
  /** Made at the first child (most nodes are leaves, and a trie is rebuilt by every analysis). */
  private keys: unknown[] | null = null;
  private children: Array<ValueTrie<T>> | null = null;
  /** Children past the first few. */
  private more: Map<unknown, ValueTrie<T>> | null = null;

  /** The node one value further down, made when it is not there yet. */
  child(value: unknown): ValueTrie<T> {
    const key = typeof value === 'bigint' ? numberKey(value) : value;
    const keys = this.keys;
    if (keys) for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.children![i];
    let child = this.more?.get(key);
    if (child) return child;
    child = new ValueTrie<T>();
    if (!keys) {
      this.keys = [key];
      this.children = [child];
    } else if (keys.length < SCANNED) {
      keys.push(key);
      this.children!.push(child);
    } else {
      (this.more ??= new Map()).set(key, child);
    }
    return child;
  }

  /** The node of a whole sequence below this one. */
  path(keys: readonly unknown[]): ValueTrie<T> {
    let node: ValueTrie<T> | null = null;
    for (const key of keys) node = (node ?? this).child(key);
    return node ?? this;
  }
}

const SCANNED = 16;

function numberKey(value: bigint): number | bigint {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}
