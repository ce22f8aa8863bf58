import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import type { Dialect } from '../dialect.js';
import { type Db, type OpenOptions, openDatabase } from '../open.js';

// Database tests run against both dialects: SQLite (a fresh file) and Postgres (a fresh, uniquely named database on
// the server in EVOLVE_TEST_POSTGRES_URL, dropped after the file's tests). Without that variable the Postgres half is
// skipped, unless EVOLVE_REQUIRE_POSTGRES=1 (CI), which makes its absence an error.

export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/** The test server's URL (any database on it; tests create their own), or undefined when none is configured. */
export function postgresTestUrl(): string | undefined {
  const url = process.env.EVOLVE_TEST_POSTGRES_URL?.trim();
  if (!url && process.env.EVOLVE_REQUIRE_POSTGRES === '1')
    throw new Error('EVOLVE_REQUIRE_POSTGRES=1 but EVOLVE_TEST_POSTGRES_URL is not set: the Postgres tests cannot run');
  return url || undefined;
}

let counter = 0;

/** Creates an empty, uniquely named database on the test server and returns its URL. */
export async function createPostgresDatabase(label = 'test'): Promise<string> {
  const server = postgresTestUrl();
  if (!server) throw new Error('EVOLVE_TEST_POSTGRES_URL is not set');
  const name = `evolve_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`.slice(0, 40);
  const unique = `${name}_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  await admin(
    server,
    `create database ${pg.escapeIdentifier(unique)} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`,
  );
  const url = new URL(server);
  url.pathname = `/${unique}`;
  return url.toString();
}

/** Drops a database made by createPostgresDatabase, closing whatever connections a test left open. */
export async function dropPostgresDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  await admin(url, `drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
}

async function admin(url: string, statement: string): Promise<void> {
  const target = new URL(url);
  target.pathname = '/postgres';
  const client = new pg.Client({ connectionString: target.toString() });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export interface DialectUnderTest {
  dialect: Dialect;
  /** A fresh database target: a SQLite file path, or a Postgres URL of a new database (dropped after the tests). */
  target(label?: string): Promise<string>;
  /** A fresh database, migrated. */
  open(options?: OpenOptions): Promise<Db>;
}

/**
 * `describe(title)` once per dialect, the title suffixed with it. The Postgres block is skipped without a test server.
 */
export function describeDialects(title: string, body: (d: DialectUnderTest) => void): void {
  const server = postgresTestUrl();
  for (const dialect of DIALECTS) {
    describe.skipIf(dialect === 'postgres' && !server)(`${title} [${dialect}]`, () => {
      const made: string[] = [];
      afterAll(async () => {
        for (const url of made) await dropPostgresDatabase(url);
      });
      const target = async (label = title): Promise<string> => {
        if (dialect === 'sqlite') return join(mkdtempSync(join(tmpdir(), 'evolve-db-')), 'evolve.db');
        const url = await createPostgresDatabase(label);
        made.push(url);
        return url;
      };
      body({ dialect, target, open: async (options) => openDatabase(await target(), { create: true, ...options }) });
    });
  }
}
