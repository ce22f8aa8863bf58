// vitest project: postgres too
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from './db/open.js';
import { insertChild, seedRoot } from './experiments.js';
import { PromotionBlocked, promoteByPerson } from './promote-by-person.js';
import { championId } from './db/repos/decisions.js';
import { getExperiment, moveStatus } from './db/repos/experiments.js';
import { addFlags } from './db/repos/experiments.js';

it('a flagged or rejected experiment is promoted only with force, and the decision records what was forced past', async () => {
  const db = await openDatabase(join(mkdtempSync(join(tmpdir(), 'evolve-promote-')), 'evolve.db'), { create: true });
  await seedRoot(db);
  const root = await getExperiment(db, 'exp-01');
  const child = (model: string) =>
    insertChild(db, {
      parent: root,
      genome: { ...JSON.parse(root.genome), model },
      hypothesis: 'h',
      proposer: 'test',
      generation: 1,
    });
  const flagged = await child('offline-a');
  await addFlags(db, flagged.id, ['run 7 (answer-42): shadowing file: /app/pytest.py added']);
  await expect(promoteByPerson(db, flagged.id, 'looks good')).rejects.toThrow(PromotionBlocked);
  await expect(promoteByPerson(db, flagged.id, 'looks good')).rejects.toThrow(/flagged: run 7 .*pytest\.py/);
  expect(await championId(db)).toBe('exp-01');

  const forced = await promoteByPerson(db, flagged.id, 'checked by hand', { force: true });
  expect(forced.forced).toEqual(['flagged: run 7 (answer-42): shadowing file: /app/pytest.py added']);
  expect(await championId(db)).toBe(flagged.id);
  const decision = await db
    .selectFrom('decisions')
    .selectAll()
    .where('id', '=', forced.decisionId)
    .executeTakeFirstOrThrow();
  expect(decision).toMatchObject({ action: 'promote', actor: 'person' });
  expect(decision.reason).toMatch(/^checked by hand \(forced past: flagged: run 7/);
  expect(JSON.parse(decision.details)).toEqual({ forced: forced.forced });

  const rejected = await child('offline-b');
  await moveStatus(db, rejected.id, 'rejected');
  await expect(promoteByPerson(db, rejected.id, 'x')).rejects.toThrow(/it was rejected/);
  const clean = await child('offline-c');
  expect((await promoteByPerson(db, clean.id, 'fine')).forced).toEqual([]);
  await db.destroy();
});
