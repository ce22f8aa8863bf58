import { existsSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
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

/** Opens (creating when `create`) the workspace database, with WAL and foreign keys on, and migrates it. */
export async function openDatabase(file: string, options: { create?: boolean } = {}): Promise<Db> {
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await migrate(db, file);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
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
