import { expect, it } from 'vitest';
import { baselineGenome, insertChild, seedRoot } from '../experiments.js';
import { readExperimentSpend } from '../spend.js';
import { getExperiment } from './repos/experiments.js';
import { describeDialects } from './testing/postgres.js';

// `in ()` is a syntax error on Postgres (SQLite reads it as false): every database evolve opens rewrites an empty list
// (lineage/db/empty-in.ts), so the same query means the same on both.

describeDialects('an empty in-list', ({ open }) => {
  it('matches nothing with in and everything with not in, alone and inside and/or', async () => {
    const db = await open();
    await seedRoot(db);
    await insertChild(db, {
      parent: await getExperiment(db, 'exp-01'),
      genome: { ...baselineGenome(), model: 'other-model' },
      hypothesis: 'another model',
      proposer: 'systematic',
      generation: 1,
    });
    const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id);
    const none: string[] = [];
    expect(await db.selectFrom('experiments').select('id').where('id', 'in', none).execute()).toEqual([]);
    expect(
      ids(await db.selectFrom('experiments').select('id').where('id', 'not in', none).orderBy('id').execute()),
    ).toEqual(['exp-01', 'exp-01-a']);
    const either = await db
      .selectFrom('experiments')
      .select('id')
      .where((eb) => eb.or([eb('id', 'in', none), eb('id', '=', 'exp-01')]))
      .execute();
    expect(ids(either)).toEqual(['exp-01']);
    expect(
      Number(
        (await db.updateTable('experiments').set({ hypothesis: 'x' }).where('id', 'in', none).executeTakeFirst())
          .numUpdatedRows,
      ),
    ).toBe(0);
    // Through a reader: the spend of no experiments is empty, not an error.
    expect((await readExperimentSpend(db, [])).size).toBe(0);
    expect([...(await readExperimentSpend(db)).keys()].sort()).toEqual([]);
    await db.destroy();
  });
});
