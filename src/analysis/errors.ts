/** A Python exception the analyzed code would raise (TypeError, ValueError, ...). */
export class PyError extends Error {
  constructor(readonly pyType: string, message: string) {
    super(message);
  }
}

/** Something the evaluator cannot do statically; the statement becomes unresolved. */
export class CannotEvaluate extends Error {}
