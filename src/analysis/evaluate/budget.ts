/** Defaults that keep any file's analysis short, whatever loops or recursion it holds. */
export const DEFAULT_STEPS = 2_000_000;
export const DEFAULT_DEPTH = 48;
/** One loop may run at most this many iterations before it is given up as unresolved. */
export const LOOP_LIMIT = 200_000;

/** Thrown when a limit is hit; caught at the statement that started the work, which becomes unresolved. */
export class BudgetExceeded {
  constructor(readonly reason: 'step budget exceeded' | 'recursion limit exceeded') {}
  get message(): string {
    return this.reason;
  }
}

export class Budget {
  private steps = 0;
  depth = 0;
  constructor(readonly maxSteps = DEFAULT_STEPS, readonly maxDepth = DEFAULT_DEPTH) {}

  tick(count = 1): void {
    this.steps += count;
    if (this.steps > this.maxSteps) throw new BudgetExceeded('step budget exceeded');
  }

  get exhausted(): boolean {
    return this.steps > this.maxSteps;
  }

  enter(): void {
    if (++this.depth > this.maxDepth) {
      this.depth--;
      throw new BudgetExceeded('recursion limit exceeded');
    }
  }

  leave(): void {
    this.depth--;
  }
}
