// vitest project: postgres too
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { genomeHash, Genome } from '../agent/genome.js';
import type { RunJob } from '../evaluator/job.js';
import type { RunResult } from '../evaluator/store.js';
import { taskContentId } from '../tasks/content-id.js';
import { Task } from '../tasks/schema.js';
import { now } from './db/open.js';
import { evaluateExperiment, runAgentOnce } from './evaluate-experiment.js';
import { exportExperiments } from './export-experiments.js';
import { initWorkspace, openWorkspace, type Workspace } from './workspace.js';

// The lineage glue on a real workspace: experiments and tasks from the database, scores written back, exports.

const genome = Genome.parse(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'experiments', 'exp-01', 'genome.json'), 'utf8')),
);
const ids = ['s__a-1', 's__b-1', 's__c-1', 's__d-1'];
const task = (id: string) =>
  Task.parse({
    id,
    suite: 'mini',
    kind: 'swebench',
    statement: 's',
    environment: { image: 'x' },
    workspace: { kind: 'image' },
    grader: { kind: 'swebench', testPatch: '', testCommand: 'true', failToPass: [], passToPass: [] },
  });

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

async function workspace(): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-ws-'));
  await initWorkspace(dir);
  ws = await openWorkspace(dir);
  await ws.db
    .insertInto('suites')
    .values({ id: 'mini', kind: 'swebench', source: 'test', meta: '{}', created_at: now() })
    .execute();
  for (const id of ids)
    await ws.db
      .insertInto('tasks')
      .values({
        id,
        suite_id: 'mini',
        content_id: taskContentId(task(id)),
        kind: 'swebench',
        difficulty: 'easy',
        tags: '[]',
        split: 'train',
        spec: JSON.stringify(task(id)),
      })
      .execute();
  for (const [id, parent] of [
    ['exp-01', null],
    ['exp-02', 'exp-01'],
  ] as const) {
    await ws.db
      .insertInto('experiments')
      .values({
        id,
        parent_id: parent,
        generation: parent ? 1 : 0,
        genome: JSON.stringify(genome),
        genome_hash: genomeHash(genome),
        change: parent ? '{"kind":"policy","slots":["memory"]}' : '{"kind":"root"}',
        change_summary: parent ? 'memory: full -> window' : 'baseline',
        hypothesis: 'h',
        status: 'proposed',
        proposer: null,
        authored_by: null,
        branch: null,
        seed: null,
        verdict: null,
        learned: null,
        score: null,
        score_lo: null,
        score_hi: null,
        cost_usd: null,
        flags: '[]',
        created_at: now(),
        finished_at: null,
      })
      .execute();
  }
  return ws;
}

/** Resolves the tasks in `wins`; writes a patch per run like the real runner. */
function wiring(dir: string, wins: Set<string>) {
  const jobs: RunJob[] = [];
  return {
    jobs,
    runOne: async (job: RunJob): Promise<RunResult> => {
      jobs.push(job);
      const patchPath = join(dir, `${job.experimentId}-${job.task.id}-${job.repeat}.diff`);
      writeFileSync(patchPath, `diff for ${job.task.id}\n`);
      return {
        outcome: wins.has(job.task.id) ? 'resolved' : 'unresolved',
        exitReason: 'submitted',
        durationMs: 1000,
        costUsd: 0.25,
        inputTokens: 100,
        outputTokens: 10,
        patchPath,
      };
    },
  };
}

describe('evaluateExperiment', () => {
  it('runs every task under the settings given (agent user, timeouts) and records them on the evaluation', async () => {
    const w = await workspace();
    const fake = wiring(w.paths.runs, new Set());
    const settings = { agentUser: 'agent', agentTimeoutSec: 42, testTimeoutSec: 7 };
    await evaluateExperiment(w, { experimentId: 'exp-01', suite: 'mini', solver: 'oracle', wiring: fake, settings });
    expect(fake.jobs.map((j) => [j.task.environment.agentUser, j.task.limits])).toEqual(
      ids.map(() => ['agent', { agentTimeoutSec: 42, testTimeoutSec: 7 }]),
    );
    const row = await w.db.selectFrom('evaluations').select('config').executeTakeFirstOrThrow();
    expect(JSON.parse(row.config as string)).toMatchObject({ settings });
  });

  it('exports the champion as champion, train and held-out apart, predictions for SWE-bench tasks only, a manifest', async () => {
    const w = await workspace();
    const fake = wiring(w.paths.runs, new Set(['s__a-1', 's__b-1', 's__c-1']));
    await evaluateExperiment(w, { experimentId: 'exp-01', suite: 'mini', wiring: fake });
    await w.db.insertInto('champions').values({ experiment_id: 'exp-01', decision_id: null, since: now() }).execute();
    // After the runs: d is a held-out task, c a Terminal-Bench one.
    await w.db.updateTable('tasks').set({ split: 'heldout' }).where('id', '=', 's__d-1').execute();
    await w.db.updateTable('tasks').set({ kind: 'terminal-bench' }).where('id', '=', 's__c-1').execute();
    const out = join(w.paths.root, 'export');
    await exportExperiments(w, { outDir: out });
    const [root] = readFileSync(join(out, 'experiments.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(root).toMatchObject({
      id: 'exp-01',
      status: 'champion',
      metrics: { resolve_rate: 1, tasks: 3, runs: 3 },
      heldout: { resolve_rate: 0, tasks: 1, runs: 1 },
    });
    const preds = readFileSync(join(out, 'predictions', 'exp-01.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).instance_id);
    expect(preds).toEqual(['s__a-1', 's__b-1', 's__d-1']);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.evolve.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(manifest).toMatchObject({ workspace: w.paths.root, experiments: 2, config: w.config });
  });

  it('evaluates the genome on the suite, writes the score back, and exports every format', async () => {
    const w = await workspace();
    const fake = wiring(w.paths.runs, new Set(['s__a-1', 's__b-1', 's__c-1']));
    const r = await evaluateExperiment(w, { experimentId: 'exp-01', suite: 'mini', concurrency: 2, wiring: fake });
    expect(r.status).toBe('done');
    expect(fake.jobs.map((j) => j.actor.kind)).toEqual(['genome', 'genome', 'genome', 'genome']);
    const exp = await w.db.selectFrom('experiments').selectAll().where('id', '=', 'exp-01').executeTakeFirstOrThrow();
    expect([exp.status, exp.score, exp.cost_usd]).toEqual(['evaluated', 0.75, 1]);
    expect(exp.score_lo).toBeLessThan(0.75);

    const out = join(w.paths.root, 'export');
    await exportExperiments(w, { outDir: out });
    const tsv = readFileSync(join(out, 'results.tsv'), 'utf8').trim().split('\n');
    expect(tsv).toHaveLength(3);
    expect(tsv[1]!.split('\t').slice(0, 2)).toEqual(['exp-01', '0.750000']);
    const preds = readFileSync(join(out, 'predictions', 'exp-01.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(preds[0]).toEqual({
      instance_id: 's__a-1',
      model_name_or_path: 'evolve/exp-01',
      model_patch: 'diff for s__a-1\n',
    });
    const jsonl = readFileSync(join(out, 'experiments.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(jsonl[1]).toMatchObject({ id: 'exp-02', parent: 'exp-01', diff_size: 1, metrics: { resolve_rate: null } });
    const report = JSON.parse(readFileSync(join(out, 'reports', 'exp-01.eval-1.full.json'), 'utf8'));
    expect(report).toMatchObject({
      total_instances: 4,
      resolved_instances: 3,
      resolved_ids: ['s__a-1', 's__b-1', 's__c-1'],
    });
  });

  it('a held-out evaluation leaves the train score alone (selection and proposers read it)', async () => {
    const w = await workspace();
    await w.db.updateTable('tasks').set({ split: 'heldout' }).where('id', '=', 's__d-1').execute();
    await evaluateExperiment(w, {
      experimentId: 'exp-01',
      suite: 'mini',
      wiring: wiring(w.paths.runs, new Set(['s__a-1'])),
    });
    const held = await evaluateExperiment(w, {
      experimentId: 'exp-01',
      suite: 'mini',
      split: 'heldout',
      wiring: wiring(w.paths.runs, new Set(ids)),
    });
    expect(held.summary.resolveRate).toBe(1);
    const exp = await w.db
      .selectFrom('experiments')
      .select(['score', 'cost_usd'])
      .where('id', '=', 'exp-01')
      .executeTakeFirstOrThrow();
    expect(exp).toEqual({ score: 1 / 3, cost_usd: 0.75 });
  });

  it('screens a child on its first tasks against the parent there, and stops it early when it falls short', async () => {
    const w = await workspace();
    await evaluateExperiment(w, { experimentId: 'exp-01', suite: 'mini', wiring: wiring(w.paths.runs, new Set(ids)) });
    const child = wiring(w.paths.runs, new Set(['s__a-1']));
    const r = await evaluateExperiment(w, {
      experimentId: 'exp-02',
      suite: 'mini',
      screen: { tasks: 2, margin: 0.25 },
      wiring: child,
    });
    expect(r.stages[0]!.gate).toMatchObject({ score: 0.5, reference: 1, threshold: 0.75, passed: false });
    expect(r.skippedStages).toEqual(['rest']);
    expect(child.jobs.map((j) => j.task.id)).toEqual(['s__a-1', 's__b-1']);
    const ev = await w.db
      .selectFrom('evaluations')
      .select(['stage', 'config'])
      .where('experiment_id', '=', 'exp-02')
      .execute();
    expect(ev.map((e) => e.stage)).toEqual(['screen']);
    expect(JSON.parse(ev[0]!.config).stages.gate).toEqual({ margin: 0.25 });
  });

  it('solver runs leave the genome out; unknown experiments and empty suites say what to do', async () => {
    const w = await workspace();
    const fake = wiring(w.paths.runs, new Set());
    await evaluateExperiment(w, { experimentId: 'exp-01', suite: 'mini', subset: 2, solver: 'null', wiring: fake });
    expect(fake.jobs.map((j) => [j.task.id, j.actor])).toEqual([
      ['s__a-1', { kind: 'solver', solver: 'null' }],
      ['s__b-1', { kind: 'solver', solver: 'null' }],
    ]);
    expect(
      (await w.db.selectFrom('experiments').select('score').where('id', '=', 'exp-01').executeTakeFirstOrThrow()).score,
    ).toBeNull();
    await expect(evaluateExperiment(w, { experimentId: 'exp-99', wiring: fake })).rejects.toMatchObject({
      hint: expect.stringMatching(/evolve status/),
    });
    await expect(evaluateExperiment(w, { experimentId: 'exp-01', suite: 'nope', wiring: fake })).rejects.toThrow(
      /no suite "nope": .*does not exist/,
    );
  });

  it('--solver oracle then the genome: the genome runs and reports its own score; null after oracle reuses nothing', async () => {
    const w = await workspace();
    // The fake resolves every task for the oracle, none for null, and only s__a-1 for the genome.
    const fake = {
      jobs: [] as RunJob[],
      runOne: async (job: RunJob): Promise<RunResult> => {
        fake.jobs.push(job);
        const resolved = job.actor.kind === 'solver' ? job.actor.solver === 'oracle' : job.task.id === 's__a-1';
        return { outcome: resolved ? 'resolved' : 'unresolved', exitReason: 'submitted', durationMs: 1 };
      },
    };
    const oracle = await evaluateExperiment(w, {
      experimentId: 'exp-01',
      suite: 'mini',
      solver: 'oracle',
      wiring: fake,
    });
    expect([oracle.summary.resolveRate, oracle.actor, oracle.scored]).toEqual([1, 'oracle', false]);
    const none = await evaluateExperiment(w, { experimentId: 'exp-01', suite: 'mini', solver: 'null', wiring: fake });
    expect([none.summary.resolveRate, none.runs.length]).toEqual([0, 4]);
    const own = await evaluateExperiment(w, { experimentId: 'exp-01', suite: 'mini', wiring: fake });
    expect([own.summary.resolveRate, own.actor, own.scored]).toEqual([0.25, 'agent', true]);
    expect(fake.jobs.map((j) => (j.actor.kind === 'solver' ? j.actor.solver : 'genome'))).toEqual([
      ...Array(4).fill('oracle'),
      ...Array(4).fill('null'),
      ...Array(4).fill('genome'),
    ]);
    const exp = await w.db
      .selectFrom('experiments')
      .select(['score', 'status'])
      .where('id', '=', 'exp-01')
      .executeTakeFirstOrThrow();
    expect(exp).toEqual({ score: 0.25, status: 'evaluated' });
    // Evaluating again reuses the genome's own runs only.
    const again = await evaluateExperiment(w, { experimentId: 'exp-01', suite: 'mini', wiring: fake });
    expect([again.summary.resolveRate, fake.jobs.length]).toEqual([0.25, 12]);
  });

  it('--model X runs under its own key and never overwrites the stored score', async () => {
    const w = await workspace();
    await evaluateExperiment(w, {
      experimentId: 'exp-01',
      suite: 'mini',
      wiring: wiring(w.paths.runs, new Set(['s__a-1', 's__b-1'])),
    });
    const fake = wiring(w.paths.runs, new Set());
    const other = await evaluateExperiment(w, {
      experimentId: 'exp-01',
      suite: 'mini',
      model: 'scripted',
      wiring: fake,
    });
    expect([other.summary.resolveRate, other.actor, other.scored, fake.jobs.length]).toEqual([
      0,
      'model:scripted',
      false,
      4,
    ]);
    const exp = await w.db
      .selectFrom('experiments')
      .select(['score', 'cost_usd'])
      .where('id', '=', 'exp-01')
      .executeTakeFirstOrThrow();
    expect(exp).toEqual({ score: 0.5, cost_usd: 1 });
  });

  it('agent run: a genome file or an experiment id, one graded run, no evaluation rows', async () => {
    const w = await workspace();
    const fake = wiring(w.paths.runs, new Set(['s__c-1']));
    const file = join(import.meta.dirname, '..', 'experiments', 'exp-01');
    const r = await runAgentOnce(w, { taskId: 's__c-1', genome: file, model: 'scripted', wiring: fake });
    expect([r.outcome, fake.jobs[0]!.actor.kind === 'genome' && fake.jobs[0]!.actor.genome.model]).toEqual([
      'resolved',
      'scripted',
    ]);
    await runAgentOnce(w, { taskId: 's__c-1', genome: 'exp-02', wiring: fake });
    expect(await w.db.selectFrom('runs').select('id').execute()).toEqual([]);
    await expect(runAgentOnce(w, { taskId: 's__c-1', genome: 'nothing-here', wiring: fake })).rejects.toThrow(
      /neither a file nor an experiment/,
    );
  });
});
