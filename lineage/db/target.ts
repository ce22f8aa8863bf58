import { isPostgresUrl } from './dialect.js';
import { DatabaseError } from './open.js';

/**
 * Where a workspace's lineage database lives: EVOLVE_DATABASE_URL, else evolve.json's `databaseUrl` (Postgres), else
 * the workspace's SQLite file. In a module of its own so the Postgres test project can point workspaces elsewhere.
 */
export function databaseTarget(
  paths: { database: string },
  config: { databaseUrl?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): string {
  const fromEnv = env.EVOLVE_DATABASE_URL?.trim();
  if (fromEnv) {
    if (!isPostgresUrl(fromEnv))
      throw new DatabaseError(
        'EVOLVE_DATABASE_URL must be a postgres:// URL',
        'Unset it to use the workspace file evolve.db, or write postgres://USER:PASSWORD@HOST:PORT/DATABASE.',
      );
    return fromEnv;
  }
  return config.databaseUrl ?? paths.database;
}
