// vitest project: postgres too
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCondition } from '../study/condition.js';
import { runStudy } from '../study/run-study.js';
import { createStudy, getStudy } from '../study/studies.js';
import { scriptedLandscape, studyWorkspace } from '../study/testing.js';
import { openWorkspace, type Workspace } from '../workspace.js';

// A study condition in which the champion authors its children (author=champion): the replicate's generations go
// through the authoring hook; here the root's model (offline) cannot write code or proposals, so each generation
// says so and the systematic proposer writes the children, and the replicate still completes.

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

describe('study conditions with author=champion', () => {
  it('parse, and grow each replicate through the champion, falling back as documented', async () => {
    expect(parseCondition('self: author=champion, authorMode=genome').settings).toEqual({
      author: 'champion',
      authorMode: 'genome',
    });
    expect(() => parseCondition('x: author=person')).toThrow(/author/);
    ws = await studyWorkspace();
    await createStudy(ws.db, 'auth', {
      conditions: [parseCondition('self: author=champion, model=offline')],
      replicates: 1,
      generations: 1,
      seed: 3,
      shared: { subset: 4, children: 2, evidenceRounds: 0, rule: 'mean' },
    });
    await runStudy(ws, 'auth', { eval: { wiring: scriptedLandscape() } });
    const study = await getStudy(ws.db, 'auth');
    expect(study.replicates.map((r) => r.status)).toEqual(['done']);
    const rws = await openWorkspace(join(ws.paths.root, study.replicates[0]!.path));
    try {
      const gen = await rws.db.selectFrom('generations').select('config').executeTakeFirstOrThrow();
      expect(JSON.parse(gen.config).author).toMatchObject({
        requested: 'champion',
        proposer: 'systematic',
        note: expect.stringMatching(/writes no code children: its model "offline" cannot author code/),
      });
    } finally {
      await rws.close();
    }
  }, 300_000);
});
