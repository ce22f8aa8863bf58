import type { ModelSpend } from '../evaluator/gateway/budget.js';
import type { Db } from './db/open.js';
import { now } from './db/open.js';

// What the lineage spends on models, kept in two books: runs (the agent under test, on the runs rows) and the
// lineage's own model users (proposers, authors, self-repair, summaries, in model_calls). Reports show both, apart.

export type LineagePurpose = 'proposer' | 'author' | 'self-repair' | 'summary';

export interface ModelSpendRecord {
  purpose: LineagePurpose;
  /** e.g. "proposer for exp-01", "author exp-03". */
  label: string;
  model: string;
  spend: ModelSpend;
  generation?: number;
  experiment?: string;
}

/** Stores one model user's spend; a call with no price leaves the dollars unknown (null), never $0. */
export async function recordModelSpend(db: Db, r: ModelSpendRecord): Promise<void> {
  if (r.spend.calls === 0) return;
  await db
    .insertInto('model_calls')
    .values({
      generation_id: r.generation ?? null,
      experiment_id: r.experiment ?? null,
      purpose: r.purpose,
      label: r.label,
      model: r.model,
      calls: r.spend.calls,
      tokens: r.spend.tokens,
      cost_usd: r.spend.unpricedCalls > 0 ? null : r.spend.dollars,
      created_at: now(),
    })
    .execute();
}

export interface SpendSummary {
  /** The agent under test: every run's cost (runs with an unknown price count in `unpricedRuns`). */
  runs: { dollars: number; tokens: number; count: number; unpriced: number };
  /** Proposers, authors, self-repair, summaries: by purpose. */
  lineage: Record<string, { dollars: number; tokens: number; calls: number; unpriced: number }>;
}

/** ModelSpend of the whole workspace, or of one generation (its runs are those of its experiments since it started). */
export async function readSpend(db: Db, scope: { generation?: number } = {}): Promise<SpendSummary> {
  let runsQ = db
    .selectFrom('runs')
    .select(['cost_usd', 'input_tokens', 'output_tokens'])
    .where('status', 'in', ['done', 'error']);
  let callsQ = db.selectFrom('model_calls').select(['purpose', 'calls', 'tokens', 'cost_usd']);
  if (scope.generation !== undefined) {
    const gen = await db
      .selectFrom('generations')
      .select(['config', 'started_at', 'parent_id'])
      .where('id', '=', scope.generation)
      .executeTakeFirst();
    const cfg = gen ? (JSON.parse(gen.config) as { children?: string[]; champion?: string }) : {};
    const ids = [...new Set([...(cfg.children ?? []), cfg.champion, gen?.parent_id].filter((x): x is string => !!x))];
    runsQ = runsQ
      .where('experiment_id', 'in', ids.length ? ids : [''])
      .where('started_at', '>=', gen?.started_at ?? '');
    callsQ = callsQ.where('generation_id', '=', scope.generation);
  }
  const runs = await runsQ.execute();
  const calls = await callsQ.execute();
  const lineage: SpendSummary['lineage'] = {};
  for (const c of calls) {
    const p = (lineage[c.purpose] ??= { dollars: 0, tokens: 0, calls: 0, unpriced: 0 });
    p.calls += c.calls;
    p.tokens += c.tokens;
    if (c.cost_usd === null) p.unpriced += c.calls;
    else p.dollars += c.cost_usd;
  }
  return {
    runs: {
      dollars: runs.reduce((s, r) => s + (r.cost_usd ?? 0), 0),
      tokens: runs.reduce((s, r) => s + (r.input_tokens ?? 0) + (r.output_tokens ?? 0), 0),
      count: runs.length,
      unpriced: runs.filter((r) => r.cost_usd === null && (r.input_tokens ?? 0) + (r.output_tokens ?? 0) > 0).length,
    },
    lineage,
  };
}

/** Dollars of a summary: runs plus every lineage purpose. */
export function totalDollars(s: SpendSummary): number {
  return s.runs.dollars + Object.values(s.lineage).reduce((t, p) => t + p.dollars, 0);
}
