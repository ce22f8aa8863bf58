import { existsSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { isPostgresUrl, redactUrl } from './dialect.js';
import { EmptyInListPlugin } from './empty-in.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export type Db = Kysely<Database>;

export interface OpenOptions {
  /** Create the database when it does not exist (a SQLite file, or a Postgres database on the URL's server). */
  create?: boolean;
  /** Migrate to the latest schema (default). `evolve db copy` opens its source without changing it. */
  migrate?: boolean;
}

/**
 * Opens the workspace database and migrates it: a Postgres database when `target` is a postgres:// URL, else a
 * SQLite file (WAL and foreign keys on), created when `create`.
 */
export async function openDatabase(target: string, options: OpenOptions = {}): Promise<Db> {
  const db = isPostgresUrl(target) ? await openPostgres(target, options) : openSqlite(target, options);
  if (options.migrate === false) return db;
  try {
    await migrate(db, redactUrl(target));
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

function openSqlite(file: string, options: OpenOptions): Db {
  if (!options.create && !existsSync(file)) {
    throw new DatabaseError(`database ${file} does not exist`, 'Run `evolve init` to create the workspace.');
  }
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(file, { fileMustExist: !options.create });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.prepare('select count(*) from sqlite_master').get();
  } catch (error) {
    throw new DatabaseError(
      `database ${file} cannot be opened: ${(error as Error).message}`,
      'The file is not a SQLite database or is damaged. Move it aside and run `evolve init` again, or restore it from a backup.',
    );
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), plugins: [new EmptyInListPlugin()] });
}

// pg returns 64-bit integers (count(*), sum of integers) and numerics (avg) as strings to keep their precision; every
// such value here is a count, a token total or a mean, well inside a double, and SQLite returns numbers for them.
const numberTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

async function openPostgres(url: string, options: OpenOptions): Promise<Db> {
  const shown = redactUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseError(
      `database URL ${shown} is not a valid URL`,
      'Write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE.',
    );
  }
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!name) {
    throw new DatabaseError(
      `database URL ${shown} names no database`,
      'Add the database name: postgres://USER:PASSWORD@HOST:PORT/DATABASE.',
    );
  }
  try {
    await probe(url);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '3D000' && options.create) {
      await createPostgresDatabase(url, name);
    } else if (code === '3D000') {
      throw new DatabaseError(
        `database ${name} does not exist on ${shown}`,
        'Run `evolve init` (or `evolve db migrate`) to create it.',
      );
    } else {
      throw new DatabaseError(
        `database ${shown} cannot be opened: ${(error as Error).message}`,
        'Check that the server is running and the URL (host, port, user, password, database) is right.',
      );
    }
  }
  const pool = new pg.Pool({ connectionString: url, types: numberTypes, max: 10 });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new EmptyInListPlugin()] });
}

async function probe(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates database `name` on the URL's server, connecting to its `postgres` maintenance database. */
async function createPostgresDatabase(url: string, name: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  client.on('error', () => {});
  try {
    await client.connect();
    // Byte-order text (collation C), as SQLite compares text: ids and times sort the same on both.
    await client.query(
      `create database ${pg.escapeIdentifier(name)} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`,
    );
  } catch (error) {
    // Another process created it first: fine.
    if ((error as { code?: string }).code !== '42P04') {
      throw new DatabaseError(
        `database ${name} cannot be created on ${redactUrl(url)}: ${(error as Error).message}`,
        'Create it yourself (createdb NAME) or give the user the CREATEDB right.',
      );
    }
  } finally {
    await client.end().catch(() => {});
  }
}

export async function migrate(db: Kysely<any>, file = 'database'): Promise<void> {
  const known = new Set(Object.keys(migrations));
  const applied = await appliedMigrations(db);
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new DatabaseError(
      `${file} was written by a newer version of evolve (unknown migrations: ${unknown.join(', ')})`,
      'Upgrade evolve (git pull && npm install) before opening this workspace; nothing was changed.',
    );
  }
  // Unordered: migration numbers are reserved per change, so one may land after a higher number was applied.
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new DatabaseError(
      `migration ${failed} failed on ${file}: ${(error as Error).message}`,
      'The database was left at its previous version.',
    );
  }
}

async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === 'kysely_migration')) return [];
  const rows = await db.selectFrom('kysely_migration').select('name').execute();
  return rows.map((r: { name: string }) => r.name);
}

/** ISO-8601 time used for every *_at column. */
export function now(): string {
  return new Date().toISOString();
}

/** `evolve db migrate`: brings a database to this evolve's schema (creating a Postgres one); what it applied. */
export async function migrateDatabase(target: string): Promise<{ applied: string[]; latest: string }> {
  const db = await openDatabase(target, { create: isPostgresUrl(target), migrate: false });
  try {
    const before = new Set(await appliedMigrations(db));
    await migrate(db, redactUrl(target));
    const after = await appliedMigrations(db);
    return { applied: after.filter((m) => !before.has(m)), latest: Object.keys(migrations).at(-1) ?? '' };
  } finally {
    await db.destroy();
  }
}
