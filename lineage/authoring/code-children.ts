import { join } from 'node:path';
import type { CreateModelOptions } from '../../agent/models/registry.js';
import { changedFiles } from '../../tasks/patch.js';
import { Budget, type ModelSpend } from '../../evaluator/gateway/index.js';
import type { SandboxKind } from '../../evaluator/sandbox/providers.js';
import type { SandboxProvider } from '../../evaluator/sandbox/types.js';
import { failVariant, settleVariant } from '../code-variant/settle.js';
import { ensureAgentRepo } from '../code-variant/agent-repo.js';
import { agentSourceOf } from '../code-variant/agent-source.js';
import type { Db } from '../db/open.js';
import type { Experiment } from '../db/schema.js';
import { parseGenome } from '../experiments.js';
import { writeExperimentFolder } from '../folders.js';
import { canWriteProposals } from '../model-json.js';
import { codeBranchOf } from '../self-repair/repair-run.js';
import { insertCodeVariant } from '../self-repair/variant.js';
import { readSpend, recordModelSpend, totalDollars } from '../spend.js';
import { writeFileAtomic, type Workspace } from '../workspace.js';
import { runAuthor } from './author-run.js';
import { buildRawMaterial } from './raw-material.js';
import { buildAuthorStatement } from './statement.js';
import { getExperiment } from '../db/repos/experiments.js';
import { agentCodeKey } from '../../evaluator/agent-code.js';

// Code children authored by the champion (`next-generation --author champion`): for each of the K children, the
// champion agent (its code, its model, confined) changes a checkout of the parent's agent source from a statement
// built from the lineage and the raw-material folder. Its diff becomes a code child `exp-NN-rK` that passes the
// self-repair gates (surface, flags, apply, typecheck, the agent's own tests); a child that passes gets its branch and
// is evaluated with its own code and decided by the generation's rule like every child. A child whose author failed,
// did not submit or ran out of budget is marked failed; a rejected one is flagged and never runs a task.

export interface CodeAuthorContext {
  parent: Experiment;
  champion: string;
  k: number;
  generation: number;
}

export interface CodeAuthorOptions {
  sandbox?: SandboxKind;
  provider?: SandboxProvider;
  /** Agent tests the gate runs (default: the agent's whole test folder). */
  tests?: string[];
  /** Keys and base URLs for the champion's model (default process.env); the `scripted` model's script. */
  modelOptions?: Pick<CreateModelOptions, 'env' | 'script'>;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface CodeAuthored {
  /** Every child row written (accepted, rejected or failed), in order. */
  children: string[];
  /** Children that passed the gates: evaluated with their own code. */
  accepted: string[];
  /** Why each other child has no code to run. */
  notRun: Array<{ id: string; status: 'rejected' | 'failed'; reason: string }>;
  /** Recorded on the generation and printed. */
  note: string;
  /** The authoring or generation budget that stopped the authoring, if one did. */
  budgetStop: string | null;
}

/** Why the champion cannot author code children at all (its model cannot write code), or null. */
export function cannotAuthorCode(model: string): string | null {
  return canWriteProposals(model) ? null : `its model "${model}" cannot author code`;
}

/** Authoring limits: budgets.author* for this generation's authoring, and what is left of budgets.generation*. */
async function authoringBudgets(ws: Workspace, champion: string, generation: number): Promise<Budget[]> {
  const b = ws.config.budgets;
  const authoring = new Budget(`authoring by ${champion} in generation ${generation} (budgets.author*)`, {
    ...(b.authorDollars !== undefined ? { dollars: b.authorDollars } : {}),
    ...(b.authorTokens !== undefined ? { tokens: b.authorTokens } : {}),
    ...(b.authorCalls !== undefined ? { calls: b.authorCalls } : {}),
  });
  const already = await readSpend(ws.db, { generation });
  const gen = new Budget(`generation ${generation} (budgets.generationDollars)`, {
    ...(b.generationDollars !== undefined ? { dollars: Math.max(0, b.generationDollars - totalDollars(already)) } : {}),
  });
  return [authoring, gen];
}

export async function authorCodeChildren(
  ws: Workspace,
  ctx: CodeAuthorContext,
  o: CodeAuthorOptions = {},
): Promise<CodeAuthored> {
  const { db, config } = ws;
  const log = o.log ?? (() => {});
  const champion = await getExperiment(db, ctx.champion);
  const genome = parseGenome(champion);
  const code = await agentSourceOf(ws, champion.id);
  const repo = await ensureAgentRepo(ws.paths.root);
  const parentBranch = await codeBranchOf(db, ctx.parent.id);
  const surface = config.lineage.mutableSurface;
  const rawDir = join(ws.paths.root, 'authoring', `generation-${ctx.generation}`, 'raw-material');
  const raw = await buildRawMaterial(db, rawDir, {
    experiments: [...new Set([ctx.parent.id, champion.id])],
    experimentsDir: ws.paths.experiments,
  });
  log(
    `authoring: ${champion.id} (${genome.model}) writes ${ctx.k} code child(ren) of ${ctx.parent.id}; raw material: ${raw.runs} runs, ${raw.children} earlier children`,
  );
  const budgets = await authoringBudgets(ws, champion.id, ctx.generation);
  const overBudget = () => budgets.map((b) => b.exceeded()).find((r) => r !== undefined);
  const out: CodeAuthored = { children: [], accepted: [], notRun: [], note: '', budgetStop: null };
  const siblings: string[] = [];
  const at = code ? `${champion.id} at ${code.commit.slice(0, 12)}` : `${champion.id} (installed code)`;

  for (let i = 0; i < ctx.k; i++) {
    const over = overBudget();
    if (over) {
      log(`authoring: stopped before child ${i + 1} of ${ctx.k}: ${over}`);
      out.budgetStop = over;
      break;
    }
    const statement = await buildAuthorStatement(db, {
      parentId: ctx.parent.id,
      championId: champion.id,
      surface,
      siblings,
      index: i + 1,
      of: ctx.k,
    });
    const row = await insertCodeVariant(db, {
      parent: ctx.parent,
      parentBranch,
      origin: `authored by champion ${champion.id}`,
      hypothesis: `(being written by ${champion.id})`,
      authoredBy: champion.id,
      authorship: {
        kind: 'agent',
        experiment: champion.id,
        role: 'champion',
        commit: agentCodeKey(code),
        model: genome.model,
        writes: 'code',
      },
      proposer: `author:${champion.id}`,
      generation: ctx.generation,
      patch: '',
    });
    const id = row.id;
    out.children.push(id);
    const folder = join(ws.paths.experiments, id);
    writeFileAtomic(join(folder, 'author-statement.md'), statement);
    const trajectory = join(folder, 'author-trajectory.jsonl');
    log(`${id}: ${at} authors a change to ${ctx.parent.id} (branch ${parentBranch})`);

    let run;
    let spend: ModelSpend | undefined;
    try {
      run = await runAuthor({
        ws,
        repo,
        branch: parentBranch,
        genome,
        ...(code ? { code } : {}),
        statement,
        rawDir,
        taskId: `author-${id}`,
        sandbox: o.sandbox ?? config.defaults.sandbox,
        ...(o.provider ? { provider: o.provider } : {}),
        trajectoryPath: trajectory,
        budgets,
        ...(o.modelOptions ? { modelOptions: o.modelOptions } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      spend = run.spend;
    } catch (error) {
      spend = (error as { spend?: ModelSpend }).spend;
      const reason = `the authoring run failed: ${(error as Error).message}`;
      await failVariant(db, id, ctx.generation, 'author', reason);
      out.notRun.push({ id, status: 'failed', reason });
    } finally {
      if (spend)
        await recordModelSpend(db, {
          purpose: 'author',
          label: `author ${id}`,
          model: genome.model,
          spend,
          generation: ctx.generation,
          experiment: champion.id,
        });
    }
    if (run)
      await settle(ws, { id, run, champion: champion.id, parentBranch, surface, trajectory, ctx, o, out, overBudget });
    const done = await getExperiment(db, id);
    siblings.push(`${id}: ${done.change_summary} (${done.status}); hypothesis: ${done.hypothesis}`);
    await writeExperimentFolder(db, ws.paths.experiments, id);
    // An author whose model or machinery fails would fail the same way for every child: stop here.
    if (!run || run.exitReason === 'model_error') {
      out.note = `authoring stopped after ${id}: ${run ? 'the model failed' : 'the authoring run failed'}`;
      break;
    }
  }
  const failed = out.notRun.map((n) => `${n.id} ${n.status}: ${n.reason}`);
  out.note = [
    `self-authoring: ${champion.id} (${genome.model}) wrote ${out.children.length} code child(ren) of ${ctx.parent.id}; ${out.accepted.length} passed the gates${out.accepted.length ? ` (${out.accepted.join(', ')})` : ''}`,
    ...(failed.length ? [failed.join('; ')] : []),
    ...(out.note ? [out.note] : []),
    ...(out.budgetStop ? [`authoring budget: ${out.budgetStop}`] : []),
  ].join('; ');
  return out;
}

interface Settle {
  id: string;
  run: Awaited<ReturnType<typeof runAuthor>>;
  champion: string;
  parentBranch: string;
  surface: string[];
  trajectory: string;
  ctx: CodeAuthorContext;
  o: CodeAuthorOptions;
  out: CodeAuthored;
  overBudget: () => string | undefined;
}

/** The authoring run's diff: recorded, flagged, gated; the child gets its branch or is rejected/failed with a reason. */
async function settle(ws: Workspace, s: Settle): Promise<void> {
  const { id, run, ctx, out } = s;
  const over = s.overBudget();
  if (over) out.budgetStop = over;
  const files = changedFiles(run.diff);
  const settled = await settleVariant(ws, {
    id,
    diff: run.diff,
    writer: 'authoring run',
    exitReason: run.exitReason,
    steps: run.steps,
    trajectory: s.trajectory,
    hypothesis:
      run.hypothesis ||
      `A change to the agent's source written by ${s.champion} (it stated no hypothesis): ${files.join(', ') || 'no files'}.`,
    ...(run.exitReason !== 'submitted' || (over && !run.diff)
      ? {
          failure: over
            ? `the author ran out of budget (${over}) before submitting`
            : `the author did not submit (${run.exitReason})`,
        }
      : {}),
    failRule: 'author',
    generation: ctx.generation,
    gate: {
      repo: await ensureAgentRepo(ws.paths.root),
      parentBranch: s.parentBranch,
      surface: s.surface,
      message: `${id}: authored by ${s.champion}`,
      ...(s.o.tests ? { tests: s.o.tests } : {}),
    },
    ...(s.o.log ? { log: s.o.log } : {}),
  });
  if (settled.outcome === 'failed') out.notRun.push({ id, status: 'failed', reason: settled.reason });
  else if (settled.outcome === 'rejected')
    out.notRun.push({ id, status: 'rejected', reason: `${settled.gate.stage} gate: ${settled.gate.reason}` });
  else out.accepted.push(id);
}

/**
 * Code children of `generation` whose authoring never finished (a kill between the row and its gate): no branch, so
 * nothing to run with their code. Marked failed, so a resumed generation never evaluates them with the parent's code.
 */
export async function failUnfinishedAuthoring(db: Db, ids: string[], generation: number): Promise<string[]> {
  const stale: string[] = [];
  for (const id of ids) {
    const e = await getExperiment(db, id);
    if (e.status === 'proposed' && e.branch === null && (JSON.parse(e.change) as { kind?: string }).kind === 'code') {
      await failVariant(db, id, generation, 'author', 'its authoring was interrupted before the gates');
      stale.push(id);
    }
  }
  return stale;
}
