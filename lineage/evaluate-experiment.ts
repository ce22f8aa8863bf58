import type { SandboxKind } from '../evaluator/sandbox/providers.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Genome } from '../agent/genome.js';
import type { GlobalBudget, SpendLimit } from '../evaluator/budget.js';
import { evaluate, EvaluateError, type EvaluateResult } from '../evaluator/evaluate.js';
import type { AgentCode, SolverName } from '../evaluator/job.js';
import type { ProgressSnapshot } from '../evaluator/progress.js';
import type { StagePlan } from '../evaluator/stages.js';
import type { RunResult } from '../evaluator/store.js';
import { workerId } from '../evaluator/worker.js';
import { summarize } from '../evaluator/stats/index.js';
import { wireRuns, type Wiring } from '../evaluator/wiring.js';
import { Task } from '../tasks/schema.js';
import { agentSourceOf } from './code-variant/agent-source.js';
import type { Db } from './db/open.js';
import { findExperiment, moveStatus, updateExperiment } from './db/repos/experiments.js';
import { signFailures } from './failures/cluster.js';
import { kyselyRunStore } from './db/repos/run-store.js';
import { openRemote } from './cluster.js';
import { refreshSuite } from './suites.js';
import { applySuiteSettings, firstTasks, type SuiteSettings } from '../tasks/suite.js';
import { resolveTask } from './task-ref.js';
import type { Workspace } from './workspace.js';
import { tasksOf } from './db/repos/tasks.js';
import { agentRuns } from './db/repos/runs.js';
import { agentCodeKey } from '../evaluator/agent-code.js';

// `evolve eval`: load the experiment and its tasks from the workspace, run evaluate() on the database
// RunStore from the experiment's own agent source, and write the score back on the experiment row. A fixed solver
// (--solver) or a model override (--model) is reported and kept under its own run key, never as the score.

export type SplitName = 'train' | 'heldout' | 'all';

export interface EvaluateExperimentOptions {
  experimentId: string;
  suite?: string;
  /** Only the first N tasks of the split (task ids in order). */
  subset?: number;
  split?: SplitName;
  repeats?: number;
  concurrency?: number;
  sandbox?: SandboxKind;
  solver?: SolverName;
  /** Overrides the genome's model. */
  model?: string;
  budget?: GlobalBudget;
  /** Limits shared with other evaluations: the generation's budget, the command's --budget. */
  limits?: SpendLimit[];
  /** Screen on the first N tasks; the rest only if the score is at least the parent's on them minus `margin`. */
  screen?: { tasks: number; margin: number };
  signal?: AbortSignal;
  onProgress?: (p: ProgressSnapshot) => void;
  /** Replaces the real sandbox/grader wiring (tests, benchmarks). */
  wiring?: Wiring;
  /** Replaces reading the workspace's task table. */
  loadTasks?: (suite: string, split: SplitName) => Promise<Task[]>;
  /** Run every task under these (flags over the suite's evolve.json settings): agent user, timeouts. */
  settings?: SuiteSettings;
}

export function loadTasksFromDb(db: Db, suite: string, split: SplitName): Promise<Task[]> {
  return tasksOf(db, suite, split);
}

/**
 * Mean resolve rate of `experimentId`'s own agent runs on exactly these tasks of the suite, or undefined when it has
 * no finished run there.
 */
export async function scoreOn(
  db: Db,
  experimentId: string,
  taskIds: string[],
  suite?: string,
): Promise<number | undefined> {
  if (taskIds.length === 0) return undefined;
  const wanted = new Set(taskIds);
  const rows = (await agentRuns(db, experimentId, { done: true })).filter(
    (r) => wanted.has(r.task_id) && (suite === undefined || r.suite_id === suite),
  );
  if (rows.length === 0) return undefined;
  return summarize(rows.map((r) => ({ taskId: r.task_id, repeat: r.repeat, resolved: r.outcome === 'resolved' })))
    .resolveRate;
}

export interface EvaluateExperimentResult extends EvaluateResult {
  /** Who ran: `agent` (the experiment's own genome and code), `model:<name>`, or a solver. */
  actor: string;
  /** Whether these runs are the experiment's score (only its own agent's train-split runs are). */
  scored: boolean;
}

export async function evaluateExperiment(
  ws: Workspace,
  options: EvaluateExperimentOptions,
): Promise<EvaluateExperimentResult> {
  const { db, config } = ws;
  const experiment = await findExperiment(db, options.experimentId);
  if (!experiment)
    throw new EvaluateError(
      `no experiment ${options.experimentId} in this workspace`,
      'Run `evolve status` to list experiments, or `evolve init` to create exp-01.',
    );
  const suite = options.suite ?? config.defaults.suite;
  const split = options.split ?? config.defaults.split;
  if (!options.loadTasks) await refreshSuite(ws, suite);
  let tasks = await (options.loadTasks ? options.loadTasks(suite, split) : loadTasksFromDb(db, suite, split));
  if (tasks.length === 0)
    throw new EvaluateError(
      `suite ${suite} has no ${split} tasks in this workspace`,
      "Check --suite and --split; `evolve tasks list --suite NAME` lists a suite's tasks and their split.",
    );
  if (options.subset !== undefined) tasks = firstTasks(tasks, options.subset);
  if (options.settings) tasks = applySuiteSettings(tasks, options.settings);

  let genome: Genome | undefined;
  let code: AgentCode | undefined;
  // The experiment's own agent, unless a solver or another model stands in: only that run is its score.
  let actorName = 'agent';
  if (!options.solver) {
    const parsed = Genome.safeParse(JSON.parse(experiment.genome));
    if (!parsed.success)
      throw new EvaluateError(
        `experiment ${experiment.id} has an invalid genome: ${parsed.error.issues[0]?.message}`,
        'Fix the genome file in its experiment folder, or pass --solver to evaluate a fixed solver.',
      );
    if (options.model && options.model !== parsed.data.model) actorName = `model:${options.model}`;
    genome = options.model ? { ...parsed.data, model: options.model } : parsed.data;
    code = await agentSourceOf(ws, experiment.id);
  }
  const own = genome !== undefined && actorName === 'agent';
  const sandbox = options.sandbox ?? config.defaults.sandbox;
  // With a cluster configured the runs are queued for `evolve worker` processes, which wire their own sandboxes.
  const remote = !options.wiring && config.cluster ? await openRemote(ws, sandbox) : undefined;
  const wiring = remote ? undefined : (options.wiring ?? (await workspaceWiring(ws, sandbox, ws.paths.runs)));

  const parentId = experiment.parent_id;
  const stages: StagePlan | undefined = options.screen
    ? {
        stages: [{ name: 'screen', tasks: options.screen.tasks }, { name: 'rest' }],
        gate: { margin: options.screen.margin },
        reference: parentId ? (ids) => scoreOn(db, parentId, ids, suite) : undefined,
      }
    : undefined;

  if (own) await moveStatus(db, experiment.id, 'evaluating', { from: 'proposed' });
  try {
    const result = await evaluate({
      experimentId: experiment.id,
      ...(genome ? { genome, actorName, ...(code ? { code } : {}) } : { solver: options.solver }),
      tasks,
      repeats: options.repeats ?? config.defaults.repeats,
      store: kyselyRunStore(db),
      ...(wiring ? { runOne: wiring.runOne, reap: wiring.reap } : {}),
      ...(remote ? { remote } : {}),
      concurrency: options.concurrency ?? config.defaults.concurrency,
      budget: options.budget,
      limits: options.limits,
      stages,
      signal: options.signal,
      onProgress: options.onProgress,
      suiteId: suite,
      split,
      record: {
        sandbox,
        model: genome?.model ?? null,
        subset: options.subset ?? null,
        ...(remote ? { cluster: true } : {}),
        ...(options.settings ? { settings: options.settings } : {}),
      },
    });
    const scored = own && split === 'train';
    if (own && result.status === 'done' && result.summary.runs > 0) {
      // The experiment's score is its train-split score: parent selection and proposers read it, and no proposer may
      // see the held-out split. A held-out evaluation (promotion confirmation) stays in its own evaluation row.
      if (split === 'train') {
        const cost = result.runs.reduce((s, r) => s + (r.costUsd ?? 0), 0);
        await updateExperiment(db, experiment.id, {
          score: result.summary.resolveRate,
          score_lo: result.summary.interval.lo,
          score_hi: result.summary.interval.hi,
          cost_usd: cost,
        });
      }
      await moveStatus(db, experiment.id, 'evaluated', { from: 'evaluating' });
      // Clusters and hacking flags are ready for the folder, proposers and self-repair as soon as the runs are in.
      await signFailures(db, [experiment.id]);
    }
    return { ...result, actor: options.solver ?? actorName, scored };
  } finally {
    await wiring?.dispose?.();
    await remote?.queue.close();
  }
}

/** The real sandboxes, graders and agent under the workspace's settings (images, grading, prices, run budgets). */
export function workspaceWiring(ws: Workspace, sandbox: SandboxKind, runsDir: string): Promise<Wiring> {
  const { config } = ws;
  return wireRuns({
    sandbox,
    runsDir,
    workspace: ws.paths.root,
    images: { ...config.images, root: ws.paths.root },
    grading: config.grading,
    agent: {
      prices: config.models.prices,
      runLimits: {
        dollars: config.budgets.runDollars,
        tokens: config.budgets.runTokens,
        calls: config.budgets.runCalls,
      },
    },
  });
}

export interface AgentRunOnceOptions {
  /** `suite/task`, or a bare task id (unique across the suites the workspace knows, or within `suite`). */
  taskId: string;
  suite?: string;
  /** A genome JSON file, a folder holding genome.json, or an experiment id. */
  genome: string;
  model?: string;
  sandbox?: SandboxKind;
  signal?: AbortSignal;
  wiring?: Wiring;
  loadTask?: (taskId: string) => Promise<Task | undefined>;
}

/** `evolve agent run`: one agent on one task, graded, with no evaluation rows written. */
export async function runAgentOnce(
  ws: Workspace,
  options: AgentRunOnceOptions,
): Promise<RunResult & { taskId: string; suite: string; genomeSource: string; code: string }> {
  const { genome, code } = await resolveGenome(ws, options.genome, options.model);
  const task = options.loadTask
    ? await options.loadTask(options.taskId)
    : await resolveTask(ws, options.taskId, options.suite);
  if (!task)
    throw new EvaluateError(
      `no task ${options.taskId} in this workspace`,
      "Address a task as SUITE/TASK; `evolve tasks list --suite NAME` lists a suite's tasks.",
    );
  const wiring =
    options.wiring ??
    (await wireRuns({
      sandbox: options.sandbox ?? ws.config.defaults.sandbox,
      runsDir: join(ws.paths.runs, 'adhoc'),
      workspace: ws.paths.root,
      images: { ...ws.config.images, root: ws.paths.root },
      grading: ws.config.grading,
      // The per-run limits hold here as in every evaluation (evolve.json budgets.run*).
      agent: {
        prices: ws.config.models.prices,
        runLimits: {
          dollars: ws.config.budgets.runDollars,
          tokens: ws.config.budgets.runTokens,
          calls: ws.config.budgets.runCalls,
        },
      },
    }));
  try {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const result = await wiring.runOne(
      {
        runId: 0,
        evaluationId: 0,
        experimentId: `agent-run-${stamp}`,
        task,
        repeat: 0,
        attempt: 1,
        actor: { kind: 'genome', genome, ...(code ? { code } : {}) },
        labels: { 'evolve.workspace': ws.paths.root, 'evolve.worker': workerId() },
      },
      options.signal ?? new AbortController().signal,
    );
    return {
      ...result,
      taskId: task.id,
      suite: task.suite,
      genomeSource: options.genome,
      code: agentCodeKey(code),
    };
  } finally {
    await wiring.dispose?.();
  }
}

/** A genome from a file or folder (run on the installed agent), or an experiment's genome with its own code. */
async function resolveGenome(
  ws: Workspace,
  source: string,
  model?: string,
): Promise<{ genome: Genome; code?: AgentCode }> {
  let raw: unknown;
  let code: AgentCode | undefined;
  const file = existsSync(source) && statSync(source).isDirectory() ? join(source, 'genome.json') : source;
  if (existsSync(file)) raw = JSON.parse(readFileSync(file, 'utf8'));
  else {
    const row = await findExperiment(ws.db, source);
    if (!row)
      throw new EvaluateError(
        `--genome ${source}: neither a file nor an experiment`,
        'Pass a genome JSON file (e.g. experiments/exp-01/genome.json) or an experiment id.',
      );
    raw = JSON.parse(row.genome);
    code = await agentSourceOf(ws, source);
  }
  const parsed = Genome.safeParse(raw);
  if (!parsed.success)
    throw new EvaluateError(
      `--genome ${source}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      'Fix the genome; experiments/exp-01/genome.json is a valid example.',
    );
  return { genome: model ? { ...parsed.data, model } : parsed.data, ...(code ? { code } : {}) };
}
