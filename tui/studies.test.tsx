// vitest project: postgres too
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseCondition } from '../lineage/study/condition.js';
import { runStudy } from '../lineage/study/run-study.js';
import { createStudy } from '../lineage/study/studies.js';
import { scriptedLandscape, studyWorkspace } from '../lineage/study/testing.js';
import type { Workspace } from '../lineage/workspace.js';
import { App } from './app.js';
import { lineageData } from './run.js';

// The TUI's studies view on a real study (workspaces and SQLite files, scripted evaluator): S from the tree opens it.

let ws: Workspace;
beforeAll(async () => {
  ws = await studyWorkspace();
  await createStudy(ws.db, 'pair', {
    conditions: [parseCondition('random: proposer=random'), parseCondition('systematic: proposer=systematic')],
    replicates: 2,
    generations: 1,
    seed: 3,
    shared: { subset: 3, children: 1, evidenceRounds: 0 },
  });
  await runStudy(ws, 'pair', { eval: { wiring: scriptedLandscape() } });
}, 120_000);
afterAll(async () => ws?.close());

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
async function until(frame: () => string | undefined, pattern: RegExp, ms = 5000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const f = frame() ?? '';
    if (pattern.test(f)) return tick(40).then(() => f);
    if (Date.now() > end) return f;
    await tick(20);
  }
}

it('S opens the studies: each replicate with its progress, champion, score and sparkline; esc goes back', async () => {
  const app = render(<App data={lineageData(ws.db, { root: ws.paths.root })} color={false} />);
  try {
    await until(app.lastFrame, /exp-01/);
    app.stdin.write('S');
    const f = await until(app.lastFrame, /Study pair/);
    expect(f).toMatch(/Study pair — random vs systematic, 4\/4 replicates done/);
    for (const line of ['random +r1 ', 'systematic +r1 ', 'random +r2 ', 'systematic +r2 '])
      expect(f).toMatch(new RegExp(`${line}+done +gen 1/1 +exp-\\S+ +\\d+\\.\\d% +[▁-█]{2}`));
    expect(f).toMatch(/plain text: evolve study status pair/);
    app.stdin.write('\u001b');
    expect(await until(app.lastFrame, /S studies/)).not.toMatch(/Study pair/);
  } finally {
    app.unmount();
  }
});
