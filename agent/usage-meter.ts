import type { Budgets } from './genome.js';
import type { ExitReason } from './exit-reason.js';
import type { ModelResponse } from './models/types.js';
import type { UsageTotals } from './trajectory-events.js';

/** The cost of a call, when the gateway attached one to the response (the Model contract does not require it). */
export function responseCost(response: ModelResponse): number | undefined {
  const cost = (response as ModelResponse & { costUsd?: unknown }).costUsd;
  return typeof cost === 'number' && Number.isFinite(cost) ? cost : undefined;
}

/** Running totals of a run's model usage, and the budget checks made before every model call. */
export class UsageMeter {
  readonly totals: UsageTotals = {
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    modelCalls: 0,
  };

  constructor(
    private readonly budgets: Budgets,
    private readonly now: () => number,
    private readonly deadline: number,
  ) {}

  add(response: ModelResponse): void {
    const u = response.usage;
    this.totals.modelCalls += 1;
    this.totals.inputTokens += u.inputTokens ?? 0;
    this.totals.outputTokens += u.outputTokens ?? 0;
    this.totals.cacheReadTokens += u.cacheReadTokens ?? 0;
    this.totals.cacheWriteTokens += u.cacheWriteTokens ?? 0;
    const cost = responseCost(response);
    if (cost !== undefined) this.totals.costUsd = (this.totals.costUsd ?? 0) + cost;
  }

  /** All tokens the budget counts: the whole prompt (cached or not) plus output. */
  get tokens(): number {
    const t = this.totals;
    return t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheWriteTokens;
  }

  remainingMs(): number {
    return this.deadline - this.now();
  }

  /** The limit already reached, if any. Step limits are the loop's business (policy calls are not steps). */
  exceeded(): ExitReason | undefined {
    if (this.remainingMs() <= 0) return 'time_limit';
    if (this.budgets.tokens !== undefined && this.tokens >= this.budgets.tokens) return 'token_limit';
    if (this.budgets.dollars !== undefined && (this.totals.costUsd ?? 0) >= this.budgets.dollars) return 'cost_limit';
    return undefined;
  }

  /** Which limit a gateway's budget_exceeded error is about, from its message, falling back on our own totals. */
  budgetKind(message: string): 'token_limit' | 'cost_limit' {
    if (/token/i.test(message)) return 'token_limit';
    if (/dollar|cost|usd|\$/i.test(message)) return 'cost_limit';
    return this.budgets.dollars !== undefined && this.budgets.tokens === undefined ? 'cost_limit' : 'token_limit';
  }
}
