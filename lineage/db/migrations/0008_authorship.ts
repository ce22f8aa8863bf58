import type { Kysely } from 'kysely';

// Authorship as a chain: each experiment records who wrote it (a person, a proposer and its model, or an agent of the
// lineage at a commit with its model), as JSON. Rows from before stay null and are read from `proposer` and
// `authored_by` (lineage/authorship.ts).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('experiments').addColumn('authorship', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('experiments').dropColumn('authorship').execute();
}
