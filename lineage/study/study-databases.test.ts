import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { clusterUrl } from '../cluster.js';
import { Config } from '../config.js';
import { databaseNameOf, databaseTarget } from '../db/target.js';
import { createPostgresDatabase, dropPostgresDatabase, postgresTestUrl } from '../db/testing/postgres.js';
import { openWorkspace, type Workspace } from '../workspace.js';
import { parseCondition } from './condition.js';
import { runStudy } from './run-study.js';
import { studyStatus } from './status.js';
import { createStudy } from './studies.js';
import { scriptedLandscape, studyWorkspace } from './testing.js';

// Where a study's roots and replicates keep their lineage. On SQLite each has its evolve.db; with the study's
// workspace on Postgres (EVOLVE_DATABASE_URL exported, or databaseUrl), each gets a database of its own on that server,
// so no replicate's lineage lands in the study's database or a sibling's.

describe('databaseTarget with databaseName', () => {
  const paths = { database: '/lab/evolve.db' };
  it('names another database on the URL from the environment or evolve.json, and means nothing on SQLite', () => {
    const env = { EVOLVE_DATABASE_URL: 'postgres://u:secret@db:5432/lab?sslmode=disable' };
    expect(databaseTarget(paths, { databaseName: 'lab_cmp_a_r1' }, env)).toBe(
      'postgres://u:secret@db:5432/lab_cmp_a_r1?sslmode=disable',
    );
    expect(databaseTarget(paths, { databaseUrl: 'postgres://u@db/lab', databaseName: 'lab_x' }, {})).toBe(
      'postgres://u@db/lab_x',
    );
    expect(databaseTarget(paths, { databaseName: 'lab_x' }, {})).toBe('/lab/evolve.db');
  });

  it("keeps a replicate's queue on the study's database: one queue for the study and its replicates", () => {
    const config = Config.parse({ databaseName: 'lab_cmp_a_r1', cluster: { storage: '/shared' } });
    const env = { EVOLVE_DATABASE_URL: 'postgres://u:secret@db:5432/lab' };
    expect(clusterUrl({ paths: { ...paths, root: '/lab', config: '/lab/evolve.json' } as never, config }, env)).toBe(
      'postgres://u:secret@db:5432/lab',
    );
  });
});

describe.skipIf(!postgresTestUrl())('a study on Postgres', () => {
  let ws: Workspace | undefined;
  const made: string[] = [];
  afterEach(async () => {
    await ws?.close();
    ws = undefined;
    delete process.env.EVOLVE_DATABASE_URL;
    for (const url of made.splice(0)) await dropDerived(url);
  });

  it('gives the root and each replicate a database of its own on the study server, with EVOLVE_DATABASE_URL exported', async () => {
    const url = await createPostgresDatabase('study');
    made.push(url);
    process.env.EVOLVE_DATABASE_URL = url;
    ws = await studyWorkspace();
    expect(databaseTarget(ws.paths, ws.config)).toBe(url);
    await createStudy(ws.db, 'cmp', {
      conditions: [parseCondition('random: proposer=random')],
      replicates: 2,
      generations: 1,
      seed: 7,
      shared: { subset: 3, children: 2, evidenceRounds: 0, rule: 'mean' as const },
    });
    await runStudy(ws, 'cmp', { eval: { wiring: scriptedLandscape() } });

    // The study's own database holds the study and its baseline, nothing the replicates grew or ran.
    const own = await ws.db.selectFrom('experiments').select('id').execute();
    expect(own.map((e) => e.id)).toEqual(['exp-01']);
    expect(await ws.db.selectFrom('runs').select('id').execute()).toEqual([]);

    const base = databaseNameOf(url);
    const names = await databasesLike(url, base);
    expect(names.filter((n) => n !== base).sort()).toEqual([
      `${base}_cmp_random_r1`,
      `${base}_cmp_random_r2`,
      expect.stringMatching(new RegExp(`^${base}_cmp_roots_[0-9a-f]{12}$`)),
    ]);

    const status = await studyStatus(ws, 'cmp');
    const children: string[][] = [];
    for (const r of status.replicates) {
      expect(r.generations).toBe(1);
      expect(r.runs.done).toBeGreaterThan(0);
      // Its evolve.json names its database, never the password from the environment.
      const text = readFileSync(join(ws.paths.root, r.path, 'evolve.json'), 'utf8');
      expect(JSON.parse(text).databaseName).toBe(`${base}_cmp_random_r${r.replicate}`);
      expect(text).not.toContain('postgres://');
      if (new URL(url).password) expect(text).not.toContain(`:${new URL(url).password}@`);
      const rws = await openWorkspace(join(ws.paths.root, r.path));
      try {
        expect(databaseNameOf(databaseTarget(rws.paths, rws.config))).toBe(`${base}_cmp_random_r${r.replicate}`);
        const rows = await rws.db.selectFrom('experiments').select('id').where('generation', '=', 1).execute();
        children.push(rows.map((e) => e.id));
        // The root's runs came with the copy: exp-01 was not run again in the replicate.
        expect(
          (await rws.db.selectFrom('runs').select('id').where('experiment_id', '=', 'exp-01').execute()).length,
        ).toBe((await rootRuns(url)).length);
      } finally {
        await rws.close();
      }
    }
    // Each replicate's lineage is its own: two children each, not both replicates' four in one database.
    expect(children.map((c) => c.length)).toEqual([2, 2]);
  });
});

async function rootRuns(url: string) {
  const names = await databasesLike(url, `${databaseNameOf(url)}_cmp_roots_`);
  expect(names).toHaveLength(1);
  const u = new URL(url);
  u.pathname = `/${names[0]}`;
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    return (await client.query(`select id from runs where experiment_id = 'exp-01'`)).rows;
  } finally {
    await client.end();
  }
}

async function databasesLike(url: string, prefix: string): Promise<string[]> {
  const u = new URL(url);
  u.pathname = '/postgres';
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    const rows = await client.query('select datname from pg_database where starts_with(datname, $1)', [prefix]);
    return rows.rows.map((r: { datname: string }) => r.datname);
  } finally {
    await client.end();
  }
}

/** Drops the study's database and every database derived from it. */
async function dropDerived(url: string): Promise<void> {
  for (const name of await databasesLike(url, databaseNameOf(url))) {
    const u = new URL(url);
    u.pathname = `/${name}`;
    await dropPostgresDatabase(u.toString());
  }
}
