import { expect, it } from 'vitest';
import { baselineGenome, insertChild, seedRoot } from '../../experiments.js';
import type { Db } from '../open.js';
import { describeDialects } from '../testing/postgres.js';
import type { ExperimentStatus } from '../schema.js';
import { ExperimentStatus as Statuses } from '../schema.js';
import { championId, recordDecision } from './decisions.js';
import { getExperiment, moveStatus, STATUS_MOVES, StatusMoveRefused, updateExperiment } from './experiments.js';

// A fresh database per test (SQLite, and Postgres when a test server is set): a root and one child of it.
async function lineage(open: () => Promise<Db>) {
  const db = await open();
  await seedRoot(db);
  const root = await getExperiment(db, 'exp-01');
  const genome = baselineGenome();
  const child = await insertChild(db, {
    parent: root,
    genome: { ...genome, model: 'other-model' },
    hypothesis: 'another model',
    proposer: 'systematic',
    generation: 1,
  });
  return { db, child: child.id };
}

const countOf = async (db: Db, table: 'decisions' | 'champions') =>
  Number((await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describeDialects('experiment status moves', ({ open }) => {
  it('a child goes proposed -> evaluating -> evaluated -> promoted, the promotion recorded with the champion', async () => {
    const { db, child } = await lineage(open);
    expect(await moveStatus(db, child, 'evaluating')).toBe(true);
    expect(await moveStatus(db, child, 'evaluated')).toBe(true);
    expect((await getExperiment(db, child)).finished_at).not.toBeNull();
    await recordDecision(db, { experimentId: child, action: 'promote', rule: 'mean', actor: 'rule', reason: 'better' });
    expect((await getExperiment(db, child)).status).toBe('promoted');
    expect(await championId(db)).toBe(child);
    // Repeating a move it already made changes nothing (a resumed step).
    expect(await moveStatus(db, child, 'promoted')).toBe(false);
    await db.destroy();
  });

  it('allows exactly the moves of STATUS_MOVES: every other one throws, naming the experiment and both statuses, and changes nothing', async () => {
    const { db, child } = await lineage(open);
    for (const from of Statuses.options) {
      for (const to of Statuses.options) {
        if (from === to) continue;
        // Put the row at `from` directly: the test sets up every state, including ones no path reaches.
        await db.updateTable('experiments').set({ status: from }).where('id', '=', child).execute();
        if (STATUS_MOVES[from].includes(to)) {
          expect(await moveStatus(db, child, to), `${from} -> ${to}`).toBe(true);
          expect((await getExperiment(db, child)).status).toBe(to);
        } else {
          const refused = await moveStatus(db, child, to).catch((e: unknown) => e);
          expect(refused, `${from} -> ${to}`).toBeInstanceOf(StatusMoveRefused);
          expect((refused as Error).message).toBe(`${child} is ${from}: it cannot become ${to}`);
          expect((await getExperiment(db, child)).status).toBe(from);
        }
      }
    }
    // Nothing ever goes back to proposed, and a failed experiment is never promoted.
    expect(Statuses.options.filter((s) => STATUS_MOVES[s].includes('proposed'))).toEqual([]);
    expect(STATUS_MOVES.failed).not.toContain('promoted' satisfies ExperimentStatus);
    await db.destroy();
  });

  it('with `from`, moves only from that status and otherwise leaves the row as it is', async () => {
    const { db, child } = await lineage(open);
    await moveStatus(db, child, 'evaluating');
    await moveStatus(db, child, 'evaluated');
    await recordDecision(db, { experimentId: child, action: 'promote', rule: 'mean', actor: 'rule', reason: 'better' });
    // A champion evaluated again on more tasks stays the champion.
    expect(await moveStatus(db, child, 'evaluating', { from: 'proposed' })).toBe(false);
    expect(await moveStatus(db, child, 'evaluated', { from: 'evaluating' })).toBe(false);
    expect((await getExperiment(db, child)).status).toBe('promoted');
    await db.destroy();
  });

  it('a decision its experiment cannot take is refused whole: no decision row, no champion, no status change', async () => {
    const { db, child } = await lineage(open);
    await recordDecision(db, {
      experimentId: child,
      action: 'fail',
      rule: 'gate',
      actor: 'system',
      reason: 'its code never passed its gates',
      learned: 'Not evaluated: its code never passed its gates',
    });
    const failed = await getExperiment(db, child);
    expect([failed.status, failed.learned]).toEqual(['failed', 'Not evaluated: its code never passed its gates']);
    const [decisions, champions] = [await countOf(db, 'decisions'), await countOf(db, 'champions')];
    await expect(
      recordDecision(db, { experimentId: child, action: 'promote', rule: 'person', actor: 'person', reason: 'try' }),
    ).rejects.toThrow(`${child} is failed: it cannot become promoted`);
    expect([await countOf(db, 'decisions'), await countOf(db, 'champions')]).toEqual([decisions, champions]);
    expect(await championId(db)).toBe('exp-01');
    expect((await getExperiment(db, child)).status).toBe('failed');
    await db.destroy();
  });

  it('other columns are written by updateExperiment, which refuses the status', async () => {
    const { db, child } = await lineage(open);
    await updateExperiment(db, child, { branch: child, score: 0.5 });
    expect(await getExperiment(db, child)).toMatchObject({ branch: child, score: 0.5, status: 'proposed' });
    await expect(updateExperiment(db, child, { status: 'promoted' } as never)).rejects.toThrow(
      /only through moveStatus/,
    );
    await db.destroy();
  });
});
