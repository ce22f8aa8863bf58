import type { SandboxKind } from '../../evaluator/sandbox/providers.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ScriptedEntry } from '../../agent/models/scripted.js';
import type { SandboxProvider } from '../../evaluator/sandbox/types.js';
import { failVariant, settleVariant } from '../code-variant/settle.js';
import { ensureAgentRepo } from '../code-variant/agent-repo.js';
import { agentSourceOf } from '../code-variant/agent-source.js';
import { type GateStage } from '../code-variant/gate.js';
import { parseGenome } from '../experiments.js';
import { loadTasksFromDb } from '../evaluate-experiment.js';
import { writeExperimentFolder } from '../folders.js';
import { writeFileAtomic, type Workspace } from '../workspace.js';
import { generationBudget } from '../../evaluator/gateway/index.js';
import type { Wiring } from '../../evaluator/wiring.js';
import type { ChildRow, HeldoutRecord } from '../decide-generation.js';
import { evaluateAndDecide } from '../evaluate-and-decide.js';
import { acquireGenerationLock } from '../generation-lock.js';
import {
  addRepairChild,
  closeRepairGeneration,
  clusterFirst,
  openRepairGeneration,
  type VariantStage,
  variantStages,
} from './repair-generation.js';
import { codeBranchOf, runRepairAgent } from './repair-run.js';
import { buildRepairStatement } from './statement.js';
import { contextSurface, insertCodeVariant } from './variant.js';
import { championId } from '../db/repos/decisions.js';
import { getExperiment } from '../db/repos/experiments.js';
import { agentCodeKey } from '../../evaluator/agent-code.js';

// `evolve self-repair`: statement from a failure cluster -> a coding agent (by default the experiment's own genome)
// edits the agent's source in a sandbox -> its diff becomes a code-variant child `exp-23-rN` -> the gates (surface,
// apply, typecheck, agent tests) -> a generation of that one child, evaluated with its own code (the cluster's tasks
// first) and decided by lineage/evaluate-and-decide.ts as every child is: the rule, evidence rounds and held-out
// confirmation. A rejected variant never runs a task. Statement, repair trajectory, patch and verdict live in its
// folder; the repair's model calls are metered, stored against the generation and held to its budget.

/** How the variant's evaluation goes (the generation's settings; tests inject the wiring). */
export interface VariantEvalOptions {
  suite?: string;
  sandbox?: SandboxKind;
  subset?: number;
  repeats?: number;
  concurrency?: number;
  /** How far below the parent on the cluster's tasks the variant may be and still run the rest (default 0). */
  margin?: number;
  /** Confirm a promotion on the held-out split (default on, as in every generation). */
  confirm?: boolean;
  evidenceRounds?: number;
  /** Replaces the real sandbox/grader wiring; the variant's code still comes from its branch (job data). */
  wiring?: Wiring;
  signal?: AbortSignal;
}

export interface VariantEvalResult {
  generation: number;
  stages: VariantStage[];
  stoppedAfterCluster: boolean;
  /** The variant's row of the generation's decision (promote, not promoted, retire, discard, explore). */
  decision: ChildRow['decision'];
  reason: string;
  heldout: HeldoutRecord | null;
  budgetStop: string | null;
}

export interface SelfRepairOptions {
  experimentId: string;
  clusterId?: string;
  /** Overrides the repairing genome's model. */
  model?: string;
  /** Whose genome does the repair (default: the experiment itself); recorded as `authored_by`. */
  authorId?: string;
  /** Context-layer learning: the repair may change only instructions and skills under agent/prompts/. */
  contextOnly?: boolean;
  sandbox?: SandboxKind;
  /** Agent tests the gate runs (default: the agent's whole test folder). */
  tests?: string[];
  /** Skip evaluation (gate only). */
  evaluate?: boolean;
  eval?: VariantEvalOptions;
  /** The workspace's generation lock: fail at once naming the holder (default), or wait for it. */
  lock?: { wait?: boolean };
  /** For the `scripted` model (tests). */
  script?: ScriptedEntry[];
  provider?: SandboxProvider;
  log?: (line: string) => void;
}

export interface SelfRepairResult {
  id: string;
  parent: string;
  authoredBy: string;
  cluster: string;
  repair: { exitReason: string; steps: number; model: string; trajectory: string };
  gate: { ok: true; files: string[]; commit: string } | { ok: false; stage: GateStage; reason: string };
  evaluation?: VariantEvalResult;
  status: string;
  flags: string[];
  folder: string;
  /** The generation this repair ran as. */
  generation: number;
  /** Dollars of the repair's model calls (undefined when a call had no price). */
  repairCostUsd?: number;
}

export async function selfRepair(ws: Workspace, o: SelfRepairOptions): Promise<SelfRepairResult> {
  const release = await acquireGenerationLock(ws.paths.root, {
    command: 'evolve self-repair',
    ...(o.lock?.wait ? { wait: true } : {}),
    ...(o.log ? { log: o.log } : {}),
  });
  try {
    return await repair(ws, o);
  } finally {
    release();
  }
}

async function repair(ws: Workspace, o: SelfRepairOptions): Promise<SelfRepairResult> {
  const { db, config } = ws;
  const log = o.log ?? (() => {});
  const parent = await getExperiment(db, o.experimentId);
  const author = await getExperiment(db, o.authorId ?? o.experimentId);
  const layer = o.contextOnly ? 'context' : 'code';
  const surface = o.contextOnly ? contextSurface(config.lineage.mutableSurface) : config.lineage.mutableSurface;
  const statement = await buildRepairStatement(db, {
    experimentId: parent.id,
    ...(o.clusterId ? { clusterId: o.clusterId } : {}),
    surface,
    layer,
  });
  const repo = await ensureAgentRepo(ws.paths.root);
  const parentBranch = await codeBranchOf(db, parent.id);

  const suite = o.eval?.suite ?? config.defaults.suite;
  const champion = (await championId(db)) ?? parent.id;
  const generation = await openRepairGeneration(db, parent.id, {
    champion,
    cluster: statement.clusterId,
    rule: config.lineage.rule,
    margin: config.lineage.margin,
    eval: { suite, subset: o.eval?.subset ?? null, repeats: o.eval?.repeats ?? config.defaults.repeats },
  });

  // The child row exists before the repair runs, so the trajectory lands in its folder.
  const hypothesis = `A change to the agent's mutable surface, written by ${author.id}'s genome from failure cluster ${statement.clusterId} (${statement.label}, ${statement.runIds.length} runs on ${statement.taskIds.length} tasks), fixes some of those failures without losing other tasks.`;
  const placeholder = await insertCodeVariant(db, {
    parent,
    parentBranch,
    cluster: { id: statement.clusterId, label: statement.label },
    hypothesis,
    authoredBy: author.id,
    authorship: {
      kind: 'agent',
      experiment: author.id,
      role: 'self-repair',
      commit: agentCodeKey(await agentSourceOf(ws, author.id)),
      model: o.model ?? parseGenome(author).model,
      writes: 'code',
    },
    layer,
    generation,
    patch: '',
  });
  const id = placeholder.id;
  const folder = join(ws.paths.experiments, id);
  mkdirSync(folder, { recursive: true });
  writeFileAtomic(join(folder, 'repair-statement.md'), statement.markdown);
  const trajectory = join(folder, 'repair-trajectory.jsonl');
  log(`${id}: ${author.id}'s genome repairs ${statement.clusterId} (${statement.label}) on branch ${parentBranch}`);

  let run;
  try {
    run = await runRepairAgent({
      ws,
      repo,
      branch: parentBranch,
      genome: parseGenome(author),
      ...(o.model ? { model: o.model } : {}),
      statement: statement.markdown,
      taskId: `self-repair-${id}`,
      sandbox: o.sandbox ?? config.defaults.sandbox,
      trajectoryPath: trajectory,
      ...(o.script ? { script: o.script } : {}),
      ...(o.provider ? { provider: o.provider } : {}),
      generationBudget: generationBudget(config, `generation ${generation} (budgets.generationDollars)`),
      meter: { generation, experiment: id },
    });
  } catch (error) {
    // The machinery failed under the repair agent: the child is marked failed, never left `proposed`.
    await failVariant(db, id, undefined, 'self-repair', `repair run failed: ${(error as Error).message}`);
    await writeExperimentFolder(db, ws.paths.experiments, id);
    await closeRepairGeneration(db, generation, 'failed', `repair run failed: ${(error as Error).message}`);
    throw error;
  }
  const settled = await settleVariant(ws, {
    id,
    diff: run.diff,
    writer: 'repair run',
    exitReason: run.exitReason,
    steps: run.steps,
    trajectory,
    failRule: 'self-repair',
    generation,
    gate: {
      repo,
      parentBranch,
      surface,
      message: `${id}: self-repair of ${statement.clusterId} by ${author.id}`,
      ...(o.tests ? { tests: o.tests } : {}),
    },
    log,
  });
  // Self-repair names no failure before its gates, so its variant is either rejected there or accepted.
  if (settled.outcome === 'failed') throw new Error(`${id}: failed before its gates: ${settled.reason}`);
  const { gate } = settled;
  const result: SelfRepairResult = {
    id,
    parent: parent.id,
    authoredBy: author.id,
    cluster: statement.clusterId,
    flags: settled.flags,
    folder,
    generation,
    ...(run.costUsd !== undefined ? { repairCostUsd: run.costUsd } : {}),
    status: 'proposed',
    repair: { exitReason: run.exitReason, steps: run.steps, model: run.model, trajectory },
    gate: gate.ok
      ? { ok: true, files: gate.files, commit: gate.commit }
      : { ok: false, stage: gate.stage, reason: gate.reason },
  };
  if (!gate.ok) {
    await closeRepairGeneration(db, generation, 'done', `${id} rejected at the ${gate.stage} gate; nothing to decide`);
  } else {
    if (o.evaluate === false) {
      await closeRepairGeneration(db, generation, 'done', `${id} passed its gates; evaluation was not asked for`);
    } else {
      await addRepairChild(db, generation, id);
      result.evaluation = await decideVariant(ws, { o, id, parent: parent.id, champion, generation, suite, statement });
      log(`${id}: ${result.evaluation.decision}: ${result.evaluation.reason}`);
    }
  }
  const row = await getExperiment(db, id);
  result.status = row.status;
  result.flags = JSON.parse(row.flags) as string[];
  await writeExperimentFolder(db, ws.paths.experiments, id);
  writeFileAtomic(
    join(folder, 'repair-verdict.json'),
    `${JSON.stringify({ ...result, statementFile: 'repair-statement.md', patchFile: 'change.patch' }, null, 2)}\n`,
  );
  return result;
}

/** The generation of the gated variant, evaluated with its code (cluster first) and decided as every child is. */
async function decideVariant(
  ws: Workspace,
  v: {
    o: SelfRepairOptions;
    id: string;
    parent: string;
    champion: string;
    generation: number;
    suite: string;
    statement: { taskIds: string[] };
  },
): Promise<VariantEvalResult> {
  const { config } = ws;
  const e = v.o.eval ?? {};
  const log = v.o.log ?? (() => {});
  const split = config.defaults.split;
  const staged = await clusterFirst(ws, {
    suite: v.suite,
    split,
    ...(e.subset !== undefined ? { subset: e.subset } : {}),
    clusterTasks: v.statement.taskIds,
    margin: e.margin ?? 0,
  });
  const { clusterTasks, ...variantEval } = staged;
  log(`${v.id}: evaluating on the cluster's ${clusterTasks.length} task(s) first, then the rest if it holds up`);
  const decided = await evaluateAndDecide(ws, {
    generation: v.generation,
    champion: v.champion,
    parent: v.parent,
    children: [v.id],
    rule: config.lineage.rule,
    margin: config.lineage.margin,
    eval: {
      suite: v.suite,
      ...(e.subset !== undefined ? { subset: e.subset } : {}),
      ...(e.repeats !== undefined ? { repeats: e.repeats } : {}),
      ...(e.concurrency !== undefined ? { concurrency: e.concurrency } : {}),
      ...(e.sandbox ? { sandbox: e.sandbox } : {}),
      ...(e.wiring ? { wiring: e.wiring } : {}),
    },
    evalFor: (id) => (id === v.id ? variantEval : undefined),
    ...(e.confirm !== undefined ? { confirm: e.confirm } : {}),
    ...(e.evidenceRounds !== undefined ? { evidenceRounds: e.evidenceRounds } : {}),
    ...(e.signal ? { signal: e.signal } : {}),
    log,
  });
  const suiteTasks = (await loadTasksFromDb(ws.db, v.suite, split)).map((t) => t.id).slice(0, e.subset);
  const row = decided.rows.find((r) => r.id === v.id);
  return {
    generation: v.generation,
    ...(await variantStages(ws.db, { id: v.id, parent: v.parent, suite: v.suite, clusterTasks, suiteTasks })),
    decision: row?.decision ?? 'not promoted',
    reason: decided.reason,
    heldout: decided.heldout,
    budgetStop: decided.budgetStop,
  };
}
