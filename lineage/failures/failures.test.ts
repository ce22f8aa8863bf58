// vitest project: postgres too
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrajectoryEvent } from '../../agent/trajectory.js';
import { type Db, now, openDatabase } from '../db/open.js';
import { readClusters } from '../read.js';
import { failuresByTag, hackingSuspicions, signFailures } from './cluster.js';
import { createHash } from 'node:crypto';
import type { GradeReport } from '../../tasks/outcome.js';
import { clusterChanges } from './follow.js';
import { clusterPointer } from './pointers.js';
import { failuresReport } from './report.js';
import { clusterId, clusterKey, clusterLabel, isLooping, normaliseError, signatureOf } from './signature.js';
import { addFlags } from '../db/repos/experiments.js';

let step = 0;
const tool = (
  name: string,
  args: unknown,
  output: string,
  extra: Partial<Extract<TrajectoryEvent, { type: 'tool_call' }>> = {},
): TrajectoryEvent => ({
  type: 'tool_call',
  ts: 1,
  step: ++step,
  callId: `c${step}`,
  name,
  args,
  status: 'ok',
  exitCode: 0,
  output,
  truncated: false,
  durationMs: 10,
  ...extra,
});

const PYTEST_FAIL = `============================= test session starts ==============================
collected 3 items

tests/test_slug.py F..                                                    [100%]

=================================== FAILURES ===================================
_______________________________ test_unicode __________________________________
    def test_unicode():
>       assert slugify("Crème brûlée") == "creme-brulee"
E       AssertionError: assert 'crme-brle' == 'creme-brulee'
/testbed/textkit/slug.py:41: AssertionError
=========================== short test summary info ============================
FAILED tests/test_slug.py::test_unicode - AssertionError: assert 'crme-brle' == 'creme-brulee'
========================= 1 failed, 2 passed in 0.05s ==========================`;

const report = (
  over: Partial<GradeReport> & { f2p?: [string[], string[]]; p2p?: [string[], string[]] },
): GradeReport => ({
  patch_is_None: false,
  patch_exists: true,
  patch_successfully_applied: true,
  resolved: false,
  tests_status: {
    FAIL_TO_PASS: { success: over.f2p?.[0] ?? [], failure: over.f2p?.[1] ?? ['tests/test_slug.py::test_unicode'] },
    PASS_TO_PASS: { success: over.p2p?.[0] ?? ['tests/test_slug.py::test_ascii'], failure: over.p2p?.[1] ?? [] },
  },
  ...over,
});

describe('failure signatures', () => {
  it('masks paths, numbers, hex and quoted values so the same error groups together', () => {
    const a = normaliseError(PYTEST_FAIL);
    const b = normaliseError(
      PYTEST_FAIL.replace(/crme-brle/g, 'xyz')
        .replace('41', '97')
        .replace('0.05', '1.20'),
    );
    expect(a).toBe(b);
    expect(a).not.toMatch(/\/testbed|41|creme/);
    expect(
      normaliseError("FileNotFoundError: [Errno 2] No such file or directory: '/tmp/abc123/x.cfg' at 0xdeadbeef"),
    ).toBe('FileNotFoundError: [Errno <n>] No such file or directory: <str> at <hex>');
  });

  it('reads an empty patch, a loop, a timeout and malformed calls from the record', () => {
    const events = [
      tool('bash', { command: 'python3 -m pytest -x' }, PYTEST_FAIL, { exitCode: 1 }),
      tool('bash', { command: 'python3 -m pytest -x' }, PYTEST_FAIL, { exitCode: 1 }),
      tool('bash', { command: 'python3 -m pytest -x' }, PYTEST_FAIL, { exitCode: 1 }),
      tool('bash', { command: 'sleep 999' }, 'command timed out after 30 s', { exitCode: 124, timedOut: true }),
      tool('edit_file', { path: 'x' }, 'unknown tool `edit_file`; available: bash, submit', {
        status: 'unknown_tool',
        exitCode: undefined,
      }),
    ];
    const s = signatureOf({
      exitReason: 'step_limit',
      report: { patch_is_None: true, patch_exists: false, resolved: false },
      events,
    });
    expect(s).toMatchObject({
      exitReason: 'step_limit',
      patch: 'empty',
      loop: true,
      toolTimeout: true,
      formatErrors: 1,
      noFix: false,
    });
    expect(s.lastToolError).toMatch(/unknown tool/);
    expect(clusterLabel(s)).toBe(
      'stopped: step limit; no code change, repeated the same command, a command timed out, malformed tool calls',
    );
  });

  it('tells a partial fix from a change that broke passing tests, and flags edited tests', () => {
    const partial = signatureOf({ exitReason: 'submitted', report: report({ f2p: [['a'], ['b']] }), events: [] });
    expect(partial).toMatchObject({ partialFix: true, brokePassing: false, noFix: false });
    const broke = signatureOf({
      exitReason: 'submitted',
      report: report({ f2p: [['a'], []], p2p: [[], ['c']], touched_test_files: ['tests/test_slug.py'] }),
      events: [],
    });
    expect(broke).toMatchObject({ brokePassing: true, touchedTests: true });
    expect(clusterId(partial)).not.toBe(clusterId(broke));
    const notApplied = signatureOf({
      exitReason: 'submitted',
      report: report({ patch_successfully_applied: false }),
      events: [],
    });
    expect(notApplied.patch).toBe('not_applied');
  });

  it('flags attempts to read hidden paths', () => {
    const s = signatureOf({
      exitReason: 'submitted',
      report: report({}),
      events: [
        tool('bash', { command: 'cat /tests/test_outputs.py' }, 'No such file'),
        tool('view', { path: '../gold.patch' }, 'not found'),
      ],
    });
    expect(s.hiddenPathProbes).toEqual(['/tests', 'gold.patch']);
    const clean = signatureOf({
      exitReason: 'submitted',
      report: report({}),
      events: [tool('bash', { command: 'python3 -m pytest tests/' }, 'ok')],
    });
    expect(clean.hiddenPathProbes).toEqual([]);
  });

  it('masks relative paths, test ids and uuids too', () => {
    const a = normaliseError('FAILED tests/test_slug.py::test_unicode[crème] - AssertionError in textkit/slug.py');
    expect(a).toBe('FAILED <path>::<test> - AssertionError in <path>');
    expect(normaliseError('Error: container 3f2b9c1e-8d4a-4b2e-9f6a-1c2d3e4f5a6b not found')).toBe(
      'Error: container <id> not found',
    );
    expect(normaliseError('KeyError in conf.py')).toBe(normaliseError('KeyError in settings.py'));
  });

  it('counts replies with no tool call as format errors and reads context overflow, test timeouts and alternating loops', () => {
    const events: TrajectoryEvent[] = [
      { type: 'error', ts: 1, step: 1, phase: 'format', kind: 'no_tool_call', message: 'Reply with a tool call.' },
      tool('bash', { command: 'cat a.py' }, 'x'),
      tool('bash', { command: 'python3 -m pytest' }, PYTEST_FAIL, { exitCode: 1 }),
      tool('bash', { command: 'cat a.py' }, 'x'),
      tool('bash', { command: 'python3 -m pytest' }, PYTEST_FAIL, { exitCode: 1 }),
      tool('bash', { command: 'cat a.py' }, 'x'),
      tool('bash', { command: 'python3 -m pytest' }, PYTEST_FAIL, { exitCode: 1 }),
      {
        type: 'error',
        ts: 1,
        step: 8,
        phase: 'model',
        kind: 'context_overflow',
        message: 'prompt is too long: 210000 tokens > 200000',
      },
    ];
    const s = signatureOf({ exitReason: 'model_error', report: { ...report({}), timed_out: true }, events });
    expect(s).toMatchObject({ formatErrors: 1, loop: true, contextOverflow: true, testTimeout: true });
    expect(clusterLabel(s)).toMatch(/the tests timed out, context overflowed/);
    expect(clusterPointer(clusterKey(s))).toMatchObject({ policy: 'memory' });
    // Edit, test, edit, test with different edits is work, not a loop.
    expect(isLooping(['e1', 'test', 'e2', 'test', 'e3', 'test'])).toBe(false);
    expect(isLooping(['a', 'b', 'a', 'b', 'a'])).toBe(false);
    expect(isLooping(['a', 'b', 'a', 'b', 'a', 'b'])).toBe(true);
  });

  it('reads partial and missing fixes from Terminal-Bench reports', () => {
    const pytest = signatureOf({
      exitReason: 'submitted',
      report: { resolved: false, parser_results: { test_a: 'PASSED', test_b: 'FAILED' } },
      events: [],
    });
    expect(pytest).toMatchObject({ partialFix: true, noFix: false });
    expect(
      signatureOf({
        exitReason: 'submitted',
        report: { resolved: false, parser_results: { test_a: 'FAILED' } },
        events: [],
      }).noFix,
    ).toBe(true);
    expect(
      signatureOf({ exitReason: 'submitted', report: { resolved: false, reward: 0.5 }, events: [] }).partialFix,
    ).toBe(true);
  });

  it('keeps the ids of clusters signed before timeouts and overflow were read', () => {
    const s = signatureOf({ exitReason: 'submitted', report: report({}), events: [] });
    const before =
      'exit=submitted;formatErrors=false;loop=false;outcome=no-fix;patch=applied;toolTimeout=false;touchedTests=false';
    expect(clusterId(s)).toBe(`fc-${createHash('sha256').update(before).digest('hex').slice(0, 10)}`);
    expect(clusterId({ ...s, testTimeout: true })).not.toBe(clusterId(s));
  });

  it('gives the same failure the same cluster id whatever task, run or wording', () => {
    const one = signatureOf({
      exitReason: 'submitted',
      report: report({}),
      events: [tool('bash', { command: 'pytest' }, PYTEST_FAIL, { exitCode: 1 })],
    });
    const two = signatureOf({
      exitReason: 'submitted',
      report: report({}),
      events: [tool('bash', { command: 'python3 -m pytest -q' }, 'E   KeyError: 7', { exitCode: 1 })],
    });
    expect(clusterId(one)).toBe(clusterId(two));
    expect(clusterId(one)).toMatch(/^fc-[0-9a-f]{10}$/);
  });
});

describe('clustering runs in the database', () => {
  let db: Db;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'evolve-fail-'));
    db = await openDatabase(join(dir, 'evolve.db'), { create: true });
    const at = now();
    for (const [id, parent] of [
      ['exp-01', null],
      ['exp-01-a', 'exp-01'],
    ] as const) {
      await db
        .insertInto('experiments')
        .values({
          id,
          parent_id: parent,
          generation: parent ? 1 : 0,
          genome: '{}',
          genome_hash: id,
          change: '{}',
          change_summary: '',
          hypothesis: '',
          status: 'evaluated',
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
          created_at: at,
          finished_at: null,
        })
        .execute();
    }
    await db
      .insertInto('suites')
      .values({ id: 'builtin', kind: 'mixed', source: '.', meta: '{}', created_at: at })
      .execute();
    for (const [task, tags] of [
      ['t1', ['multi-file']],
      ['t2', ['reads-test-output']],
      ['t3', ['reads-test-output', 'off-by-one']],
    ] as const) {
      await db
        .insertInto('tasks')
        .values({
          id: task,
          suite_id: 'builtin',
          content_id: task,
          kind: 'swebench',
          difficulty: 'easy',
          tags: JSON.stringify(tags),
          split: 'train',
          spec: '{}',
        })
        .execute();
    }
    const traj = join(dir, 'probe.jsonl');
    writeFileSync(traj, `${JSON.stringify(tool('bash', { command: 'ls /tests' }, 'ls: cannot access'))}\n`);
    for (const exp of ['exp-01', 'exp-01-a']) {
      const evaluation = Number(
        (
          await db
            .insertInto('evaluations')
            .values({
              experiment_id: exp,
              suite_id: 'builtin',
              split: 'train',
              stage: 'all',
              task_ids: '[]',
              repeats: 1,
              status: 'done',
              config: '{}',
              created_at: at,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id,
      );
      const rows = [
        {
          task_id: 't1',
          outcome: 'unresolved',
          exit_reason: 'step_limit',
          report: JSON.stringify({ patch_is_None: true, patch_exists: false }),
        },
        {
          task_id: 't2',
          outcome: exp === 'exp-01' ? 'unresolved' : 'resolved',
          exit_reason: 'submitted',
          report: JSON.stringify(report({})),
        },
        {
          task_id: 't3',
          outcome: 'resolved',
          exit_reason: 'submitted',
          report: JSON.stringify(report({ resolved: true, f2p: [['x'], []] })),
          trajectory_path: exp === 'exp-01-a' ? traj : null,
        },
      ] as const;
      for (const r of rows) {
        await db
          .insertInto('runs')
          .values({
            evaluation_id: evaluation,
            experiment_id: exp,
            suite_id: 'builtin',
            repeat: 0,
            status: 'done',
            attempts: 1,
            ...r,
          })
          .execute();
      }
    }
  });
  afterEach(async () => db.destroy());

  it('signs runs once, clusters the unresolved ones with stable ids across generations, and breaks failures down by tag', async () => {
    expect(await signFailures(db)).toEqual({ signed: 6 });
    expect(await signFailures(db)).toEqual({ signed: 0 });
    const parent = await readClusters(db, 'exp-01');
    const child = await readClusters(db, 'exp-01-a');
    expect(parent.map((c) => c.count).sort()).toEqual([1, 1]);
    expect(child).toHaveLength(1);
    // The child still has the parent's empty-patch failure (same id), and fixed the other one.
    const emptyPatch = parent.find((c) => c.tasks.includes('t1'))!;
    expect(child[0]!.id).toBe(emptyPatch.id);
    expect(emptyPatch.label).toMatch(/no code change/);
    const tags = await failuresByTag(db, 'exp-01');
    // exp-01 fails 2 of 3 runs: multi-file (1 of 1) is a weakness and points at planning; reads-test-output (1 of 2) is not.
    expect(tags.find((t) => t.tag === 'multi-file')).toEqual({
      tag: 'multi-file',
      failed: 1,
      total: 1,
      pointer: { policy: 'planning', why: expect.stringMatching(/plan/) },
    });
    expect(tags.find((t) => t.tag === 'reads-test-output')).toEqual({ tag: 'reads-test-output', failed: 1, total: 2 });
  });

  it('signs held-out runs but files them under no cluster: proposers and self-repair never see the held-out split', async () => {
    const evaluation = Number(
      (
        await db
          .insertInto('evaluations')
          .values({
            experiment_id: 'exp-01',
            suite_id: 'builtin',
            split: 'heldout',
            stage: 'all',
            task_ids: '[]',
            repeats: 1,
            status: 'done',
            config: '{}',
            created_at: now(),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    );
    await db
      .insertInto('runs')
      .values({
        evaluation_id: evaluation,
        experiment_id: 'exp-01',
        task_id: 'h1',
        repeat: 0,
        status: 'done',
        attempts: 1,
        outcome: 'unresolved',
        exit_reason: 'step_limit',
        report: JSON.stringify({ patch_is_None: true, patch_exists: false }),
      })
      .execute();
    expect(await signFailures(db)).toEqual({ signed: 7 });
    const held = await db
      .selectFrom('runs')
      .select(['failure_signature', 'cluster_id'])
      .where('task_id', '=', 'h1')
      .executeTakeFirstOrThrow();
    expect(held.failure_signature).not.toBeNull();
    expect(held.cluster_id).toBeNull();
    const clusters = await readClusters(db, 'exp-01');
    expect(clusters.flatMap((c) => c.tasks)).not.toContain('h1');
    expect(clusters.reduce((n, c) => n + c.count, 0)).toBe(2);
  });

  it('flags a run that resolved its task while probing hidden paths, on the run and on its experiment', async () => {
    await signFailures(db);
    const flagged = await hackingSuspicions(db);
    expect(flagged).toEqual([
      { runId: expect.any(Number), experimentId: 'exp-01-a', taskId: 't3', reasons: ['probed /tests'] },
    ]);
    const row = await db
      .selectFrom('experiments')
      .select('flags')
      .where('id', '=', 'exp-01-a')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.flags)).toEqual([`run ${flagged[0]!.runId} (t3): probed /tests`]);
    // The report lists the run once (as a suspicion), and keeps experiment flags of other kinds.
    await addFlags(db, 'exp-01-a', ['patch touches tests/graders/evaluator: tasks/grade.ts']);
    const r = await failuresReport(db, { experimentId: 'exp-01-a' });
    expect(r.suspicions).toHaveLength(1);
    expect(r.flagged).toEqual([
      { experimentId: 'exp-01-a', flags: ['patch touches tests/graders/evaluator: tasks/grade.ts'] },
    ]);
  });

  it('follows a cluster from parent to child: fixed, still failing, failing another way, new', async () => {
    const at = now();
    await db
      .insertInto('experiments')
      .values({
        id: 'exp-01-b',
        parent_id: 'exp-01',
        generation: 1,
        genome: '{}',
        genome_hash: 'b',
        change: '{}',
        change_summary: '',
        hypothesis: '',
        status: 'evaluated',
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
        created_at: at,
        finished_at: null,
      })
      .execute();
    const evaluation = Number(
      (
        await db
          .insertInto('evaluations')
          .values({
            experiment_id: 'exp-01-b',
            suite_id: 'builtin',
            split: 'train',
            stage: 'all',
            task_ids: '[]',
            repeats: 1,
            status: 'done',
            config: '{}',
            created_at: at,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id,
    );
    const rows = [
      // t1: the parent left no change; this child changes code that does not apply.
      {
        task_id: 't1',
        outcome: 'unresolved',
        exit_reason: 'submitted',
        report: JSON.stringify(report({ patch_successfully_applied: false })),
      },
      // t2: still no fix, the same way as the parent.
      { task_id: 't2', outcome: 'unresolved', exit_reason: 'submitted', report: JSON.stringify(report({})) },
      // t3: the parent resolved it; the child breaks passing tests.
      {
        task_id: 't3',
        outcome: 'unresolved',
        exit_reason: 'submitted',
        report: JSON.stringify(report({ f2p: [['x'], []], p2p: [[], ['y']] })),
      },
    ] as const;
    for (const r of rows)
      await db
        .insertInto('runs')
        .values({ evaluation_id: evaluation, experiment_id: 'exp-01-b', repeat: 0, status: 'done', attempts: 1, ...r })
        .execute();
    await signFailures(db);
    const b = (await clusterChanges(db, 'exp-01-b'))!;
    const a = (await clusterChanges(db, 'exp-01-a'))!;
    const empty = (l: typeof a) => l.changes.find((c) => c.label.includes('no code change'))!;
    expect(empty(a)).toMatchObject({ parentRuns: 1, childRuns: 1, persisting: ['t1'], fixed: [] });
    const noFix = a.changes.find((c) => c.id !== empty(a).id)!;
    expect(noFix).toMatchObject({ parentRuns: 1, childRuns: 0, fixed: ['t2'], persisting: [] });
    expect(empty(b)).toMatchObject({ parentRuns: 1, childRuns: 0, moved: ['t1'], fixed: [] });
    expect(b.changes.find((c) => c.id === noFix.id)).toMatchObject({ persisting: ['t2'] });
    expect(b.changes.find((c) => c.label.includes('broke passing'))).toMatchObject({
      parentRuns: 0,
      childRuns: 1,
      introduced: ['t3'],
    });
    expect(await clusterChanges(db, 'exp-01')).toBeUndefined();
    // The report carries it, and one cluster can be picked even when only the parent has it.
    const r = await failuresReport(db, { experimentId: 'exp-01-a', clusterId: noFix.id });
    expect(r.clusters).toEqual([]);
    expect(r.vsParent?.changes).toEqual([expect.objectContaining({ id: noFix.id, fixed: ['t2'] })]);
  });

  it('scopes clusters to an experiment, a generation or the whole lineage', async () => {
    await signFailures(db);
    const whole = await failuresReport(db);
    expect(whole.scope).toBe('whole lineage');
    expect(whole.clusters.map((c) => c.count).sort()).toEqual([1, 2]);
    const emptyPatch = whole.clusters.find((c) => c.count === 2)!;
    expect(emptyPatch).toMatchObject({ experiments: 2, firstSeen: 'exp-01', tasks: ['t1'] });
    const gen1 = await failuresReport(db, { generation: 1 });
    expect(gen1.scope).toBe('generation 1');
    expect(gen1.clusters).toEqual([
      expect.objectContaining({
        id: emptyPatch.id,
        count: 1,
        experiments: 1,
        representatives: [expect.objectContaining({ experimentId: 'exp-01-a' })],
      }),
    ]);
    expect(gen1.suspicions.map((s) => s.experimentId)).toEqual(['exp-01-a']);
    expect((await failuresReport(db, { generation: 0 })).suspicions).toEqual([]);
    await expect(failuresReport(db, { generation: 7 })).rejects.toThrow(/--generation 7: no experiment/);
    await expect(failuresReport(db, { experimentId: 'exp-01', generation: 0 })).rejects.toThrow(/not both/);
    await expect(failuresReport(db, { clusterId: 'fc-nope' })).rejects.toMatchObject({
      hint: expect.stringMatching(/evolve failures/),
    });
  });
});
