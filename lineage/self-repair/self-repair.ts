import type { SandboxKind } from '../../evaluator/sandbox/providers.js';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { genomeHash } from '../../agent/genome.js';
import type { ScriptedEntry } from '../../agent/models/scripted.js';
import { readTrajectory } from '../../agent/trajectory.js';
import { changedFiles } from '../../tasks/patch.js';
import type { SandboxProvider } from '../../evaluator/sandbox/types.js';
import { ensureAgentRepo } from '../code-variant/agent-repo.js';
import { agentSourceOf } from '../code-variant/agent-source.js';
import { gateCodeVariant, type GateStage } from '../code-variant/gate.js';
import type { Db } from '../db/open.js';
import { getExperiment, parseGenome, recordDecision } from '../experiments.js';
import { signatureOf } from '../failures/signature.js';
import { writeExperimentFolder } from '../folders.js';
import { writeFileAtomic, type Workspace } from '../workspace.js';
import { evaluateVariant, type VariantEvalOptions, type VariantEvalResult } from './evaluate-variant.js';
import { codeBranchOf, runRepairAgent } from './repair-run.js';
import { buildRepairStatement } from './statement.js';
import { addFlags } from '../failures/flags.js';
import { addedSkills, contextSurface, enableSkills, insertCodeVariant, patchFlags } from './variant.js';

// `evolve self-repair`: statement from a failure cluster -> a coding agent (by default the experiment's own genome)
// edits the agent's source in a sandbox -> its diff becomes a code-variant child `exp-23-rN` -> the gates (surface,
// apply, typecheck, agent tests) -> staged evaluation from the variant's worktree -> the normal promotion rule.
// A rejected variant never runs a task. Statement, repair trajectory, patch and verdict live in its folder.

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
  eval?: Omit<VariantEvalOptions, 'experimentId' | 'parentId' | 'worktree' | 'clusterTasks' | 'log'>;
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
}

export async function selfRepair(ws: Workspace, o: SelfRepairOptions): Promise<SelfRepairResult> {
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
      commit: (await agentSourceOf(ws, author.id))?.commit ?? 'installed',
      model: o.model ?? parseGenome(author).model,
      writes: 'code',
    },
    layer,
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
    });
  } catch (error) {
    // The machinery failed under the repair agent: the child is marked failed, never left `proposed`.
    await db.updateTable('experiments').set({ status: 'failed' }).where('id', '=', id).execute();
    await recordDecision(db, {
      experimentId: id,
      action: 'fail',
      rule: 'self-repair',
      actor: 'system',
      reason: `repair run failed: ${(error as Error).message}`,
    });
    await writeExperimentFolder(db, ws.paths.experiments, id);
    throw error;
  }
  writeFileAtomic(join(folder, 'change.patch'), run.diff);
  log(
    `${id}: repair run ${run.exitReason} after ${run.steps} steps; ${run.diff ? `${run.diff.split('\n').length} diff lines` : 'no change'}`,
  );
  await db
    .updateTable('experiments')
    .set({
      change: JSON.stringify({ ...JSON.parse(placeholder.change), files: changedFiles(run.diff) }),
      change_summary: placeholder.change_summary.replace(
        /: no files changed$/,
        `: ${changedFiles(run.diff).join(', ') || 'no files changed'}`,
      ),
    })
    .where('id', '=', id)
    .execute();

  // Objective-hacking guards: the patch's paths, and what the repair run tried to read.
  const probes = existsSync(trajectory)
    ? signatureOf({ exitReason: run.exitReason, report: null, events: readTrajectory(trajectory) }).hiddenPathProbes
    : [];
  const flags = await addFlags(db, id, [
    ...patchFlags(run.diff),
    ...probes.map((p) => `repair run probed hidden path ${p}`),
  ]);

  const gate = await gateCodeVariant({
    repo,
    workspaceRoot: ws.paths.root,
    parentBranch,
    branch: id,
    patch: run.diff,
    surface,
    message: `${id}: self-repair of ${statement.clusterId} by ${author.id}`,
    ...(o.tests ? { tests: o.tests } : {}),
  });
  const result: SelfRepairResult = {
    id,
    parent: parent.id,
    authoredBy: author.id,
    cluster: statement.clusterId,
    flags,
    folder,
    status: 'proposed',
    repair: { exitReason: run.exitReason, steps: run.steps, model: run.model, trajectory },
    gate: gate.ok
      ? { ok: true, files: gate.files, commit: gate.commit }
      : { ok: false, stage: gate.stage, reason: gate.reason },
  };
  if (!gate.ok) {
    log(`${id}: rejected at the ${gate.stage} gate: ${gate.reason}`);
    await db
      .updateTable('experiments')
      .set({ status: 'rejected', learned: `Rejected before any task ran (${gate.stage}): ${gate.reason}` })
      .where('id', '=', id)
      .execute();
    await recordDecision(db, {
      experimentId: id,
      action: 'reject',
      rule: `gate:${gate.stage}`,
      actor: 'system',
      reason: gate.reason,
      details: { stage: gate.stage, log: gate.log },
    });
  } else {
    await db.updateTable('experiments').set({ branch: gate.branch }).where('id', '=', id).execute();
    await enableAddedSkills(db, id, run.diff, log);
    if (o.evaluate !== false) {
      // Evaluation signs the runs and adds any hacking flags to the experiment (lineage/failures/cluster.ts).
      result.evaluation = await evaluateVariant(ws, {
        ...o.eval,
        experimentId: id,
        parentId: parent.id,
        worktree: gate.worktree,
        clusterTasks: statement.taskIds,
        log,
      });
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

/** A skill the patch adds takes effect only once the variant's genome lists it (context-layer learning). */
export async function enableAddedSkills(db: Db, id: string, diff: string, log: (line: string) => void): Promise<void> {
  const row = await getExperiment(db, id);
  const skills = addedSkills(diff);
  const genome = parseGenome(row);
  const enabled = enableSkills(genome, skills);
  if (enabled === genome) return;
  await db
    .updateTable('experiments')
    .set({
      genome: JSON.stringify(enabled),
      genome_hash: genomeHash(enabled),
      change_summary: `${row.change_summary}; enables skill ${skills.join(', ')}`,
    })
    .where('id', '=', id)
    .execute();
  log(`${id}: its prompt policy now lists the new skill(s) ${skills.join(', ')}`);
}
