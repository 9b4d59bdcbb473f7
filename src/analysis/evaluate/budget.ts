/** Defaults that keep any file's analysis short, whatever loops or recursion it holds. */
export const DEFAULT_STEPS = 2_000_000;
/**
 * The range a user may set the step budget in (`conv-lens report --max-steps`,
 * convLens.maxAnalysisSteps): a model whose construction loops over hundreds of thousands of
 * items (timm's tiny_vit builds its attention-bias indices that way) needs several million.
 */
export const MIN_STEPS = 100_000;
export const MAX_STEPS = 1_000_000_000;
export const DEFAULT_DEPTH = 48;
/** One loop may run at most this many iterations before it is given up as unresolved. */
export const LOOP_LIMIT = 200_000;
/**
 * The most characters of Python the analysis reads from one file (the analyzed one or an import);
 * the largest model files of torchvision and timm are a twentieth of it. Its parse tree takes
 * about thirty times its size in memory.
 */
export const MAX_SOURCE_CHARS = 4_000_000;

/** Why a file of this size, past MAX_SOURCE_CHARS, is not read. */
export function tooLargeReason(size: number, unit: 'characters' | 'bytes'): string {
  return `file too large to analyze (${(size / 1e6).toFixed(1)} million ${unit}; the limit is ${MAX_SOURCE_CHARS / 1e6} million characters)`;
}

/**
 * Items of a new sequence built per step: building one (allocation, then the collector moving it
 * when it is large) costs about 50-100 ns an item, while a step of plain statements costs about
 * 0.1-0.5 µs. At 64 a step, a loop repeating `(3,) * 1000000` ran 15 s within the step budget.
 */
export const ITEMS_PER_STEP = 8;

/** How many steps may pass between two readings of the deadline's clock. */
const STEPS_PER_CLOCK_READING = 2048;

/** The reason an analysis gives for work it skipped when a phase spent its step budget. */
export const STEP_BUDGET_EXCEEDED = 'step budget exceeded';

/** Whether a phase of an analysis spent its step budget (the work it skipped is an unresolved entry saying so). */
export function ranOutOfSteps(analysis: { unresolved: ReadonlyArray<{ why: string }> }): boolean {
  return analysis.unresolved.some((u) => u.why === STEP_BUDGET_EXCEEDED);
}

export type BudgetReason = typeof STEP_BUDGET_EXCEEDED | 'recursion limit exceeded' | `analysis deadline of ${number} ms reached`;

/** Thrown when a limit is hit; caught at the statement that started the work, which becomes unresolved. */
export class BudgetExceeded {
  constructor(readonly reason: BudgetReason) {}
  get message(): string {
    return this.reason;
  }

  /** Whether the whole analysis must stop (the steps or the time are spent), not just one piece of work. */
  get spent(): boolean {
    return this.reason !== 'recursion limit exceeded';
  }
}

/**
 * A wall-clock limit for a whole analysis, shared by every budget the analysis makes. The clock
 * is the caller's (the analysis itself uses no timer), read every few thousand steps; once the
 * limit is reached it stays reached, so later phases stop at their first step.
 */
export class Deadline {
  private readonly at: number;
  private reached = false;

  constructor(readonly ms: number, private readonly clock: () => number) {
    this.at = clock() + ms;
  }

  /** Whether the deadline has passed (reads the clock). */
  passed(): boolean {
    if (!this.reached && this.clock() >= this.at) this.reached = true;
    return this.reached;
  }

  get reason(): BudgetReason {
    return `analysis deadline of ${this.ms} ms reached`;
  }
}

/**
 * Steps and call depth one phase of an analysis may use. Work is charged in proportion to its
 * size (digits of a big integer, items of a sequence built or copied, characters of a string),
 * so no single statement can do unbounded work between two checks.
 */
export class Budget {
  private steps = 0;
  private untilClockReading = 0;
  depth = 0;
  /** Told of each value that became unknown for passing a size limit (limits.ts), so the analysis can say what it did not follow. */
  onLimit: ((reason: string) => void) | null = null;
  constructor(readonly maxSteps = DEFAULT_STEPS, readonly maxDepth = DEFAULT_DEPTH, readonly deadline: Deadline | null = null) {}

  /** A new budget for the next phase of the same analysis, under the same deadline, telling the same listener. */
  renewed(maxSteps = DEFAULT_STEPS, maxDepth = DEFAULT_DEPTH): Budget {
    const next = new Budget(maxSteps, maxDepth, this.deadline);
    next.onLimit = this.onLimit;
    return next;
  }

  /** Steps spent so far. */
  get used(): number {
    return this.steps;
  }

  limitMet(reason: string): void {
    this.onLimit?.(reason);
  }

  tick(count = 1): void {
    this.steps += count;
    if (this.steps > this.maxSteps) throw new BudgetExceeded('step budget exceeded');
    if (this.deadline && (this.untilClockReading -= count) <= 0) {
      this.untilClockReading = STEPS_PER_CLOCK_READING;
      if (this.deadline.passed()) throw new BudgetExceeded(this.deadline.reason);
    }
  }

  /** Charges work proportional to `units` (items, digits, characters), scaled down to steps. */
  charge(units: number | bigint, unitsPerStep = 64): void {
    const n = typeof units === 'bigint' ? Number(units) : units;
    if (n > unitsPerStep) this.tick(Math.ceil(n / unitsPerStep));
  }

  get exhausted(): boolean {
    return this.steps > this.maxSteps || (this.deadline?.passed() ?? false);
  }

  /** Why the budget is spent, or null while work may go on. */
  get spentReason(): BudgetReason | null {
    if (this.steps > this.maxSteps) return 'step budget exceeded';
    return this.deadline?.passed() ? this.deadline.reason : null;
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

/**
 * Charges a call of code the analysis models (a builtin, a torch layer's constructor or forward)
 * by the size of its arguments: such code reads, copies or checks each item of a sequence or
 * character of a string it is given, work no statement of the analysed file pays for. The torch
 * library's models (`library`) turn each item into a size, a shape or a message, about a step's
 * work per item: a loop calling `x.view((1,) * 1000000)` ran 9 s when charged a step per 8 items.
 */
export function chargeArguments(budget: Budget, args: { positional: readonly unknown[]; keywords: ReadonlyMap<string, unknown> }, library: boolean): void {
  let size = args.positional.length + args.keywords.size;
  for (const v of args.positional) size += sizeOf(v);
  for (const v of args.keywords.values()) size += sizeOf(v);
  budget.charge(size, library ? 1 : ITEMS_PER_STEP);
}

function sizeOf(v: unknown): number {
  return typeof v === 'string' || Array.isArray(v) ? v.length : 0;
}
