/**
 * A JSON reader that keeps integers exact: every integer literal becomes a bigint, every
 * literal with a fraction or exponent a number. JSON.parse in Node 20 rounds integers past
 * 2^53 before a reviver can see their digits, and the golden file holds MAC counts beyond that.
 */
export type ExactJson = bigint | number | string | boolean | null | ExactJson[] | { [key: string]: ExactJson };

export function parseExactJson(text: string): ExactJson {
  const reader = new Reader(text);
  const value = reader.value();
  reader.skipSpace();
  if (reader.pos !== text.length) throw reader.fail('trailing text');
  return value;
}

const STRING = /"(?:[^"\\]|\\.)*"/y;
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;

/** Runs a sticky regex exactly at `pos`. */
function matchAt(pattern: RegExp, text: string, pos: number): RegExpExecArray | null {
  pattern.lastIndex = pos;
  return pattern.exec(text);
}

class Reader {
  pos = 0;

  constructor(private readonly text: string) {}

  value(): ExactJson {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    throw this.fail('unexpected character');
  }

  skipSpace(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  fail(why: string): Error {
    return new Error(`JSON: ${why} at offset ${this.pos}`);
  }

  private object(): { [key: string]: ExactJson } {
    const result: { [key: string]: ExactJson } = {};
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      const key = this.string();
      this.expect(':');
      // An own property even for the key '__proto__', which plain assignment would take as the prototype.
      Object.defineProperty(result, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      if (this.text[this.pos++] === '}') return result;
      if (this.text[this.pos - 1] !== ',') throw this.fail('expected , or }');
    }
  }

  private array(): ExactJson[] {
    const result: ExactJson[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.skipSpace();
      if (this.text[this.pos++] === ']') return result;
      if (this.text[this.pos - 1] !== ',') throw this.fail('expected , or ]');
    }
  }

  private string(): string {
    // A JSON string literal is also a valid input to JSON.parse, which handles the escapes.
    const match = matchAt(STRING, this.text, this.pos);
    if (!match) throw this.fail('bad string');
    this.pos += match[0].length;
    return JSON.parse(match[0]) as string;
  }

  private number(): bigint | number {
    const match = matchAt(NUMBER, this.text, this.pos);
    if (!match) throw this.fail('bad number');
    this.pos += match[0].length;
    return match[1] === undefined && match[2] === undefined ? BigInt(match[0]) : Number(match[0]);
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== c) throw this.fail(`expected ${c}`);
    this.pos++;
  }
}
