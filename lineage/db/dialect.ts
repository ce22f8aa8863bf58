import { type Kysely, PostgresAdapter } from 'kysely';

// Which SQL engine a database (or a transaction of it) speaks. SQLite is the embedded default; Postgres is chosen by a
// connection URL. Code that cannot be written once for both branches on this, and says why.

export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** A database target is a Postgres connection URL or a SQLite file path. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/** The URL with its password masked, for messages and logs. */
export function redactUrl(target: string): string {
  if (!isPostgresUrl(target)) return target;
  try {
    const url = new URL(target);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return target.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
