import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrations } from '../lineage/db/migrations/index.js';
import { now } from '../lineage/db/open.js';
import { createPostgresDatabase, dropPostgresDatabase, postgresTestUrl } from '../lineage/db/testing/postgres.js';
import { addRuns, addTasks } from '../lineage/testing/add-runs.js';
import { openWorkspace } from '../lineage/workspace.js';
import { runCli } from './testing/run-cli.js';

// `evolve db copy` moves a SQLite workspace to Postgres, checked table by table; `evolve db migrate` brings a database
// to the schema. Against the Postgres server in EVOLVE_TEST_POSTGRES_URL.

async function pgCounts(url: string, tables: string[]): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, number> = {};
    for (const t of tables) out[t] = Number((await client.query(`select count(*) as n from "${t}"`)).rows[0].n);
    return out;
  } finally {
    await client.end();
  }
}

function sqliteCounts(file: string): Record<string, number> {
  const raw = new SQLite(file, { readonly: true });
  const tables = (
    raw.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as Array<{
      name: string;
    }>
  )
    .map((r) => r.name)
    .filter((n) => !n.startsWith('kysely_migration'));
  const out = Object.fromEntries(
    tables.map((t) => [t, (raw.prepare(`select count(*) as n from "${t}"`).get() as { n: number }).n]),
  );
  raw.close();
  return out;
}

/** A SQLite workspace with rows in most tables: exp-01 and a child, tasks, two evaluations of runs, a decision. */
async function sqliteWorkspace(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-dbcopy-'));
  expect((await runCli(['init', dir], dir)).code).toBe(0);
  const ws = await openWorkspace(dir);
  await ws.db
    .insertInto('suites')
    .values({ id: 'mini', kind: 'swebench', source: '.', meta: '{}', created_at: now() })
    .execute();
  await addTasks(ws, ['t1', 't2', 't3'], 'train');
  const root = await ws.db.selectFrom('experiments').selectAll().where('id', '=', 'exp-01').executeTakeFirstOrThrow();
  await ws.db
    .insertInto('experiments')
    .values({ ...root, id: 'exp-02-a', parent_id: 'exp-01', generation: 1, status: 'evaluated', cost_usd: 1 / 3 })
    .execute();
  await addRuns(ws, 'exp-01', 'train', ['t1', 't2', 't3'], 2, (t) => t === 't1');
  await addRuns(ws, 'exp-02-a', 'train', ['t1', 't2', 't3'], 2, (t) => t !== 't3');
  await ws.db
    .insertInto('decisions')
    .values({
      experiment_id: 'exp-02-a',
      action: 'keep',
      rule: 'paired',
      actor: 'rule',
      reason: 'inconclusive',
      details: '{}',
      generation_id: null,
      step: null,
      created_at: now(),
    })
    .execute();
  await ws.close();
  return dir;
}

describe.skipIf(!postgresTestUrl())('evolve db copy / migrate (Postgres)', () => {
  it('copies a SQLite workspace to a new Postgres database with every count equal, and the workspace runs on it', async () => {
    const dir = await sqliteWorkspace();
    const file = join(dir, 'evolve.db');
    const before = await runCli(['status', '--json'], dir);
    const url = await createPostgresDatabase('copy');
    await dropPostgresDatabase(url); // db copy creates it
    try {
      const copied = await runCli(['db', 'copy', '--from', file, '--to', url, '--json'], dir);
      expect(copied.err).toBe('');
      expect(copied.code).toBe(0);
      const tables = JSON.parse(copied.out).tables as Array<{ table: string; source: number; target: number }>;
      const expected = sqliteCounts(file);
      expect(Object.fromEntries(tables.map((t) => [t.table, t.source]))).toEqual(expected);
      expect(await pgCounts(url, Object.keys(expected))).toEqual(expected);
      expect(expected.runs).toBe(12);
      expect(JSON.parse(copied.out).to).not.toContain(`:${new URL(url).password}@`);

      // Point the workspace at it: the same status, and new rows get fresh ids after the copied ones.
      const config = JSON.parse(readFileSync(join(dir, 'evolve.json'), 'utf8'));
      writeFileSync(join(dir, 'evolve.json'), JSON.stringify({ ...config, databaseUrl: url }));
      const after = await runCli(['status', '--json'], dir);
      expect(after.code).toBe(0);
      expect(JSON.parse(after.out)).toEqual(JSON.parse(before.out));
      const ws = await openWorkspace(dir);
      const { id } = await ws.db
        .insertInto('decisions')
        .values({
          experiment_id: 'exp-01',
          action: 'keep',
          rule: 'paired',
          actor: 'person',
          reason: 'after the copy',
          details: '{}',
          generation_id: null,
          step: null,
          created_at: now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(id).toBeGreaterThan(1);
      await ws.close();

      // A second copy into the now non-empty database is refused, and leaves it as it was.
      const again = await runCli(['db', 'copy', '--from', file, '--to', url], dir);
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/not empty/);
      expect((await pgCounts(url, ['decisions'])).decisions).toBe(2);
    } finally {
      await dropPostgresDatabase(url);
    }
  });

  it('writes nothing when a row cannot be copied, and names the table', async () => {
    const dir = await sqliteWorkspace();
    const file = join(dir, 'evolve.db');
    // SQLite keeps text in an integer column; Postgres refuses it, after earlier tables were already inserted.
    const raw = new SQLite(file);
    raw.prepare("update runs set steps = 'many' where id = (select max(id) from runs)").run();
    raw.close();
    const url = await createPostgresDatabase('copyfail');
    try {
      const failed = await runCli(['db', 'copy', '--from', file, '--to', url], dir);
      expect(failed.code).toBe(1);
      expect(failed.err).toMatch(/table runs.*nothing was copied/);
      const counts = await pgCounts(url, Object.keys(sqliteCounts(file)));
      expect(Object.values(counts).every((n) => n === 0)).toBe(true);
    } finally {
      await dropPostgresDatabase(url);
    }
  });

  it('db migrate creates and migrates a Postgres database, then finds it current', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-dbmigrate-'));
    const url = await createPostgresDatabase('migrate');
    await dropPostgresDatabase(url);
    try {
      const first = await runCli(['db', 'migrate', '--database', url, '--json'], dir);
      expect(first.code).toBe(0);
      expect(JSON.parse(first.out).applied).toEqual(Object.keys(migrations));
      const second = await runCli(['db', 'migrate', '--database', url], dir);
      expect(second.out).toMatch(/already at/);
      expect(second.out).not.toContain(`:${new URL(url).password}@`);
    } finally {
      await dropPostgresDatabase(url);
    }
  });
});
