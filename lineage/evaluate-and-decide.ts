import { SpendLimit } from '../evaluator/budget.js';
import type { Db } from './db/open.js';
import { finishGeneration, patchGenerationConfig } from './db/repos/generations.js';
import { type ChildRow, decideGeneration, type EvidenceRecord, type HeldoutRecord } from './decide-generation.js';
import { evaluateExperiment, type EvaluateExperimentOptions } from './evaluate-experiment.js';
import { writeExperimentFolder } from './folders.js';
import type { RuleName } from './promote.js';
import { declaredDeterministic } from './deterministic.js';
import { familySizes } from './pooled-evidence.js';
import { readSpend, totalDollars } from './spend.js';
import type { Workspace } from './workspace.js';
import { getExperiment, listExperiments } from './db/repos/experiments.js';
import { recordDecision } from './db/repos/decisions.js';
import { experimentOutcomes, taskKey } from './db/repos/runs.js';

// The second half of every generation, whoever wrote its children (a proposer, an author, self-repair): evaluate the
// champion, the parent and the children on the same tasks within the generation's and the command's budgets, decide
// through decideGeneration (the rule, evidence rounds, held-out confirmation), write the folders, and close the
// generation row. One path, so a code variant is decided exactly as a config child is.

/** Thrown when a signal (Ctrl-C, SIGTERM) stopped a generation: it stays `running`, and the next call resumes it. */
export class GenerationInterrupted extends Error {
  override readonly name = 'GenerationInterrupted';
  readonly hint = 'Run the same command again to resume this generation where it stopped.';
  constructor(readonly generation: number) {
    super(`generation ${generation} interrupted; in-flight runs were put back to pending`);
  }
}

export interface EvaluateAndDecideOptions {
  generation: number;
  /** The champion the children are compared with (fixed when the generation started). */
  champion: string;
  parent: string;
  children: string[];
  rule: RuleName;
  margin: number;
  /** Evaluation settings shared by every experiment of the generation (suite, subset, repeats, wiring...). */
  eval: Omit<EvaluateExperimentOptions, 'experimentId' | 'limits' | 'signal'>;
  /** More for one experiment's train evaluation (self-repair screens its variant on the cluster's tasks first). */
  evalFor?: (id: string) => Partial<EvaluateExperimentOptions> | undefined;
  /** Extra evidence rounds for an inconclusive best child (default: evolve.json lineage.evidenceRounds). */
  evidenceRounds?: number;
  /** Confirm a train-split promotion on the held-out split (default on). */
  confirm?: boolean;
  signal?: AbortSignal;
  commandBudget?: SpendLimit;
  /** Open children re-offered by this generation (lineage/pooled-evidence.ts), each at its next look's repeats. */
  reoffered?: Array<{ id: string; repeats: number }>;
  log: (line: string) => void;
}

export interface DecidedGeneration {
  rows: ChildRow[];
  promoted: string | null;
  reason: string;
  evidence: EvidenceRecord;
  heldout: HeldoutRecord | null;
  budgetStop: string | null;
  spent: { runs: number; lineage: number };
}

async function updateGenerationConfig(db: Db, id: number, patch: Record<string, unknown>): Promise<void> {
  await patchGenerationConfig(db, id, patch);
}

export async function evaluateAndDecide(ws: Workspace, o: EvaluateAndDecideOptions): Promise<DecidedGeneration> {
  const { db, config } = ws;
  const { generation: genId, champion, log } = o;
  // Budgets that hold across the generation's evaluations: its own (budgets.generationDollars, counting what it has
  // spent so far, the proposer's, author's or self-repair's calls included) and the command's.
  const genLimit = new SpendLimit(`generation ${genId} (budgets.generationDollars)`, {
    ...(config.budgets.generationDollars !== undefined ? { dollars: config.budgets.generationDollars } : {}),
    ...(config.budgets.generationTokens !== undefined ? { tokens: config.budgets.generationTokens } : {}),
  });
  const already = await readSpend(db, { generation: genId });
  genLimit.charge(totalDollars(already), already.runs.tokens);
  const limits = [genLimit, ...(o.commandBudget ? [o.commandBudget] : [])];
  const overBudget = () => limits.map((l) => l.exceeded()?.reason).find((r) => r !== undefined);
  const evaluateOne = async (opts: Omit<EvaluateExperimentOptions, 'limits' | 'signal'>) => {
    await evaluateExperiment(ws, { ...opts, limits, ...(o.signal ? { signal: o.signal } : {}) });
    if (o.signal?.aborted) throw new GenerationInterrupted(genId);
  };
  const evalOpts = { ...o.eval, split: o.eval.split ?? config.defaults.split };

  // A code child that never passed its gates (its writer was killed before them) has no code to run: it fails here
  // rather than run its parent's code under its name.
  for (const id of o.children) await failUngated(db, id, genId);
  const children: string[] = [];
  for (const id of o.children) {
    const e = await getExperiment(db, id);
    if (e.status !== 'rejected' && e.status !== 'failed') children.push(id);
  }

  // Evaluate champion, parent and children on the same tasks (finished runs are never repeated).
  for (const id of [...new Set([champion, o.parent]), ...children]) {
    const e = await getExperiment(db, id);
    if (e.status === 'rejected' || e.status === 'failed') continue;
    const over = overBudget();
    if (over) {
      log(`not evaluating ${id}: ${over}`);
      continue;
    }
    log(`evaluating ${id}`);
    await evaluateOne({ ...evalOpts, ...o.evalFor?.(id), experimentId: id });
  }
  // Re-offered children and the champion at their next look's repeats (finished runs are kept, never repeated).
  for (const r of o.reoffered ?? [])
    for (const id of [champion, r.id]) {
      const over = overBudget();
      if (over) {
        log(`not evaluating ${id} at ${r.repeats} repeats: ${over}`);
        continue;
      }
      await evaluateOne({ ...evalOpts, experimentId: id, repeats: r.repeats });
    }

  // Determinism seen in the champion's own runs (every train task run at least twice, never a different outcome), or
  // declared by the models of the champion and every child (lineage/deterministic.ts): extra rounds, re-offers and
  // held-out repeats would reproduce the same outcomes, so none are spent and each child's one look has its whole level.
  const detected = await repeatsAreIdentical(db, champion);
  const declared = !detected && (await declaredDeterministic(db, [champion, ...children]));
  const deterministic = detected || declared;
  const deterministicWhy = detected
    ? `${champion}'s repeats are identical on every task`
    : declared
      ? 'the champion and every child run a model that declares itself deterministic'
      : undefined;
  if (deterministicWhy) log(`${deterministicWhy}: treating the model as deterministic (one look at the whole level)`);
  // Compare each child with the champion, paired by task, record what was learned, and decide under the rule.
  const { rows, promoted, reason, evidence, heldout } = await decideGeneration(db, {
    champion,
    children,
    rule: o.rule,
    margin: o.margin,
    ...(config.lineage.maxCostPerTask !== undefined ? { maxCostPerTask: config.lineage.maxCostPerTask } : {}),
    tolerance: config.lineage.tolerance,
    exploreEvery: config.lineage.exploreEvery,
    split: evalOpts.split === 'heldout' ? 'heldout' : 'train',
    generation: genId,
    moreEvidence: {
      rounds: o.evidenceRounds ?? config.lineage.evidenceRounds,
      baseRepeats: evalOpts.repeats ?? config.defaults.repeats,
      run: async (ids, repeats) => {
        for (const id of ids) await evaluateOne({ ...evalOpts, experimentId: id, repeats });
      },
    },
    deterministic,
    ...(deterministicWhy ? { deterministicWhy } : {}),
    ...(config.lineage.reoffer > 0
      ? {
          pool: await poolOf(db, {
            children: o.children,
            reoffered: o.reoffered ?? [],
            maxLooks: ladderOf(config, o.evidenceRounds),
            base: evalOpts.repeats ?? config.defaults.repeats,
          }),
        }
      : {}),
    heldoutAlpha: config.lineage.heldoutAlpha,
    heldoutRepeats: deterministic ? 1 : config.lineage.heldoutRepeats,
    ...((o.confirm ?? true)
      ? {
          // The whole held-out split, whatever --subset the train evaluation used: confirmation needs its power.
          confirmOnHeldout: async (ids: string[], repeats: number) => {
            const { subset: _trainSubset, ...whole } = evalOpts;
            for (const id of ids) await evaluateOne({ ...whole, experimentId: id, split: 'heldout', repeats });
          },
        }
      : {}),
    log,
  });
  for (const id of new Set([champion, o.parent, ...o.children]))
    await writeExperimentFolder(db, ws.paths.experiments, id);
  // Why runs stopped starting, if a budget stopped them (the generation decided on the runs there were).
  const budgetStop = overBudget() ?? null;
  if (budgetStop) log(`budget: ${budgetStop}; no further runs were started`);
  const spent = await readSpend(db, { generation: genId });
  const lineageDollars = totalDollars(spent) - spent.runs.dollars;
  await updateGenerationConfig(db, genId, {
    evidence,
    ...(budgetStop ? { budgetStop } : {}),
    spent: { runs: spent.runs.dollars, lineage: spent.lineage },
  });
  await finishGeneration(db, genId, 'done');
  return {
    rows,
    promoted,
    reason,
    evidence,
    heldout,
    budgetStop,
    spent: { runs: spent.runs.dollars, lineage: lineageDollars },
  };
}

/** A child's ladder: lineage.maxLooks doublings of its repeats, at least the rounds one generation may run. */
export function ladderOf(config: Workspace['config'], evidenceRounds?: number): number {
  return Math.max(config.lineage.maxLooks, evidenceRounds ?? config.lineage.evidenceRounds);
}

/** What pooled decisions need: each child's family (how many new children its own generation proposed) and its repeats
 * when this generation began (a re-offered child starts one look up). */
async function poolOf(
  db: Db,
  g: { children: string[]; reoffered: Array<{ id: string; repeats: number }>; maxLooks: number; base: number },
) {
  const rows = g.children.length ? await listExperiments(db, g.children) : [];
  const sizes = await familySizes(db, [...new Set(rows.map((r) => r.generation))]);
  const start = new Map(g.reoffered.map((r) => [r.id, r.repeats]));
  return {
    maxLooks: g.maxLooks,
    family: new Map(rows.map((r) => [r.id, sizes.get(r.generation) ?? g.children.length])),
    startRepeats: new Map(g.children.map((id) => [id, start.get(id) ?? g.base])),
  };
}

async function failUngated(db: Db, id: string, generation: number): Promise<void> {
  const e = await getExperiment(db, id);
  if (e.branch !== null || e.status === 'rejected' || e.status === 'failed') return;
  if ((JSON.parse(e.change) as { kind?: string }).kind !== 'code') return;
  const reason = `${id} is a code variant whose code never passed its gates (its writer stopped before them): it cannot run`;
  await recordDecision(db, {
    experimentId: id,
    action: 'fail',
    rule: 'gate',
    actor: 'system',
    reason,
    generation,
    learned: reason,
  });
}

/** Has `id` run every train task it ran at least twice, with the same outcome each time? */
export async function repeatsAreIdentical(db: Db, id: string): Promise<boolean> {
  const rows = await experimentOutcomes(db, id, 'train');
  const byTask = new Map<string, string[]>();
  for (const r of rows) {
    const key = taskKey(r);
    byTask.set(key, [...(byTask.get(key) ?? []), r.outcome ?? '']);
  }
  return byTask.size > 0 && [...byTask.values()].every((o) => o.length >= 2 && o.every((x) => x === o[0]));
}
