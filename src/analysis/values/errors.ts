/**
 * A Python exception the analyzed code would raise (TypeError, ValueError, ...). Not an Error
 * subclass: these are thrown and caught often, and capturing a stack trace each time is costly.
 */
export class PyError {
  constructor(readonly pyType: string, readonly message: string) {}
}

/** Something the evaluator cannot do statically; the statement becomes unresolved. */
export class CannotEvaluate {
  constructor(readonly message: string) {}
}
