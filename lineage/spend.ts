import type { ModelSpend } from '../evaluator/gateway/budget.js';
import type { Db } from './db/open.js';
import { now } from './db/open.js';
import { findGeneration, readGenerationConfig } from './db/repos/generations.js';
import { insertModelCall, modelCallSpendByExperiment, modelCalls } from './db/repos/model-calls.js';
import { runCosts, runSpendByExperiment } from './db/repos/runs.js';

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
  await insertModelCall(db, {
    generation_id: r.generation ?? null,
    experiment_id: r.experiment ?? null,
    purpose: r.purpose,
    label: r.label,
    model: r.model,
    calls: r.spend.calls,
    tokens: r.spend.tokens,
    cost_usd: r.spend.unpricedCalls > 0 ? null : r.spend.dollars,
    created_at: now(),
  });
}

export interface SpendSummary {
  /** The agent under test: every run's cost (runs with an unknown price count in `unpricedRuns`). */
  runs: { dollars: number; tokens: number; count: number; unpriced: number };
  /** Proposers, authors, self-repair, summaries: by purpose. */
  lineage: Record<string, { dollars: number; tokens: number; calls: number; unpriced: number }>;
}

/** ModelSpend of the whole workspace, or of one generation (its runs are those of its experiments since it started). */
export async function readSpend(db: Db, scope: { generation?: number } = {}): Promise<SpendSummary> {
  let runs: Awaited<ReturnType<typeof runCosts>>;
  let calls: Awaited<ReturnType<typeof modelCalls>>;
  if (scope.generation === undefined) {
    runs = await runCosts(db);
    calls = await modelCalls(db);
  } else {
    const gen = await findGeneration(db, scope.generation);
    const cfg = gen ? readGenerationConfig(gen.config, gen.id) : { children: [], champion: undefined };
    const ids = [...new Set([...cfg.children, cfg.champion, gen?.parent_id].filter((x): x is string => !!x))];
    runs = await runCosts(db, { experiments: ids, since: gen?.started_at ?? '' });
    calls = await modelCalls(db, { generation: scope.generation });
  }
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

/** What one experiment cost: its runs (every actor, every split) and the lineage's model calls made for it. */
export interface ExperimentSpend {
  runsUsd: number;
  /** Proposer, author, self-repair and summary calls stored against this experiment, by purpose. */
  lineageUsd: Record<string, number>;
  /** Runs or calls with no price: the dollars above leave them out (shown as unknown, never as $0). */
  unpriced: number;
}

/** Summed in SQL, one row per experiment (and purpose), so a lineage of a million runs stays quick to open. */
export async function readExperimentSpend(db: Db, ids?: string[]): Promise<Map<string, ExperimentSpend>> {
  const out = new Map<string, ExperimentSpend>();
  const of = (id: string) => {
    let s = out.get(id);
    if (!s) out.set(id, (s = { runsUsd: 0, lineageUsd: {}, unpriced: 0 }));
    return s;
  };
  for (const r of await runSpendByExperiment(db, ids)) {
    const s = of(r.experiment_id);
    s.runsUsd += r.dollars;
    s.unpriced += r.unpriced;
  }
  for (const c of await modelCallSpendByExperiment(db, ids)) {
    const s = of(c.experiment_id);
    if (c.dollars !== null) s.lineageUsd[c.purpose] = (s.lineageUsd[c.purpose] ?? 0) + c.dollars;
    s.unpriced += c.unpriced;
  }
  return out;
}

/** `$0.0123`, `$0.0123 (runs $0.0100, self-repair $0.0023)`, with `+ unpriced` when some dollars are unknown. */
export function describeSpend(s: ExperimentSpend | undefined): string {
  if (!s) return '$0.0000';
  const parts = Object.entries(s.lineageUsd);
  const total = s.runsUsd + parts.reduce((t, [, d]) => t + d, 0);
  const split = parts.length
    ? ` (runs $${s.runsUsd.toFixed(4)}, ${parts.map(([p, d]) => `${p} $${d.toFixed(4)}`).join(', ')})`
    : '';
  return `$${total.toFixed(4)}${split}${s.unpriced ? ` + ${s.unpriced} unpriced` : ''}`;
}
