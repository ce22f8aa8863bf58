import type { Kysely } from 'kysely';
import { columnTypes } from './column-types.js';

// Studies (issue 21): replicated lineages per condition. A study's replicates are workspaces of their own under
// studies/<name>/; this workspace keeps what the study is (its conditions, replicates, generations) and, per
// replicate, its seed, folder and how far it got, so `study run` resumes and `study status` reads one table.

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('studies')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('study_replicates')
    .addColumn('study', 'text', (c) => c.notNull().references('studies.name').onDelete('cascade'))
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('replicate', t.integer, (c) => c.notNull())
    .addColumn('seed', t.integer, (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('generations_done', t.integer, (c) => c.notNull().defaultTo(0))
    .addColumn('stop_reason', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addPrimaryKeyConstraint('study_replicates_pk', ['study', 'condition', 'replicate'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('study_replicates').execute();
  await db.schema.dropTable('studies').execute();
}
