import { ModelError, type Usage } from '../../agent/models/types.js';
import { totalTokens } from './prices.js';

// A spending limit shared by every gateway it is handed to: one per run, and one per generation that all the
// generation's runs share. Checked BEFORE each call, so a call is refused rather than cut off. Runs in flight
// together may each pass the check and overshoot by at most one call each.

export interface BudgetLimits {
  tokens?: number;
  dollars?: number;
  calls?: number;
}

/** What model calls cost (the gateway's meter): apart from an evaluation's total (evaluator/budget.ts EvaluationSpend). */
export interface ModelSpend {
  calls: number;
  /** Input + output + cache read + cache write. */
  tokens: number;
  dollars: number;
  /** Calls whose price was unknown: their dollars are missing from `dollars`. */
  unpricedCalls: number;
}

export function emptySpend(): ModelSpend {
  return { calls: 0, tokens: 0, dollars: 0, unpricedCalls: 0 };
}

export function addSpend(spend: ModelSpend, usage: Usage | undefined, costUsd: number | undefined): void {
  spend.calls += 1;
  if (usage) spend.tokens += totalTokens(usage);
  if (costUsd === undefined) spend.unpricedCalls += usage ? 1 : 0;
  else spend.dollars += costUsd;
}

export interface BudgetOptions {
  /** Only calls with these purposes count and are limited (default: all). E.g. ['agent'] for a run budget. */
  purposes?: string[];
}

export class Budget {
  readonly spent: ModelSpend = emptySpend();
  /** Spend split by request purpose, so agent spend stays apart from proposer and grader spend. */
  readonly byPurpose = new Map<string, ModelSpend>();

  constructor(
    /** Shown in errors, e.g. "run exp-03-a/task-7" or "generation 4". */
    readonly name: string,
    readonly limits: BudgetLimits,
    readonly options: BudgetOptions = {},
  ) {}

  applies(purpose: string): boolean {
    return !this.options.purposes || this.options.purposes.includes(purpose);
  }

  /** The first limit already reached, if any. */
  exceeded(): string | undefined {
    const { limits, spent } = this;
    if (limits.calls !== undefined && spent.calls >= limits.calls)
      return `${spent.calls} of ${limits.calls} calls used`;
    if (limits.tokens !== undefined && spent.tokens >= limits.tokens)
      return `${spent.tokens} of ${limits.tokens} tokens used`;
    if (limits.dollars !== undefined && spent.dollars >= limits.dollars)
      return `$${spent.dollars.toFixed(4)} of $${limits.dollars} spent`;
    return undefined;
  }

  /** Throws ModelError('budget_exceeded') when a limit is reached. */
  check(purpose: string): void {
    if (!this.applies(purpose)) return;
    const reason = this.exceeded();
    if (reason) {
      throw new ModelError('budget_exceeded', `${this.name} budget exhausted: ${reason}`, undefined, false, {
        hint: 'Raise the limit under "budgets" in evolve.json, or evaluate fewer tasks.',
      });
    }
  }

  charge(purpose: string, usage: Usage | undefined, costUsd: number | undefined): void {
    if (!this.applies(purpose)) return;
    addSpend(this.spent, usage, costUsd);
    let forPurpose = this.byPurpose.get(purpose);
    if (!forPurpose) this.byPurpose.set(purpose, (forPurpose = emptySpend()));
    addSpend(forPurpose, usage, costUsd);
  }
}

/** The run or generation limits from evolve.json's `budgets` section (lineage/config.ts). */
export function budgetLimitsFromConfig(
  budgets: {
    runDollars?: number;
    runTokens?: number;
    runCalls?: number;
    generationDollars?: number;
    generationTokens?: number;
    generationCalls?: number;
  },
  scope: 'run' | 'generation',
): BudgetLimits {
  const limits: BudgetLimits =
    scope === 'run'
      ? { dollars: budgets.runDollars, tokens: budgets.runTokens, calls: budgets.runCalls }
      : { dollars: budgets.generationDollars, tokens: budgets.generationTokens, calls: budgets.generationCalls };
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) as BudgetLimits;
}
