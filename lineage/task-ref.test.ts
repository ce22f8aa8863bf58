// vitest project: postgres too
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Task } from '../tasks/schema.js';
import { syncSuite } from './suites.js';
import { resolveTask } from './task-ref.js';
import { initWorkspace, openWorkspace, type Workspace } from './workspace.js';

// Suites are namespaces: two suites with a same-named task keep their own spec and split, and a bare id that both
// have is an error naming the candidates.

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

const task = (suite: string, statement: string) =>
  Task.parse({
    id: 'fix-1',
    suite,
    kind: 'swebench',
    statement,
    environment: { image: 'x' },
    workspace: { kind: 'image' },
    grader: { kind: 'swebench', testPatch: '', testCommand: 'true', failToPass: [], passToPass: [] },
  });

describe('suites as namespaces', () => {
  it("keeps both suites' same-named tasks, resolves suite/task, and names the candidates for an ambiguous bare id", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-ns-'));
    await initWorkspace(dir);
    ws = await openWorkspace(dir);
    for (const [suite, heldout] of [
      ['alpha', true],
      ['beta', false],
    ] as const)
      await syncSuite(ws.db, {
        name: suite,
        source: suite,
        tasks: [task(suite, `${suite}'s statement`)],
        heldout: new Set(heldout ? ['fix-1'] : []),
        subsets: {},
      });
    const rows = await ws.db.selectFrom('tasks').select(['suite_id', 'split']).orderBy('suite_id').execute();
    expect(rows).toEqual([
      { suite_id: 'alpha', split: 'heldout' },
      { suite_id: 'beta', split: 'train' },
    ]);
    expect((await resolveTask(ws, 'alpha/fix-1')).statement).toBe("alpha's statement");
    expect((await resolveTask(ws, 'fix-1', 'beta')).statement).toBe("beta's statement");
    await expect(resolveTask(ws, 'fix-1')).rejects.toMatchObject({
      message: expect.stringMatching(/fix-1 is in more than one suite: alpha\/fix-1, beta\/fix-1/),
      hint: expect.stringMatching(/--suite/),
    });
  });
});
