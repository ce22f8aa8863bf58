import type { CreateTableBuilder, Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Column types per dialect for the migrations. SQLite's INTEGER is 64-bit and its REAL a double; on Postgres those are
// `bigint` and `double precision` (its `integer` is 32-bit and `real` single precision). On SQLite every type below is
// exactly what the migrations always wrote, so existing workspaces migrate as before.

export function columnTypes(db: Kysely<any>) {
  const postgres = dialectOf(db) === 'postgres';
  return {
    postgres,
    integer: postgres ? ('bigint' as const) : ('integer' as const),
    real: postgres ? ('double precision' as const) : ('real' as const),
    /** An auto-numbered integer primary key `id`. */
    id: <T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'> =>
      postgres
        ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
        : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()),
  };
}
