import { type Kysely, sql } from 'kysely';
import { dialectOf, redactUrl } from './dialect.js';
import { type Db, DatabaseError, openDatabase } from './open.js';

// `evolve db copy`: moves a workspace's lineage database to another (a SQLite file to Postgres, typically). Both are
// migrated to the same version first; the target must be empty. Every row is copied in one transaction on the target
// and each table's row count checked against the source before it commits, so a failure leaves the target as empty as
// it was.

/** Parents before children (foreign keys); tables not listed here (added later) follow, by name. */
const ORDER = [
  'experiments',
  'generations',
  'suites',
  'tasks',
  'evaluations',
  'runs',
  'failure_clusters',
  'decisions',
  'champions',
  'model_calls',
  'studies',
  'study_replicates',
];

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

async function lineageTables(db: Db): Promise<string[]> {
  const tables = await db.introspection.getTables();
  // Only evolve's own tables: on Postgres other schemas (a job queue's) are not the lineage's.
  const names = tables
    .filter((t) => dialectOf(db) === 'sqlite' || (t.schema ?? 'public') === 'public')
    .map((t) => t.name)
    .filter((n) => !n.startsWith('kysely_migration'));
  const rank = (n: string) => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

async function countRows(db: Kysely<any>, table: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Experiments reference their parent: order them so a parent is always inserted first. */
function parentsFirst(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: Array<Record<string, unknown>> = [];
  const done = new Set<unknown>();
  const visit = (r: Record<string, unknown>, depth: number) => {
    if (done.has(r.id) || depth > rows.length) return;
    const parent = r.parent_id !== null ? byId.get(r.parent_id) : undefined;
    if (parent) visit(parent, depth + 1);
    done.add(r.id);
    out.push(r);
  };
  for (const r of rows) visit(r, 0);
  return out;
}

export async function copyDatabase(from: string, to: string): Promise<TableCount[]> {
  const shownFrom = redactUrl(from);
  const shownTo = redactUrl(to);
  if (from === to) throw new DatabaseError('db copy: --from and --to are the same database', 'Name two databases.');
  const source = await openDatabase(from);
  try {
    const target = await openDatabase(to, { create: true });
    try {
      const tables = await lineageTables(source);
      const targetTables = new Set(await lineageTables(target));
      const missing = tables.filter((t) => !targetTables.has(t));
      if (missing.length > 0)
        throw new DatabaseError(
          `db copy: ${shownTo} has no table ${missing.join(', ')} that ${shownFrom} has`,
          'Both are migrated by this evolve; a table outside its migrations cannot be copied.',
        );
      for (const table of tables) {
        if ((await countRows(target, table)) > 0)
          throw new DatabaseError(
            `db copy: ${shownTo} is not empty (table ${table} has rows); nothing was copied`,
            'Copy into a new, empty database (evolve creates it when it does not exist).',
          );
      }
      return await target.transaction().execute(async (trx) => {
        const counts: TableCount[] = [];
        for (const table of tables) {
          let rows = (await source
            .selectFrom(table as never)
            .selectAll()
            .execute()) as Array<Record<string, unknown>>;
          if (table === 'experiments') rows = parentsFirst(rows);
          const columns = Object.keys(rows[0] ?? {}).length || 1;
          const batch = Math.max(1, Math.min(500, Math.floor(30_000 / columns)));
          for (let i = 0; i < rows.length; i += batch) {
            try {
              await trx
                .insertInto(table as never)
                .values(rows.slice(i, i + batch) as never)
                .execute();
            } catch (error) {
              throw new DatabaseError(
                `db copy: table ${table}, rows ${i + 1}..${Math.min(i + batch, rows.length)}: ${(error as Error).message}; nothing was copied`,
                `${shownTo} was left as it was.`,
              );
            }
          }
          counts.push({ table, source: rows.length, target: await countRows(trx, table) });
        }
        if (dialectOf(trx) === 'postgres') await resetSequences(trx, tables);
        const off = counts.filter((c) => c.source !== c.target);
        if (off.length > 0)
          throw new DatabaseError(
            `db copy: row counts differ (${off.map((c) => `${c.table} ${c.source} -> ${c.target}`).join(', ')}); nothing was copied`,
            `${shownTo} was left as it was.`,
          );
        return counts;
      });
    } finally {
      await target.destroy();
    }
  } finally {
    await source.destroy();
  }
}

/** Copied rows keep their ids; each id sequence must continue after the largest, or the next insert collides. */
async function resetSequences(db: Kysely<any>, tables: string[]): Promise<void> {
  const serial = await sql<{ table_name: string; seq: string | null }>`
    select table_name, pg_get_serial_sequence(quote_ident(table_name), 'id') as seq from information_schema.columns
    where table_schema = current_schema() and column_name = 'id'`.execute(db);
  for (const { table_name: table, seq } of serial.rows) {
    if (!seq || !tables.includes(table)) continue;
    await sql`select setval(${seq}::regclass, coalesce((select max(id) from ${sql.table(table)}), 0) + 1, false)`.execute(
      db,
    );
  }
}
