import { isPostgresUrl } from './dialect.js';
import { DatabaseError } from './open.js';

/**
 * Where a workspace's lineage database lives: EVOLVE_DATABASE_URL, else evolve.json's `databaseUrl` (Postgres), else
 * the workspace's SQLite file. With a URL, evolve.json's `databaseName` (a study's roots and replicates) names the
 * database on that server instead of the URL's own. In a module of its own so the Postgres test project can point
 * workspaces elsewhere.
 */
export function databaseTarget(
  paths: { database: string },
  config: { databaseUrl?: string | undefined; databaseName?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): string {
  const fromEnv = env.EVOLVE_DATABASE_URL?.trim();
  if (fromEnv && !isPostgresUrl(fromEnv))
    throw new DatabaseError(
      'EVOLVE_DATABASE_URL must be a postgres:// URL',
      'Unset it to use the workspace file evolve.db, or write postgres://USER:PASSWORD@HOST:PORT/DATABASE.',
    );
  const url = fromEnv || config.databaseUrl;
  if (!url) return paths.database;
  return config.databaseName ? withDatabaseName(url, config.databaseName) : url;
}

/** The same server, user and options, another database. */
export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

/** The database a Postgres URL names ('' when none). */
export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}
