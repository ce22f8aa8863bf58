import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dialectOf } from './dialect.js';
import { migrations } from './migrations/index.js';
import { DatabaseError, now, openDatabase } from './open.js';
import { createPostgresDatabase, describeDialects, dropPostgresDatabase, postgresTestUrl } from './testing/postgres.js';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'evolve-db-')), 'evolve.db');

describe('openDatabase', () => {
  it('migrates an empty file to the latest schema with WAL and foreign keys on', async () => {
    const file = fresh();
    const db = await openDatabase(file, { create: true });
    const tables = (await db.introspection.getTables()).map((t) => t.name).sort();
    expect(tables).toEqual([
      'champions',
      'decisions',
      'evaluations',
      'experiments',
      'failure_clusters',
      'generations',
      'model_calls',
      'runs',
      'studies',
      'study_replicates',
      'suites',
      'tasks',
    ]);
    await db.destroy();
    const raw = new SQLite(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    const applied = raw.prepare('select name from kysely_migration order by name').all() as Array<{ name: string }>;
    expect(applied.map((r) => r.name)).toEqual(Object.keys(migrations));
    raw.close();
  });

  it('reopens without re-running migrations and keeps data', async () => {
    const file = fresh();
    const db = await openDatabase(file, { create: true });
    await db
      .insertInto('suites')
      .values({ id: 's', kind: 'swebench', source: '/x', meta: '{}', created_at: now() })
      .execute();
    await db.destroy();
    const again = await openDatabase(file);
    expect(await again.selectFrom('suites').select('id').execute()).toEqual([{ id: 's' }]);
    await again.destroy();
  });

  it('enforces foreign keys and one run per (experiment, task, repeat)', async () => {
    const db = await openDatabase(fresh(), { create: true });
    await expect(
      db
        .insertInto('evaluations')
        .values({
          experiment_id: 'nope',
          suite_id: 's',
          split: 'train',
          stage: 'all',
          task_ids: '[]',
          repeats: 1,
          status: 'running',
          config: '{}',
          created_at: now(),
        })
        .execute(),
    ).rejects.toThrow(/FOREIGN KEY/);
    await db.destroy();
  });

  it('refuses a database written by a newer evolve and leaves it untouched', async () => {
    const file = fresh();
    await (await openDatabase(file, { create: true })).destroy();
    const raw = new SQLite(file);
    raw.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('9999_future', now());
    raw.close();
    const before = readFileSync(file);
    const error = await openDatabase(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).message).toMatch(/newer version of evolve.*9999_future/);
    expect((error as DatabaseError).hint).toMatch(/Upgrade evolve/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('names a corrupt file and says how to recover', async () => {
    const file = fresh();
    writeFileSync(file, 'this is not sqlite at all, just text '.repeat(200));
    const error = (await openDatabase(file).catch((e: unknown) => e)) as DatabaseError;
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error.message).toContain(file);
    expect(error.hint).toMatch(/evolve init/);
  });

  it('says a missing database needs init instead of creating one', async () => {
    const file = fresh();
    await expect(openDatabase(file)).rejects.toThrow(/does not exist/);
  });
});

describeDialects('openDatabase, either dialect', ({ dialect, open, target }) => {
  it('migrates a fresh database to every migration, enforces keys, and keeps 64-bit integers and doubles', async () => {
    const db = await open();
    expect(dialectOf(db)).toBe(dialect);
    const tables = (await db.introspection.getTables()).map((t) => t.name).sort();
    expect(tables).toContain('runs');
    expect(tables).toContain('study_replicates');
    const applied = await db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    expect((applied as Array<{ name: string }>).map((r) => r.name).sort()).toEqual(Object.keys(migrations).sort());
    await expect(
      db
        .insertInto('evaluations')
        .values({
          experiment_id: 'nope',
          suite_id: 's',
          split: 'train',
          stage: 'all',
          task_ids: '[]',
          repeats: 1,
          status: 'running',
          config: '{}',
          created_at: now(),
        })
        .execute(),
    ).rejects.toThrow(/foreign key/i);
    const experiment = {
      id: 'exp-01',
      parent_id: null,
      generation: 0,
      genome: '{}',
      genome_hash: 'h',
      change: '{}',
      change_summary: 'root',
      hypothesis: '',
      status: 'evaluated' as const,
      proposer: null,
      authored_by: null,
      branch: null,
      seed: 2 ** 40 + 3, // beyond a 32-bit integer
      verdict: null,
      learned: null,
      score: 0.1 + 0.2, // needs a double
      score_lo: null,
      score_hi: null,
      cost_usd: 1 / 3,
      flags: '[]',
      created_at: now(),
      finished_at: null,
    };
    await db.insertInto('experiments').values(experiment).execute();
    const back = await db.selectFrom('experiments').selectAll().executeTakeFirstOrThrow();
    expect([back.seed, back.score, back.cost_usd]).toEqual([2 ** 40 + 3, 0.1 + 0.2, 1 / 3]);
    // Aggregates come back as numbers on both (pg returns bigint and numeric as strings by default).
    const { n } = await db
      .selectFrom('experiments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(n).toBe(1);
    await db.destroy();
  });

  it('reopens without re-running migrations and keeps data', async () => {
    const where = await target('reopen');
    const db = await openDatabase(where, { create: true });
    await db
      .insertInto('suites')
      .values({ id: 's', kind: 'swebench', source: '/x', meta: '{}', created_at: now() })
      .execute();
    await db.destroy();
    const again = await openDatabase(where);
    expect(await again.selectFrom('suites').select('id').execute()).toEqual([{ id: 's' }]);
    await again.destroy();
  });
});

describe.skipIf(!postgresTestUrl())('openDatabase on Postgres', () => {
  it('creates a missing database only when asked, and never prints the password', async () => {
    const url = await createPostgresDatabase('missing');
    await dropPostgresDatabase(url);
    const error = (await openDatabase(url).catch((e: unknown) => e)) as DatabaseError;
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error.message).toMatch(/does not exist/);
    const created = await openDatabase(url, { create: true });
    expect(dialectOf(created)).toBe('postgres');
    await created.destroy();
    await dropPostgresDatabase(url);
    const wrong = new URL(url);
    wrong.password = 'not-the-password';
    const refused = (await openDatabase(wrong.toString()).catch((e: unknown) => e)) as DatabaseError;
    expect(refused).toBeInstanceOf(DatabaseError);
    expect(refused.message).not.toContain('not-the-password');
    expect(refused.message).toContain('***');
  });
});
