/**
 * A Python exception the analyzed code would raise (TypeError, ValueError, ...). Not an Error
 * subclass: these are thrown and caught often, and capturing a stack trace each time is costly.
 */
export class PyError {
  readonly message: string;
  constructor(readonly pyType: string, message: string) {
    this.message = cutMessage(message);
  }
}

/** Something the evaluator cannot do statically; the statement becomes unresolved. */
export class CannotEvaluate {
  readonly message: string;
  constructor(message: string) {
    this.message = cutMessage(message);
  }
}

/** The most characters of a message kept: one quoting a huge value (a shape of a million dims) is cut in the middle. */
export const MAX_MESSAGE_CHARS = 2_000;

/** The message, or its two ends around a note of how much was cut when it is past MAX_MESSAGE_CHARS. */
export function cutMessage(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  const keep = MAX_MESSAGE_CHARS / 2 - 40;
  return `${message.slice(0, keep)} ... (${(message.length - 2 * keep).toLocaleString('en-US')} characters cut) ... ${message.slice(-keep)}`;
}
