import { expect, it } from 'vitest';
import { loadSuite } from '../../../tasks/suite.js';
import { describeDialects } from '../testing/postgres.js';
import { countTasks, specsOf, suiteKnown, taskKinds, tasksOf, tasksWithId, upsertSuite } from './tasks.js';

// The built-in suite written to a fresh database (SQLite, and Postgres with a test server) and read back.

describeDialects('the tasks repo', ({ open }) => {
  it('writes a suite once however often it is synced, each task on its split, and reads the specs back', async () => {
    const db = await open();
    const suite = loadSuite('builtin');
    expect(await suiteKnown(db, 'builtin')).toBe(false);
    await upsertSuite(db, suite);
    await upsertSuite(db, suite);
    expect(await suiteKnown(db, 'builtin')).toBe(true);
    const heldout = suite.tasks.filter((t) => suite.heldout.has(t.id)).map((t) => t.id);
    expect(heldout.length).toBeGreaterThan(0);
    expect((await tasksOf(db, 'builtin', 'heldout')).map((t) => t.id)).toEqual([...heldout].sort());
    expect(await countTasks(db, 'builtin', 'heldout')).toBe(heldout.length);
    expect(await countTasks(db, 'builtin', 'train')).toBe(suite.tasks.length - heldout.length);
    expect((await tasksOf(db, 'builtin', 'all')).length).toBe(suite.tasks.length);
    expect(await taskKinds(db)).toHaveLength(suite.tasks.length);
    const first = suite.tasks[0]!;
    expect((await specsOf(db, [first.id])).get(first.id)).toEqual(first);
    expect(await specsOf(db, [])).toEqual(new Map());
    expect((await tasksWithId(db, first.id)).map((r) => r.suite_id)).toEqual(['builtin']);
    expect(await tasksWithId(db, first.id, 'other')).toEqual([]);
    // A task moved to the other side of the split is moved in the database too.
    await upsertSuite(db, { ...suite, heldout: new Set([...suite.heldout, first.id]) });
    expect(await countTasks(db, 'builtin', 'heldout')).toBe(heldout.length + (suite.heldout.has(first.id) ? 0 : 1));
    await db.destroy();
  });
});
