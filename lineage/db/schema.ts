import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import { z } from 'zod';

// The database in one place: each long-lived row is a zod schema; the kysely table types are derived from it.
// JSON columns are stored as text and parsed with these schemas on read. Migrations (./migrations) create the
// tables and never import this file, so they stay frozen in time.

export const ExperimentStatus = z.enum([
  'proposed',
  'evaluating',
  'evaluated',
  'promoted',
  'retired',
  'rejected',
  'failed',
]);
export type ExperimentStatus = z.infer<typeof ExperimentStatus>;

export const RunStatus = z.enum(['pending', 'running', 'done', 'error', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

export const RunOutcome = z.enum(['resolved', 'unresolved']);
export type RunOutcome = z.infer<typeof RunOutcome>;

const isoTime = z.string();

export const ExperimentRow = z.object({
  id: z.string(),
  parent_id: z.string().nullable(),
  generation: z.number().int(),
  /** Genome JSON (agent/genome.ts). */
  genome: z.string(),
  genome_hash: z.string(),
  /** Change JSON: root, policy swap, params step, or code patch (written by lineage/experiments.ts insertChild, from agent/genome-diff.ts). */
  change: z.string(),
  change_summary: z.string(),
  hypothesis: z.string(),
  status: ExperimentStatus,
  proposer: z.string().nullable(),
  authored_by: z.string().nullable(),
  /** JSON Authorship (lineage/authorship.ts): who wrote it; null on rows from before migration 0008. */
  authorship: z.string().nullable(),
  branch: z.string().nullable(),
  seed: z.number().int().nullable(),
  verdict: z.enum(['confirmed', 'refuted', 'inconclusive']).nullable(),
  learned: z.string().nullable(),
  score: z.number().nullable(),
  score_lo: z.number().nullable(),
  score_hi: z.number().nullable(),
  cost_usd: z.number().nullable(),
  /** JSON list of flags, e.g. objective-hacking suspicions. */
  flags: z.string(),
  created_at: isoTime,
  finished_at: isoTime.nullable(),
});

export const GenerationRow = z.object({
  id: z.number().int(),
  parent_id: z.string(),
  proposer: z.string(),
  selector: z.string(),
  rule: z.string(),
  seed: z.number().int().nullable(),
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  /** JSON: children ids, budget, split, suite. */
  config: z.string(),
  started_at: isoTime,
  finished_at: isoTime.nullable(),
});

export const SuiteRow = z.object({
  id: z.string(),
  kind: z.string(),
  source: z.string(),
  /** JSON: named subsets and the fixed train/held-out split. */
  meta: z.string(),
  created_at: isoTime,
});

export const TaskRow = z.object({
  /** The task's id within its suite (the table's key is suite_id + id). */
  id: z.string(),
  suite_id: z.string(),
  /** tasks/content-id.ts: what the task is, without host paths or the suite's name. */
  content_id: z.string(),
  kind: z.string(),
  difficulty: z.string(),
  /** JSON list of tags. */
  tags: z.string(),
  split: z.enum(['train', 'heldout']),
  /** Full Task JSON (tasks/schema.ts). */
  spec: z.string(),
});

export const EvaluationRow = z.object({
  id: z.number().int(),
  experiment_id: z.string(),
  suite_id: z.string(),
  split: z.string(),
  stage: z.string(),
  /** JSON list of task ids. */
  task_ids: z.string(),
  repeats: z.number().int(),
  /** What ran (see RunRow). */
  actor: z.string(),
  genome_hash: z.string(),
  code: z.string(),
  status: z.enum(['running', 'done', 'stopped', 'failed']),
  /** JSON: concurrency, budgets, thresholds, model, sandbox, code version. */
  config: z.string(),
  created_at: isoTime,
  finished_at: isoTime.nullable(),
});

export const RunRow = z.object({
  id: z.number().int(),
  evaluation_id: z.number().int(),
  experiment_id: z.string(),
  /**
   * What ran, the run's key with the experiment, suite, task, content id and repeat: `agent` (the experiment's own
   * genome), `model:<name>` (its genome with the model overridden), or a solver (`oracle`, `null`). Only `agent` runs
   * are the experiment's score.
   */
  actor: z.string(),
  /** The genome that ran (empty for solvers). */
  genome_hash: z.string(),
  /** The agent's code: `installed` (this evolve), a code variant's commit, or `unknown` (runs from before 0003). */
  code: z.string(),
  suite_id: z.string(),
  task_id: z.string(),
  task_content: z.string(),
  repeat: z.number().int(),
  status: RunStatus,
  outcome: RunOutcome.nullable(),
  exit_reason: z.string().nullable(),
  infra_error: z.string().nullable(),
  attempts: z.number().int(),
  input_tokens: z.number().int().nullable(),
  output_tokens: z.number().int().nullable(),
  cache_read_tokens: z.number().int().nullable(),
  cache_write_tokens: z.number().int().nullable(),
  cost_usd: z.number().nullable(),
  duration_ms: z.number().int().nullable(),
  steps: z.number().int().nullable(),
  trajectory_path: z.string().nullable(),
  patch_path: z.string().nullable(),
  /** JSON grading report (upstream per-instance layout). */
  report: z.string().nullable(),
  /** JSON failure signature (lineage/failures). */
  failure_signature: z.string().nullable(),
  cluster_id: z.string().nullable(),
  /** Which process holds a running row (pid@host), so resume can tell stale rows. */
  worker: z.string().nullable(),
  started_at: isoTime.nullable(),
  finished_at: isoTime.nullable(),
});

export const FailureClusterRow = z.object({
  id: z.string(),
  label: z.string(),
  /** JSON of the signature key the cluster groups on. */
  signature: z.string(),
  first_seen_experiment: z.string().nullable(),
  created_at: isoTime,
  updated_at: isoTime,
});

export const DecisionRow = z.object({
  id: z.number().int(),
  experiment_id: z.string(),
  action: z.enum(['promote', 'keep', 'retire', 'reject', 'explore', 'confirm', 'confirm_failed', 'fail']),
  rule: z.string(),
  actor: z.enum(['rule', 'person', 'system']),
  reason: z.string(),
  /** JSON: the numbers behind the decision. */
  details: z.string(),
  /** The generation whose rule made it (null for a person's decision or one from before migration 0004). */
  generation_id: z.number().int().nullable(),
  /** `decide` or `confirm` (the held-out check): one of each per experiment and generation. */
  step: z.string().nullable(),
  created_at: isoTime,
});

/** Spend of the lineage's own model users (proposers, authors, self-repair, summaries), apart from runs' spend. */
export const ModelCallRow = z.object({
  id: z.number().int(),
  generation_id: z.number().int().nullable(),
  experiment_id: z.string().nullable(),
  /** proposer, author, self-repair, summary */
  purpose: z.string(),
  label: z.string(),
  model: z.string(),
  calls: z.number().int(),
  tokens: z.number().int(),
  /** Null when a call had no price. */
  cost_usd: z.number().nullable(),
  created_at: isoTime,
});

export const ChampionRow = z.object({
  id: z.number().int(),
  experiment_id: z.string(),
  decision_id: z.number().int().nullable(),
  since: isoTime,
});

/** A study (lineage/study): conditions x replicates x generations, as `evolve study create` wrote it. */
export const StudyRow = z.object({
  name: z.string(),
  /** JSON: lineage/study/condition.ts StudyConfig. */
  config: z.string(),
  created_at: isoTime,
});

/** One replicate of a study's condition: an independent lineage in a workspace of its own. */
export const StudyReplicateRow = z.object({
  study: z.string(),
  condition: z.string(),
  /** 1-based. */
  replicate: z.number().int(),
  seed: z.number().int(),
  /** Its workspace folder, relative to this workspace's root. */
  path: z.string(),
  status: z.enum(['pending', 'running', 'done']),
  generations_done: z.number().int(),
  /** Why it stopped before its generations: a budget, nothing left to propose. */
  stop_reason: z.string().nullable(),
  started_at: isoTime.nullable(),
  finished_at: isoTime.nullable(),
});

type Row<S extends z.ZodTypeAny> = z.infer<S>;
type WithGeneratedId<T extends { id: number }> = Omit<T, 'id'> & { id: Generated<number> };
/** Columns with a default in the table (optional on insert). */
type WithDefaults<T, K extends keyof T> = Omit<T, K> & { [P in K]: Generated<T[P]> };
type RunKeyDefaults = 'actor' | 'genome_hash' | 'code';

export interface Database {
  experiments: WithDefaults<Row<typeof ExperimentRow>, 'authorship'>;
  generations: Row<typeof GenerationRow>;
  suites: Row<typeof SuiteRow>;
  tasks: WithDefaults<Row<typeof TaskRow>, 'content_id'>;
  evaluations: WithDefaults<WithGeneratedId<Row<typeof EvaluationRow>>, RunKeyDefaults>;
  runs: WithDefaults<WithGeneratedId<Row<typeof RunRow>>, RunKeyDefaults | 'suite_id' | 'task_content'>;
  failure_clusters: Row<typeof FailureClusterRow>;
  decisions: WithGeneratedId<Row<typeof DecisionRow>>;
  champions: WithGeneratedId<Row<typeof ChampionRow>>;
  model_calls: WithGeneratedId<Row<typeof ModelCallRow>>;
  studies: Row<typeof StudyRow>;
  study_replicates: WithDefaults<Row<typeof StudyReplicateRow>, 'generations_done'>;
}

export type Experiment = Selectable<Database['experiments']>;
export type NewExperiment = Insertable<Database['experiments']>;
export type ExperimentUpdate = Updateable<Database['experiments']>;
export type Run = Selectable<Database['runs']>;
export type NewRun = Insertable<Database['runs']>;
export type Evaluation = Selectable<Database['evaluations']>;
export type Decision = Selectable<Database['decisions']>;
