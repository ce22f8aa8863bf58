import { availableParallelism, totalmem } from 'node:os';

// The global budget of one evaluation, checked before each run starts (a run in flight is never cut short by it;
// each run has its own per-run budget in the gateway).

export interface GlobalBudget {
  dollars?: number;
  tokens?: number;
  wallClockSec?: number;
}

export interface Spend {
  dollars: number;
  tokens: number;
  /** Wall-clock time of this invocation. */
  elapsedMs: number;
}

export type BudgetStop = 'budget_dollars' | 'budget_tokens' | 'budget_time';

export function budgetExceeded(budget: GlobalBudget | undefined, spent: Spend): BudgetStop | undefined {
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
