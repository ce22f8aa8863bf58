import { type SandboxKind, sandboxProvider } from '../../evaluator/sandbox/providers.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Genome } from '../../agent/genome.js';
import { runAgent } from '../../agent/loop.js';
import type { ScriptedEntry } from '../../agent/models/scripted.js';
import { TrajectoryWriter } from '../../agent/trajectory.js';
import { pythonEnvRecipe } from '../../evaluator/images/index.js';
import { type Budget, type ModelSpend, openRunGateway } from '../../evaluator/gateway/index.js';
import { BASE_REF, type SandboxProvider } from '../../evaluator/sandbox/types.js';
import type { AgentRepo } from '../code-variant/agent-repo.js';
import type { Db } from '../db/open.js';
import { recordModelSpend } from '../spend.js';
import type { Workspace } from '../workspace.js';
import { findExperiment } from '../db/repos/experiments.js';

// The repair run: a coding agent (by default the experiment's own genome) works on the agent's source, copied into
// a fresh sandbox from the experiment's branch of the workspace's agent repository and committed as the base
// (BASE_REF), so sandbox.diff() is exactly what it changed. Every model call goes through the gateway and
// lands in the repair trajectory; the agent never sees the host's files or keys.

export const REPAIR_WORKDIR = '/agent-src';

export interface RepairRunOptions {
  ws: Workspace;
  repo: AgentRepo;
  /** Branch whose source is repaired. */
  branch: string;
  /** The repairing genome (its model may be overridden by `model`). */
  genome: Genome;
  model?: string;
  statement: string;
  taskId: string;
  sandbox: SandboxKind;
  trajectoryPath: string;
  /** For the `scripted` model (tests). */
  script?: ScriptedEntry[];
  provider?: SandboxProvider;
  signal?: AbortSignal;
  /** The generation's shared budget: the repair's calls count against it (budgets.generation*). */
  generationBudget?: Budget;
  /** Where its spend is stored (model_calls, purpose `self-repair`), whether the run succeeds or not. */
  meter?: { generation?: number; experiment?: string };
}

export interface RepairRunResult {
  diff: string;
  exitReason: string;
  steps: number;
  costUsd?: number;
  spend: ModelSpend;
  model: string;
}

/** The nearest branch holding an experiment's code: its own, else its ancestors' (genome-only children share them). */
export async function codeBranchOf(db: Db, id: string): Promise<string> {
  let cur: string | null = id;
  while (cur) {
    const row = await findExperiment(db, cur);
    if (!row) break;
    if (row.branch) return row.branch;
    cur = row.parent_id;
  }
  return 'exp-01';
}

/** The tree of `branch` in a fresh host folder (git archive: tracked files only, no .git). */
export function exportBranch(repo: AgentRepo, branch: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-repair-src-'));
  const tar = execFileSync('git', ['-C', repo.dir, 'archive', '--format=tar', branch], { maxBuffer: 256 << 20 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  return dir;
}

const BASE_SCRIPT = [
  'git init -q',
  'git add -A',
  'git -c user.name=evolve -c user.email=evolve@localhost -c commit.gpgsign=false commit -q -m base',
  `git update-ref ${BASE_REF} HEAD`,
].join(' && ');

export async function runRepairAgent(o: RepairRunOptions): Promise<RepairRunResult> {
  const provider = o.provider ?? sandboxProvider(o.sandbox).create();
  const src = exportBranch(o.repo, o.branch);
  const model = o.model ?? o.genome.model;
  const genome = { ...o.genome, model };
  mkdirSync(dirname(o.trajectoryPath), { recursive: true });
  const trajectory = new TrajectoryWriter(o.trajectoryPath);
  const sandbox = await provider.create({
    image: pythonEnvRecipe({ packages: ['nodejs'] }),
    workdir: REPAIR_WORKDIR,
    network: false,
    labels: { 'evolve.workspace': o.ws.paths.root, 'evolve.role': 'self-repair' },
  });
  try {
    await sandbox.copyIn(src, REPAIR_WORKDIR);
    const base = await sandbox.exec(BASE_SCRIPT, { timeoutMs: 120_000 });
    if (base.exitCode !== 0)
      throw Object.assign(
        new Error(`could not commit the agent source as the repair base: ${base.output.slice(-500)}`),
        { hint: 'The sandbox needs git; with --sandbox docker run `evolve doctor --fix`.' },
      );
    // The gateway records the (redacted) model calls into the repair trajectory; the loop records none itself. It
    // meters every call (the repairing agent's own and its policies' summaries and plans) against the run limits and
    // the generation's budget.
    const { model: gateway } = await openRunGateway({
      model,
      config: o.ws.config,
      runLabel: `self-repair ${o.taskId}`,
      sink: (e) => trajectory.write(e),
      ...(o.generationBudget ? { generationBudget: o.generationBudget } : {}),
      ...(o.script ? { script: o.script } : {}),
    });
    try {
      // The sandbox's own workdir: the host path for the local provider, so the editor tools' absolute paths resolve.
      const task = { id: o.taskId, statement: o.statement, workdir: sandbox.workdir };
      const result = await runAgent({
        genome,
        task,
        sandbox,
        model: gateway,
        trajectory,
        recordModelCalls: false,
        ...(o.signal ? { signal: o.signal } : {}),
      });
      const spent = gateway.spent;
      return {
        diff: await sandbox.diff(),
        exitReason: result.exitReason,
        steps: result.steps,
        ...(spent.unpricedCalls === 0 ? { costUsd: spent.dollars } : {}),
        spend: spent,
        model,
      };
    } finally {
      // Stored whether or not the repair finished: a failed run may still have been paid for.
      await recordModelSpend(o.ws.db, {
        purpose: 'self-repair',
        label: `self-repair ${o.taskId}`,
        model,
        spend: gateway.spent,
        ...(o.meter?.generation !== undefined ? { generation: o.meter.generation } : {}),
        ...(o.meter?.experiment !== undefined ? { experiment: o.meter.experiment } : {}),
      });
    }
  } finally {
    trajectory.close();
    await sandbox.dispose();
    rmSync(src, { recursive: true, force: true });
  }
}
