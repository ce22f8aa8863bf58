import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunJob } from '../evaluator/job.js';
import { taskContentId } from '../tasks/content-id.js';
import { Task } from '../tasks/schema.js';
import type { PairedComparison } from '../evaluator/stats/index.js';
import type { RunResult } from '../evaluator/store.js';
import { genomeHash } from '../agent/genome.js';
import { isDeterministicModel } from '../agent/models/registry.js';
import { declaredDeterministic } from './deterministic.js';
import { insertChild, parseGenome } from './experiments.js';
import { childLevel, type EvidenceInput, needsMoreEvidence, roundsRun, staysOpen } from './more-evidence.js';
import { openChildren } from './pooled-evidence.js';
import { nextGeneration } from './next-generation.js';
import { type Candidate, decide, type RuleName } from './promote.js';
import { repairWorkspace, TASK_IDS } from './self-repair/testing.js';
import type { Workspace } from './workspace.js';
import { getExperiment } from './db/repos/experiments.js';

// Adaptive evidence: the pure decision (more evidence or not, for whom, how many repeats), then through the real
// nextGeneration on a real workspace with a scripted evaluator.

const vs = (diff: number, lo: number, hi: number, n = 20): PairedComparison => ({
  tasks: [],
  n,
  meanA: 0.5,
  meanB: 0.5 + diff,
  diff,
  lo,
  hi,
  confidence: 0.95,
  iterations: 2000,
  seed: 1,
  // The test's p follows the interval here: clear of zero -> 0.001, else 0.5.
  test: {
    test: 'permutation',
    description: 'a test',
    statistic: 0,
    wins: 0,
    losses: 0,
    ties: n,
    n,
    margin: 0,
    p: lo > 0 ? 0.001 : 0.5,
    pWorse: hi < 0 ? 0.001 : 0.5,
    exact: true,
  },
});
const cand = (id: string, diff: number, lo: number, hi: number, extra: Partial<Candidate> = {}): Candidate => ({
  id,
  vs: vs(diff, lo, hi),
  ...extra,
});
function input(
  candidates: Candidate[],
  repeats: Record<string, number>,
  o: { rule?: RuleName; maxRounds?: number; baseRepeats?: number; margin?: number } = {},
): EvidenceInput {
  const margin = o.margin ?? 0;
  // The hand-made tests sit at the margin the rule asks (decide refuses a comparison tested at another).
  candidates = candidates.map((c) => ({ ...c, vs: { ...c.vs, test: { ...c.vs.test, margin } } }));
  return {
    verdict: decide(o.rule ?? 'paired-significant', candidates, margin),
    candidates,
    repeats: new Map(Object.entries(repeats)),
    margin,
    baseRepeats: o.baseRepeats ?? 1,
    maxRounds: o.maxRounds ?? 2,
  };
}

describe('needsMoreEvidence', () => {
  const looksBetter = cand('a', 0.15, -0.05, 0.35);
  const worse = cand('b', -0.05, -0.25, 0.15);

  it('asks for the champion and the inconclusive best child at double the repeats, round by round', () => {
    expect(needsMoreEvidence(input([worse, looksBetter], { a: 1, b: 1 }))).toEqual({
      more: true,
      child: 'a',
      round: 1,
      repeats: 2,
      reason: expect.stringMatching(
        /^a looks better \(\+15\.0 points \[-5\.0, \+35\.0\]\) but the interval includes the margin .*round 1 of 2 runs it and the champion to 2 repeats per task/,
      ),
    });
    expect(needsMoreEvidence(input([worse, looksBetter], { a: 2, b: 1 }))).toMatchObject({
      more: true,
      child: 'a',
      round: 2,
      repeats: 4,
    });
    expect(needsMoreEvidence(input([looksBetter], { a: 3 }, { baseRepeats: 3 }))).toMatchObject({
      more: true,
      round: 1,
      repeats: 6,
    });
  });

  it('stops when the rounds are exhausted, and says how many ran', () => {
    expect(needsMoreEvidence(input([worse, looksBetter], { a: 4, b: 1 }))).toEqual({
      more: false,
      roundsRun: 2,
      child: 'a',
      reason: 'a is still inconclusive (+15.0 points [-5.0, +35.0]) after 2 extra rounds (lineage.evidenceRounds 2)',
    });
    expect(needsMoreEvidence(input([looksBetter], { a: 1 }, { maxRounds: 0 }))).toMatchObject({
      more: false,
      roundsRun: 0,
      child: null,
      reason: expect.stringMatching(/lineage\.evidenceRounds is 0/),
    });
  });

  it('asks for nothing when the rule decided, nothing looks better, repeats cannot help, or the lead moved', () => {
    expect(needsMoreEvidence(input([cand('a', 0.2, 0.05, 0.35)], { a: 1 }))).toMatchObject({
      more: false,
      reason: 'the rule decided: a passes',
    });
    expect(needsMoreEvidence(input([worse, cand('c', 0, -0.2, 0.2)], { b: 1, c: 1 }))).toMatchObject({
      more: false,
      reason: expect.stringMatching(/does not look better/),
    });
    // Better by less than the margin: not worth more runs under a rule that asks for the margin.
    expect(needsMoreEvidence(input([looksBetter], { a: 1 }, { margin: 0.2 }))).toMatchObject({
      more: false,
      reason: expect.stringMatching(/does not look better/),
    });
    // Futility: +2 points inside a +-30 interval cannot clear zero at 4 repeats even if the difference held.
    expect(needsMoreEvidence(input([cand('a', 0.02, -0.28, 0.32)], { a: 1 }))).toMatchObject({
      more: false,
      reason: expect.stringMatching(/even 4 repeats would not clear the margin/),
    });
    // Pareto refuses a clearly better child that costs more: more repeats would not change that.
    const dearer = cand('a', 0.2, 0.05, 0.35, { costPerTask: 2, champion: { costPerTask: 1 } });
    expect(needsMoreEvidence(input([dearer], { a: 1 }, { rule: 'pareto' }))).toMatchObject({
      more: false,
      reason: expect.stringMatching(/failed the rule on something other than noise/),
    });
    // Extra rounds on a moved the lead to b: one child a generation gets them.
    expect(
      needsMoreEvidence(input([cand('a', 0.05, -0.15, 0.25), cand('b', 0.15, -0.02, 0.3)], { a: 2, b: 1 })),
    ).toMatchObject({
      more: false,
      roundsRun: 1,
      child: 'a',
      reason: expect.stringMatching(/extra evidence on a moved the lead to b/),
    });
  });

  it('counts rounds from the repeats alone, so a resumed generation continues where it stopped', () => {
    expect([1, 2, 3, 4, 7, 8].map((r) => roundsRun(r, 1))).toEqual([0, 1, 1, 2, 2, 3]);
    expect([3, 5, 6, 12].map((r) => roundsRun(r, 3))).toEqual([0, 0, 1, 2]);
  });
});

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

/** Ten train tasks: the fixture's two and eight more like them. */
const TASKS = [...TASK_IDS, ...Array.from({ length: 8 }, (_, i) => `mini__slug-${i + 3}`)];
async function tenTasks(o: { pooled?: boolean } = {}): Promise<Workspace> {
  const w = await repairWorkspace();
  // The within-generation tests decide each child in its own generation (no re-offers, the ladder is the rounds).
  if (!o.pooled) w.config.lineage.reoffer = 0;
  const spec = await w.db.selectFrom('tasks').select('spec').where('id', '=', TASK_IDS[0]!).executeTakeFirstOrThrow();
  for (const id of TASKS.slice(2))
    await w.db
      .insertInto('tasks')
      .values({
        id,
        suite_id: 'mini',
        content_id: taskContentId(Task.parse({ ...JSON.parse(spec.spec), id })),
        kind: 'swebench',
        difficulty: 'easy',
        tags: '["multi-file"]',
        split: 'train',
        spec: JSON.stringify({ ...JSON.parse(spec.spec), id }),
      })
      .execute();
  return w;
}

/** exp-01 never resolves; its child resolves the first `always` tasks in every repeat, and the next `later` tasks from
 * repeat 1 on (so its repeats differ: the model is not deterministic). */
function scripted(dir: string, always: number, later: number, calls: string[]) {
  return {
    runOne: async (job: RunJob): Promise<RunResult> => {
      calls.push(`${job.experimentId} ${job.task.id} r${job.repeat}`);
      const patchPath = join(dir, `${job.experimentId}-${job.task.id}-${job.repeat}.diff`);
      writeFileSync(patchPath, 'diff\n');
      const i = TASKS.indexOf(job.task.id);
      const resolved = job.experimentId !== 'exp-01' && (i < always || (i < always + later && job.repeat >= 1));
      return {
        outcome: resolved ? 'resolved' : 'unresolved',
        exitReason: 'submitted',
        durationMs: 10,
        costUsd: 0,
        patchPath,
      };
    },
  };
}
const generationConfig = async (w: Workspace) =>
  JSON.parse((await w.db.selectFrom('generations').select('config').executeTakeFirstOrThrow()).config);
const runsOf = async (w: Workspace, id: string) =>
  (
    await w.db
      .selectFrom('runs')
      .select(['task_id', 'repeat'])
      .where('experiment_id', '=', id)
      .where('status', '=', 'done')
      .orderBy('task_id')
      .orderBy('repeat')
      .execute()
  ).map((r) => `${r.task_id} r${r.repeat}`);
const sorted = (xs: string[]) => [...xs].sort();

describe('staysOpen', () => {
  const o = { margin: 0, maxLooks: 8, baseRepeats: 1 };
  it('looked-better closes a child at a difference of 0 or below; not-refuted keeps it for its next look', () => {
    const c = { diff: 0, n: 20, repeats: 1, family: 3 };
    expect(staysOpen(c, { ...o, keepOpen: 'looked-better' })).toBe(false);
    expect(staysOpen({ ...c, diff: 0.05 }, { ...o, keepOpen: 'looked-better' })).toBe(true);
    expect(staysOpen(c, { ...o, keepOpen: 'not-refuted' })).toBe(true);
    expect(staysOpen({ ...c, diff: -0.1 }, { ...o, keepOpen: 'not-refuted' })).toBe(true);
  });
  it('either way closes a child at the last look of its ladder, or on too few tasks to ever reach its last level', () => {
    for (const keepOpen of ['looked-better', 'not-refuted'] as const) {
      expect(staysOpen({ diff: 0.05, n: 20, repeats: 128, family: 3 }, { ...o, keepOpen })).toBe(true);
      expect(staysOpen({ diff: 0.05, n: 20, repeats: 256, family: 3 }, { ...o, keepOpen })).toBe(false);
      // 2^-8 = 0.0039 is above the last look's level for one of three children (0.0032): no look can decide it.
      expect(childLevel(8, 8, 3)).toBeLessThan(2 ** -8);
      expect(staysOpen({ diff: 0.05, n: 8, repeats: 1, family: 3 }, { ...o, keepOpen })).toBe(false);
      expect(staysOpen({ diff: 0.05, n: 9, repeats: 1, family: 3 }, { ...o, keepOpen })).toBe(true);
    }
  });
});

describe('nextGeneration with adaptive evidence', () => {
  it('runs the champion and the inconclusive child for two extra rounds, never repeating a finished run, and records it', async () => {
    ws = await tenTasks();
    ws.config.lineage.evidenceRounds = 2;
    const calls: string[] = [];
    const lines: string[] = [];
    // The child resolves one task always and a second from repeat 1 on: +10 then +15 points, never significant.
    const r = await nextGeneration(ws, {
      children: 1,
      confirm: false,
      seed: 3,
      log: (l) => lines.push(l),
      eval: { suite: 'mini', wiring: scripted(ws.paths.runs, 1, 1, calls) },
    });
    expect(r.promoted).toBeNull();
    expect(r.evidence).toMatchObject({
      rounds: 2,
      child: 'exp-01-a',
      repeats: 4,
      stopped: expect.stringMatching(/still inconclusive .* after 2 extra rounds/),
    });
    expect(r.evidence.why).toEqual([
      expect.stringMatching(/round 1 of 2 .* to 2 repeats/),
      expect.stringMatching(/round 2 of 2 .* to 4 repeats/),
    ]);
    // The level is spent over the three looks and adds up to 2.5%.
    expect(r.evidence.alphaByLook).toHaveLength(3);
    expect(r.evidence.alphaByLook.reduce((s, x) => s + x, 0)).toBeCloseTo(0.025, 12);
    expect(lines.filter((l) => l.startsWith('more evidence:'))).toHaveLength(2);
    expect(r.reason).toMatch(/after 2 extra evidence rounds: exp-01-a and the champion at 4 repeats per task/);
    expect(r.reason).toMatch(/permutation test .* one-sided p = 0\.25/);
    // The champion's repeat 0 was already done on the fixture's two tasks, so only the rest ran for it.
    expect(sorted(calls.filter((c) => c.startsWith('exp-01 ')))).toEqual(
      sorted(TASKS.flatMap((t, i) => [0, 1, 2, 3].filter((k) => i >= 2 || k > 0).map((k) => `exp-01 ${t} r${k}`))),
    );
    for (const id of ['exp-01', 'exp-01-a'])
      expect(await runsOf(ws, id)).toEqual(sorted(TASKS).flatMap((t) => [0, 1, 2, 3].map((k) => `${t} r${k}`)));
    expect((await generationConfig(ws)).evidence).toEqual(r.evidence);
    const decision = await ws.db
      .selectFrom('decisions')
      .select(['action', 'details'])
      .where('experiment_id', '=', 'exp-01-a')
      .executeTakeFirstOrThrow();
    expect(decision.action).toBe('keep');
    const details = JSON.parse(decision.details);
    expect(details.evidence).toEqual(r.evidence);
    expect(details.decisionTest).toMatchObject({ test: 'permutation', family: 1 });
    expect(details.decisionTest.p).toBeCloseTo(0.25, 12);
  });

  it('stops the rounds once the repeats show the model is deterministic', async () => {
    ws = await tenTasks();
    const r = await nextGeneration(ws, {
      children: 1,
      confirm: false,
      seed: 3,
      eval: { suite: 'mini', wiring: scripted(ws.paths.runs, 3, 0, []) },
    });
    expect(r.promoted).toBeNull();
    expect(r.evidence.rounds).toBe(1);
    expect(r.evidence.stopped).toMatch(/repeats are identical \(deterministic\): more repeats would change nothing/);
  });

  it("promotes a child the extra evidence shows better at that round's spend; with lineage.evidenceRounds 0 the whole level goes to one look", async () => {
    ws = await tenTasks();
    ws.config.lineage.evidenceRounds = 2;
    // 6 of 10 tasks always, 2 more from repeat 1: 6-0 (p = 1/64) misses the first look's 0.89% (of 2 rounds); at 2
    // repeats 8 tasks are better (p = 1/256) and pass round 1's 0.66%.
    const r = await nextGeneration(ws, {
      children: 1,
      confirm: false,
      seed: 3,
      eval: { suite: 'mini', wiring: scripted(ws.paths.runs, 6, 2, []) },
    });
    expect([r.promoted, r.evidence.rounds, r.evidence.repeats]).toEqual(['exp-01-a', 1, 2]);
    expect(r.reason).toMatch(
      /one-sided p = 0\.0039, level 0\.0066 \(after 1 extra evidence round: exp-01-a and the champion at 2 repeats per task\)/,
    );
    await ws.close();

    ws = await tenTasks();
    ws.config.lineage.evidenceRounds = 0;
    const calls: string[] = [];
    const off = await nextGeneration(ws, {
      children: 1,
      confirm: false,
      seed: 3,
      eval: { suite: 'mini', wiring: scripted(ws.paths.runs, 6, 2, calls) },
    });
    expect([off.promoted, off.evidence.rounds]).toEqual(['exp-01-a', 0]);
    expect(off.reason).toMatch(
      /exact sign test .* 6 won, 0 lost, H0 difference <= 0\.0%: one-sided p = 0\.016, level 0\.025/,
    );
    expect(sorted(calls.filter((c) => c.startsWith('exp-01-a ')))).toEqual(
      sorted(TASKS.map((t) => `exp-01-a ${t} r0`)),
    );
  });

  it('decides on the runs there are when an extra round does not finish, and says so', async () => {
    ws = await tenTasks();
    const fine = scripted(ws.paths.runs, 1, 1, []);
    const failing = {
      runOne: async (job: RunJob) => {
        if (job.experimentId === 'exp-01-a' && job.repeat > 0) throw new Error('engine gone');
        return fine.runOne(job);
      },
    };
    const r = await nextGeneration(ws, {
      children: 1,
      confirm: false,
      seed: 3,
      eval: { suite: 'mini', wiring: failing },
    });
    expect(r.promoted).toBeNull();
    expect(r.evidence).toMatchObject({
      rounds: 0,
      child: 'exp-01-a',
      repeats: 1,
      unfinishedRound: 1,
      stopped: expect.stringMatching(/^round 1 did not finish \(exp-01-a has 1 of 2 repeats on some task\)/),
    });
    expect(r.reason).toMatch(/; round 1 did not finish/);
  });
});

describe('evidence pooled across generations', () => {
  /** exp-01 resolves the first task on odd repeats only (so its repeats differ: not deterministic); its child resolves
   * the first `always` tasks in every repeat and the next `later` from repeat 1 on. */
  const wiring = (dir: string, always: number, later: number, calls: string[]) => ({
    runOne: async (job: RunJob): Promise<RunResult> => {
      calls.push(`${job.experimentId} ${job.task.id} r${job.repeat}`);
      const patchPath = join(dir, `${job.experimentId}-${job.task.id}-${job.repeat}.diff`);
      writeFileSync(patchPath, 'diff\n');
      const i = TASKS.indexOf(job.task.id);
      const resolved =
        job.experimentId === 'exp-01'
          ? i === 0 && job.repeat % 2 === 1
          : i < always || (i < always + later && job.repeat >= 1);
      return {
        outcome: resolved ? 'resolved' : 'unresolved',
        exitReason: 'submitted',
        durationMs: 10,
        costUsd: 0,
        patchPath,
      };
    },
  });

  it('re-offers an inconclusive child that looked better one look higher, keeps its runs, and promotes it at its own level', async () => {
    ws = await tenTasks({ pooled: true });
    Object.assign(ws.config.lineage, { evidenceRounds: 0, maxLooks: 3 });
    const calls: string[] = [];
    const lines: string[] = [];
    const opts = {
      children: 1,
      confirm: false,
      seed: 3,
      log: (l: string) => lines.push(l),
      eval: { suite: 'mini', wiring: wiring(ws.paths.runs, 6, 2, calls) },
    };
    // Generation 1: 6 won, 0 lost (p = 1/64) misses look 0's level (its whole share 2.5%, spent over 4 looks).
    const first = await nextGeneration(ws, opts);
    expect(first.promoted).toBeNull();
    expect(first.reason).toMatch(/one-sided p = 0\.016, level 0\.0049/);
    // Generation 2: the same experiment comes back at 2 repeats; 8 tasks now better (p = 1/256) pass look 1's level.
    const second = await nextGeneration(ws, opts);
    expect(lines).toContain('re-offering exp-01-a (inconclusive, not refuted) at 2 repeats per task');
    expect(second.rows.map((r) => r.id)).toEqual(['exp-01-a']);
    expect(second.promoted).toBe('exp-01-a');
    expect(second.reason).toMatch(/one-sided p = 0\.0039, level 0\.0041 \(its share of its generation's 0\.025/);
    // Its first repeat ran once, in generation 1: pooled, not re-run.
    expect(sorted(calls.filter((c) => c.startsWith('exp-01-a ')))).toEqual(
      sorted(TASKS.flatMap((t) => [`exp-01-a ${t} r0`, `exp-01-a ${t} r1`])),
    );
    const decisions = await ws.db
      .selectFrom('decisions')
      .select(['action', 'generation_id', 'details'])
      .where('experiment_id', '=', 'exp-01-a')
      .orderBy('id')
      .execute();
    expect(decisions.map((d) => [d.action, d.generation_id])).toEqual([
      ['keep', 1],
      ['promote', 2],
    ]);
    expect(JSON.parse(decisions[1]!.details)).toMatchObject({ repeats: 2, family: 1 });
    expect((await generationConfig(ws)).reoffered ?? null).toBeNull();
  });

  it('keepOpen looked-better: does not re-offer a child that did not look better', async () => {
    ws = await tenTasks({ pooled: true });
    Object.assign(ws.config.lineage, { evidenceRounds: 0, maxLooks: 3, keepOpen: 'looked-better' });
    const lines: string[] = [];
    // The child resolves nothing: it looks worse than exp-01 (which resolves a task on odd repeats) or equal.
    const opts = {
      children: 1,
      confirm: false,
      seed: 3,
      log: (l: string) => lines.push(l),
      eval: { suite: 'mini', wiring: wiring(ws.paths.runs, 0, 0, []) },
    };
    await nextGeneration(ws, opts);
    const second = await nextGeneration(ws, opts);
    expect(lines.some((l) => l.startsWith('re-offering'))).toBe(false);
    expect(second.rows.map((r) => r.id)).toEqual(['exp-01-b']);
  });

  it('keepOpen not-refuted: re-offers a child that read no better but was not refuted, one look higher, until refuted', async () => {
    ws = await tenTasks({ pooled: true });
    Object.assign(ws.config.lineage, { evidenceRounds: 0, maxLooks: 3, keepOpen: 'not-refuted' });
    const lines: string[] = [];
    // The child resolves nothing; exp-01 resolves the first task on odd repeats: 0 difference at one repeat.
    const opts = {
      children: 1,
      confirm: false,
      seed: 3,
      log: (l: string) => lines.push(l),
      eval: { suite: 'mini', wiring: wiring(ws.paths.runs, 0, 0, []) },
    };
    const first = await nextGeneration(ws, opts);
    expect(first.rows[0]).toMatchObject({ id: 'exp-01-a', delta: 0, decision: 'not promoted' });
    const second = await nextGeneration(ws, opts);
    expect(lines).toContain('re-offering exp-01-a (inconclusive, not refuted) at 2 repeats per task');
    expect(second.rows.map((r) => r.id)).toEqual(['exp-01-a']);
    expect(second.rows[0]!.delta).toBeLessThan(0);
    // Still not refuted (one task, p worse = 0.5): open for its next look; a refuted child never is.
    expect(
      await openChildren(ws.db, 'exp-01', { maxLooks: 3, baseRepeats: 1, margin: 0, keepOpen: 'not-refuted' }),
    ).toEqual([{ id: 'exp-01-a', p: 1, repeats: 2 }]);
    await ws.db.updateTable('decisions').set({ action: 'retire' }).where('experiment_id', '=', 'exp-01-a').execute();
    expect(
      await openChildren(ws.db, 'exp-01', { maxLooks: 3, baseRepeats: 1, margin: 0, keepOpen: 'not-refuted' }),
    ).toEqual([]);
  });
});

describe('a deterministic actor, declared by its model', () => {
  /** The workspace's root runs `model` instead of the fixture's scripted stand-in (its fixture runs keep their key). */
  async function rootModel(w: Workspace, model: string): Promise<void> {
    const genome = { ...parseGenome(await getExperiment(w.db, 'exp-01')), model };
    const hash = genomeHash(genome);
    await w.db
      .updateTable('experiments')
      .set({ genome: JSON.stringify(genome), genome_hash: hash })
      .where('id', '=', 'exp-01')
      .execute();
    await w.db.updateTable('runs').set({ genome_hash: hash }).where('experiment_id', '=', 'exp-01').execute();
  }

  it('gives each child its whole share at one look: 6 won, 0 lost of 10 (p = 1/64) promotes under the offline model and not under a sampling one', async () => {
    // The defaults: four evidence rounds, pooled evidence over 8 looks in all. A sampling model's first look has 0.066% of
    // a one-child generation's 2.5%; the offline model declares itself deterministic, so its one look has all of it.
    for (const [model, promoted] of [
      ['offline', 'exp-01-a'],
      ['openai/gpt-4o-mini', null],
    ] as const) {
      ws = await tenTasks({ pooled: true });
      await rootModel(ws, model);
      const calls: string[] = [];
      const lines: string[] = [];
      const r = await nextGeneration(ws, {
        children: 1,
        confirm: false,
        seed: 3,
        log: (l) => lines.push(l),
        // The child resolves 6 tasks in every repeat; a sampling model's extra rounds add nothing to 6-0.
        eval: { suite: 'mini', wiring: scripted(ws.paths.runs, 6, 0, calls) },
      });
      expect(r.promoted).toBe(promoted);
      const decision = JSON.parse(
        (
          await ws.db
            .selectFrom('decisions')
            .select('details')
            .where('experiment_id', '=', 'exp-01-a')
            .executeTakeFirstOrThrow()
        ).details,
      );
      if (model === 'offline') {
        expect(r.reason).toMatch(/6 won, 0 lost, H0 difference <= 0\.0%: one-sided p = 0\.016, level 0\.025 /);
        expect(r.evidence.rounds).toBe(0);
        expect(r.evidence.stopped).toMatch(/declares itself deterministic\): one look at the whole level/);
        expect(lines).toContain(
          'the champion and every child run a model that declares itself deterministic: treating the model as deterministic (one look at the whole level)',
        );
        // One repeat each: no round, no re-offer.
        expect(calls.filter((c) => c.startsWith('exp-01-a '))).toHaveLength(10);
        expect(decision).toMatchObject({ ladder: 0, family: 1, decisionTest: { alpha: 0.025 } });
      } else {
        // It looks again (a round, until its repeats show them identical), each look at a slice of the level.
        expect(r.evidence.rounds).toBeGreaterThan(0);
        expect(decision.ladder).toBe(ws.config.lineage.maxLooks);
        expect(decision.decisionTest.alpha).toBeLessThan(0.025 / 10);
      }
      await ws.close();
      ws = undefined;
    }
  });

  it('is deterministic only when the champion and every child declare it: a child on a sampling model is not', async () => {
    ws = await tenTasks();
    await rootModel(ws, 'offline');
    expect(await declaredDeterministic(ws.db, ['exp-01'])).toBe(true);
    expect(isDeterministicModel('offline?candidates=3')).toBe(true);
    for (const m of ['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4', 'scripted', 'nonsense'])
      expect(isDeterministicModel(m)).toBe(false);
    const root = await getExperiment(ws.db, 'exp-01');
    const { id: child } = await insertChild(ws.db, {
      parent: root,
      genome: { ...parseGenome(root), model: 'openai/gpt-4o-mini' },
      hypothesis: 'a sampling model',
      proposer: 'test',
      generation: 1,
    });
    expect(await declaredDeterministic(ws.db, ['exp-01', child])).toBe(false);
    expect(await declaredDeterministic(ws.db, [])).toBe(false);
  });

  it('is never re-offered: a child decided at its one look has no later look to spend', async () => {
    ws = await tenTasks({ pooled: true });
    await rootModel(ws, 'offline');
    const opts = {
      children: 1,
      confirm: false,
      seed: 3,
      eval: { suite: 'mini', wiring: scripted(ws.paths.runs, 2, 0, []) },
    };
    // 2 won, 0 lost looks better and is inconclusive; a sampling model's child would come back one look higher.
    const first = await nextGeneration(ws, opts);
    expect(first.promoted).toBeNull();
    expect(
      await openChildren(ws.db, 'exp-01', { maxLooks: 6, baseRepeats: 1, margin: 0, keepOpen: 'not-refuted' }),
    ).toEqual([]);
  });
});
