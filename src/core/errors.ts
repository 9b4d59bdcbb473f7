/** When PyTorch raises: while building the module, or when the module first sees an input. */
export type ErrorPhase = 'construct' | 'forward';

/** A PyTorch exception, with the class and message PyTorch itself uses. */
export interface ConvError {
  readonly phase: ErrorPhase;
  readonly exception: 'ValueError' | 'TypeError' | 'RuntimeError' | 'NotImplementedError';
  readonly message: string;
  /** The constructor argument the error is about, when there is one (for placing a diagnostic). */
  readonly argument?: string;
}

export function constructError(exception: ConvError['exception'], message: string, argument?: string): ConvError {
  return argument === undefined ? { phase: 'construct', exception, message } : { phase: 'construct', exception, message, argument };
}

export function forwardError(message: string, exception: ConvError['exception'] = 'RuntimeError'): ConvError {
  return { phase: 'forward', exception, message };
}
