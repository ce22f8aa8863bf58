import { availableParallelism, totalmem } from 'node:os';

// The global budget of one evaluation, checked before each run starts (a run in flight is never cut short by it;
// each run has its own per-run budget in the gateway).

export interface GlobalBudget {
  dollars?: number;
  tokens?: number;
  wallClockSec?: number;
}

/** What one evaluation has spent so far (its runs' dollars and tokens, its wall time), against its GlobalBudget. */
export interface EvaluationSpend {
  dollars: number;
  tokens: number;
  /** Wall-clock time of this invocation. */
  elapsedMs: number;
}

export type BudgetStop = 'budget_dollars' | 'budget_tokens' | 'budget_time';

export function budgetExceeded(budget: GlobalBudget | undefined, spent: EvaluationSpend): BudgetStop | undefined {
  if (!budget) return undefined;
  if (budget.dollars !== undefined && spent.dollars >= budget.dollars) return 'budget_dollars';
  if (budget.tokens !== undefined && spent.tokens >= budget.tokens) return 'budget_tokens';
  if (budget.wallClockSec !== undefined && spent.elapsedMs >= budget.wallClockSec * 1000) return 'budget_time';
  return undefined;
}

/** One run per core, and no more than one per 2 GiB of memory (a task container plus the grader's). */
export function defaultConcurrency(cores = availableParallelism(), memBytes = totalmem()): number {
  return Math.max(1, Math.min(cores, Math.floor(memBytes / (2 * 1024 ** 3))));
}

/**
 * Spend shared by several evaluations (a generation's `budgets.generationDollars`, a command's `--budget`), checked
 * before each run starts and charged with each run's cost. `spent` may start above zero (a resumed generation, the
 * proposer's calls).
 */
export class SpendLimit {
  dollars = 0;
  tokens = 0;
  constructor(
    /** Shown in the reason, e.g. "generation 4 (budgets.generationDollars)" or "--budget". */
    readonly name: string,
    readonly limits: { dollars?: number; tokens?: number },
  ) {}

  charge(dollars: number | undefined, tokens: number | undefined): void {
    this.dollars += dollars ?? 0;
    this.tokens += tokens ?? 0;
  }

  /** Why no further run may start, or undefined. */
  exceeded(): { stop: BudgetStop; reason: string } | undefined {
    const { dollars, tokens } = this.limits;
    if (dollars !== undefined && this.dollars >= dollars)
      return { stop: 'budget_dollars', reason: `${this.name}: $${this.dollars.toFixed(4)} of $${dollars} spent` };
    if (tokens !== undefined && this.tokens >= tokens)
      return { stop: 'budget_tokens', reason: `${this.name}: ${this.tokens} of ${tokens} tokens used` };
    return undefined;
  }
}
