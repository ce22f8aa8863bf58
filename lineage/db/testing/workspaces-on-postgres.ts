import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, vi } from 'vitest';
import { isPostgresUrl } from '../dialect.js';
import { postgresTestUrl } from './postgres.js';

// Setup file of the `postgres` vitest project: every SQLite database a test opens (a workspace's evolve.db through
// initWorkspace, `evolve init` or a helper, or a file handed to openDatabase) is a database of its own on the test
// server instead, one per file path. So the files marked `// vitest project: postgres too` run their same assertions
// on Postgres.

const server = postgresTestUrl();
if (!server) throw new Error('the postgres project needs EVOLVE_TEST_POSTGRES_URL');
const prefix = `evolve_ws_${randomBytes(4).toString('hex')}`;
// Tests whose check does not depend on the database (a rendered page) can skip their second run here.
process.env.EVOLVE_TEST_WORKSPACES_ON_POSTGRES = '1';
let template: Promise<string> | undefined;

function databaseUrl(name: string): string {
  const url = new URL(server as string);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one statement on the server's maintenance database; an error whose code is in `allowed` is ignored. */
async function admin(statement: string, allowed: string[] = [], params: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  client.on('error', () => {});
  await client.connect();
  try {
    return await client.query(statement, params);
  } catch (error) {
    if (!allowed.includes((error as { code?: string }).code ?? '')) throw error;
    return undefined;
  } finally {
    await client.end();
  }
}

vi.mock(import('../open.js'), async (importOriginal) => {
  const real = await importOriginal();
  return {
    ...real,
    openDatabase: async (target, options) => {
      if (isPostgresUrl(target)) return real.openDatabase(target, options);
      const name = `${prefix}_${createHash('sha256').update(resolve(target)).digest('hex').slice(0, 16)}`;
      // A database to create starts as a copy of one migrated once per file (a fresh migration costs seconds here).
      if (options?.create && options.migrate !== false) {
        template ??= (async () => {
          await (await real.openDatabase(databaseUrl(`${prefix}_template`), { create: true })).destroy();
          return `${prefix}_template`;
        })();
        const from = await template;
        // 42P04: it exists already; open it as it is.
        await admin(`create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(from)}`, ['42P04']);
      }
      return real.openDatabase(databaseUrl(name), options);
    },
  };
});

afterAll(async () => {
  const made = await admin('select datname from pg_database where datname like $1', [], [`${prefix}_%`]);
  for (const { datname } of (made?.rows ?? []) as Array<{ datname: string }>)
    await admin(`drop database if exists ${pg.escapeIdentifier(datname)} with (force)`);
});
