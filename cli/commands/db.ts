import type { Command } from 'commander';
import { copyDatabase } from '../../lineage/db/copy.js';
import { redactUrl } from '../../lineage/db/dialect.js';
import { migrateDatabase } from '../../lineage/db/open.js';
import { databaseTarget, findWorkspaceRoot, loadConfig, workspacePaths } from '../../lineage/workspace.js';
import { formatTable, printJson } from '../output.js';

/** The database `--database` names, else the workspace's (EVOLVE_DATABASE_URL, evolve.json databaseUrl, evolve.db). */
function targetOf(cmd: Command, explicit?: string): string {
  if (explicit) return explicit;
  const paths = workspacePaths(
    findWorkspaceRoot(process.cwd(), cmd.optsWithGlobals<{ workspace?: string }>().workspace),
  );
  return databaseTarget(paths, loadConfig(paths.config));
}

export function registerDb(program: Command): void {
  const db = program.command('db').description('the lineage database: migrate it, copy it to Postgres');
  db.command('migrate')
    .description("bring the workspace's database (or --database) to this evolve's schema; creates a Postgres database")
    .option('--database <target>', 'a postgres:// URL or a SQLite file instead of the workspace database')
    .option('--json', 'print as JSON')
    .action(async (opts: { database?: string; json?: boolean }, cmd: Command) => {
      const target = targetOf(cmd, opts.database);
      const result = await migrateDatabase(target);
      if (opts.json) return printJson({ database: redactUrl(target), ...result });
      process.stdout.write(
        `${redactUrl(target)}: ${result.applied.length === 0 ? 'already at' : `applied ${result.applied.join(', ')}; now at`} ${result.latest}\n`,
      );
    });
  db.command('copy')
    .description('copy a lineage database into a new, empty one (e.g. evolve.db to Postgres), checked by row counts')
    .requiredOption('--from <target>', 'the source: a SQLite file (evolve.db) or a postgres:// URL')
    .requiredOption('--to <target>', 'the target: a postgres:// URL (created when missing) or a SQLite file')
    .option('--json', 'print as JSON')
    .action(async (opts: { from: string; to: string; json?: boolean }) => {
      const counts = await copyDatabase(opts.from, opts.to);
      if (opts.json) return printJson({ from: redactUrl(opts.from), to: redactUrl(opts.to), tables: counts });
      const rows = counts.reduce((n, c) => n + c.target, 0);
      process.stdout.write(
        `${formatTable(
          ['table', 'source rows', 'copied rows'],
          counts.map((c) => [c.table, c.source, c.target]),
        )}\ncopied ${rows} rows from ${redactUrl(opts.from)} to ${redactUrl(opts.to)}; every table's count matches.\n` +
          "To use it, set evolve.json's databaseUrl (or EVOLVE_DATABASE_URL) to the target.\n",
      );
    });
}
