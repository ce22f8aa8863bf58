import { type Kysely, Migrator } from 'kysely';
import { expect, it } from 'vitest';
import { migrations } from './migrations/index.js';
import { openDatabase } from './open.js';
import { describeDialects } from './testing/postgres.js';

// A workspace written before runs were keyed by what ran stays readable: its rows get the key they had. SQLite rebuilds
// the tables, Postgres alters them in place; both must give the same rows.

describeDialects('migration 0003 (runs keyed by what ran, suites as namespaces)', ({ target }) => {
  it('gives old runs, evaluations and tasks their actor, genome, code, suite and content id', async () => {
    const file = await target('m0003');
    const old = (await openDatabase(file, { create: true, migrate: false })) as Kysely<any>;
    const upTo2 = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0003'));
    expect(
      (await new Migrator({ db: old, provider: { getMigrations: async () => upTo2 } }).migrateToLatest()).error,
    ).toBeUndefined();
    const at = '2026-01-01T00:00:00.000Z';
    const exp = (id: string, parent: string | null, branch: string | null) => ({
      id,
      parent_id: parent,
      generation: parent ? 1 : 0,
      genome: JSON.stringify({ model: 'm1' }),
      genome_hash: `hash-${id}`,
      change: '{}',
      change_summary: '',
      hypothesis: '',
      status: 'evaluated',
      branch,
      flags: '[]',
      created_at: at,
    });
    await old
      .insertInto('experiments')
      .values([exp('exp-01', null, null), exp('exp-01-r1', 'exp-01', 'exp-01-r1'), exp('exp-02-a', 'exp-01-r1', null)])
      .execute();
    await old
      .insertInto('suites')
      .values({ id: 'mini', kind: 'swebench', source: '.', meta: '{}', created_at: at })
      .execute();
    const spec = {
      id: 't1',
      suite: 'mini',
      kind: 'swebench',
      statement: 's',
      environment: {},
      workspace: { kind: 'image' },
    };
    await old
      .insertInto('tasks')
      .values({
        id: 't1',
        suite_id: 'mini',
        kind: 'swebench',
        difficulty: 'easy',
        tags: '[]',
        split: 'train',
        spec: JSON.stringify(spec),
      })
      .execute();
    const evaluation = async (experiment: string, config: object) =>
      (
        await old
          .insertInto('evaluations')
          .values({
            experiment_id: experiment,
            suite_id: 'mini',
            split: 'train',
            stage: 'full',
            task_ids: '["t1"]',
            repeats: 1,
            status: 'done',
            config: JSON.stringify(config),
            created_at: at,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id as number;
    const runs: Array<[string, object]> = [
      ['exp-01', { actor: { genome: {} }, model: 'm1' }],
      ['exp-01', { actor: { solver: 'oracle' } }],
      ['exp-01', { actor: { genome: {} }, model: 'm2' }],
      ['exp-02-a', { actor: { genome: {} }, model: 'm1' }],
    ];
    for (const [i, [experiment, config]] of runs.entries())
      await old
        .insertInto('runs')
        .values({
          evaluation_id: await evaluation(experiment, config),
          experiment_id: experiment,
          task_id: 't1',
          repeat: i, // the old unique key (experiment, task, repeat) let these share a slot only by repeat
          status: 'done',
          outcome: 'resolved',
        })
        .execute();
    await old.destroy();

    const db = await openDatabase(file);
    const rows = await db
      .selectFrom('runs')
      .select(['experiment_id', 'actor', 'genome_hash', 'code', 'suite_id', 'task_content'])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.experiment_id, r.actor, r.genome_hash, r.code, r.suite_id])).toEqual([
      ['exp-01', 'agent', 'hash-exp-01', 'installed', 'mini'],
      ['exp-01', 'oracle', '', '', 'mini'],
      ['exp-01', 'model:m2', '', 'installed', 'mini'],
      // A config child of a code variant: which code ran is not known (it was the installed agent, wrongly).
      ['exp-02-a', 'agent', 'hash-exp-02-a', 'unknown', 'mini'],
    ]);
    const task = await db.selectFrom('tasks').selectAll().executeTakeFirstOrThrow();
    expect(task.content_id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(rows.map((r) => r.task_content))).toEqual(new Set([task.content_id]));
    const evals = await db.selectFrom('evaluations').select(['actor', 'code']).orderBy('id').execute();
    expect(evals.map((e) => e.actor)).toEqual(['agent', 'oracle', 'model:m2', 'agent']);
    // The same task id may now live in another suite without overwriting this one.
    await db
      .insertInto('suites')
      .values({ id: 'other', kind: 'swebench', source: '.', meta: '{}', created_at: at })
      .execute();
    await db
      .insertInto('tasks')
      .values({ ...task, suite_id: 'other', split: 'heldout' })
      .execute();
    expect((await db.selectFrom('tasks').select(['suite_id', 'split']).orderBy('suite_id').execute()).length).toBe(2);
    await db.destroy();
  });
});
