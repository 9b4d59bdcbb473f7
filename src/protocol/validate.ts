// Validation primitives shared by every message protocol (the comparison page and its sandbox
// worker). Each check throws a ProtocolError naming the offending field; `guarded` turns it into
// a Parsed result, so a malformed message can never reach a handler.

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export class ProtocolError extends Error {}

export type Json = Record<string, unknown>;

/** Exact integers travel as decimal strings (postMessage has no bigint in every host). */
export type WireInt = string;

const WIRE_INT = /^-?(0|[1-9][0-9]*)$/;
const MAX_DIGITS = 200;

export function guarded<T>(read: () => T): Parsed<T> {
  try {
    return { ok: true, value: read() };
  } catch (e) {
    if (e instanceof ProtocolError) return { ok: false, error: e.message };
    // BigInt() and friends cannot throw on validated input, but a hostile getter could.
    return { ok: false, error: `malformed message: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError(`${where}: expected an object`);
  return value as Json;
}

export function onlyKeys(value: Json, allowed: readonly string[], where: string): void {
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new ProtocolError(`${where}: unexpected field ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
}

export function text(value: unknown, where: string, max: number): string {
  if (typeof value !== 'string') throw new ProtocolError(`${where}: expected a string`);
  if (value.length > max) throw new ProtocolError(`${where}: longer than ${max} characters`);
  return value;
}

export function boolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new ProtocolError(`${where}: expected true or false`);
  return value;
}

export function oneOf<T extends string>(value: unknown, options: readonly T[], where: string): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    throw new ProtocolError(`${where}: expected one of ${options.join(', ')}`);
  }
  return value as T;
}

export function isWireInt(value: unknown): value is WireInt {
  return typeof value === 'string' && value.length <= MAX_DIGITS && WIRE_INT.test(value);
}

export function wireInt(value: unknown, where: string): WireInt {
  if (!isWireInt(value)) throw new ProtocolError(`${where}: expected a decimal integer string`);
  return value;
}

/** An integer from `min` to `max` (by default any non-negative safe integer). */
export function count(value: unknown, where: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) throw new ProtocolError(`${where}: expected an integer from ${min} to ${max}`);
  return value;
}

/** A list of at most `max` items, each read by `read`. */
export function list<T>(value: unknown, where: string, max: number, read: (v: unknown, where: string) => T): T[] {
  if (!Array.isArray(value) || value.length > max) throw new ProtocolError(`${where}: expected a list of at most ${max}`);
  return value.map((v, i) => read(v, `${where}[${i}]`));
}
