import { type Kysely, sql } from 'kysely';
import { columnTypes } from './column-types.js';

// Generations as transactions, and the lineage's own spend:
// - decisions carry the generation that made them and the step (`decide`, or `confirm` for the held-out check), unique
//   together per experiment, so a generation resumed after a kill records each decision once;
// - model_calls stores what the lineage's own model users (proposers, authors, self-repair, summaries) spent, apart
//   from the agent-under-test's spend on runs;
// - children written before this migration carry their parent's depth as `generation`; they get the number of the
//   generation that proposed them, as the generation rows list them.

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('decisions').addColumn('generation_id', t.integer).execute();
  await db.schema.alterTable('decisions').addColumn('step', 'text').execute();
  await sql`create unique index decisions_generation_step on decisions (generation_id, experiment_id, step) where generation_id is not null`.execute(
    db,
  );

  await db.schema
    .createTable('model_calls')
    .$call(t.id)
    .addColumn('generation_id', t.integer)
    .addColumn('experiment_id', 'text')
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('calls', t.integer, (c) => c.notNull())
    .addColumn('tokens', t.integer, (c) => c.notNull())
    .addColumn('cost_usd', t.real)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('model_calls_generation').on('model_calls').column('generation_id').execute();

  if (t.postgres) {
    // The same on Postgres (no json_each): the first generation whose config lists the experiment as a child.
    await sql`update experiments set generation = listed.id from (
        select c.value, min(g.id) as id from generations g, jsonb_array_elements_text(g.config::jsonb -> 'children') c(value)
        group by c.value
      ) listed where listed.value = experiments.id`.execute(db);
    return;
  }
  await sql`update experiments set generation = (
      select g.id from generations g, json_each(g.config, '$.children') c where c.value = experiments.id
    ) where exists (
      select 1 from generations g, json_each(g.config, '$.children') c where c.value = experiments.id
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('model_calls').execute();
  await db.schema.dropIndex('decisions_generation_step').execute();
  await db.schema.alterTable('decisions').dropColumn('step').execute();
  await db.schema.alterTable('decisions').dropColumn('generation_id').execute();
}
