import chalk from 'chalk';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineageTree } from '../lineage/read.js';
import { App } from './app.js';
import type { TuiData } from './data.js';

// Ink draws with chalk, whose level is settled once per process from the environment (a test worker's stdout is no
// terminal: level 0). Unit files share a process (isolate: false), so set the level itself, not FORCE_COLOR before an
// import that another file may already have made, and put it back for the files after this one.
let level: typeof chalk.level;
beforeAll(() => {
  level = chalk.level;
  chalk.level = 1;
});
afterAll(() => {
  chalk.level = level;
});

const node = (id: string, parentId: string | null, score: number, status: string) => ({
  id,
  parentId,
  generation: parentId ? 1 : 0,
  change: `change of ${id}`,
  status,
  score,
  scoreLo: score - 0.1,
  scoreHi: score + 0.1,
  costUsd: 0.1,
  authoredBy: null,
  proposer: 'systematic',
  author: 'proposer systematic',
  explore: false,
  spend: { runsUsd: 0.1, lineageUsd: {}, unpriced: 0 },
});
const tree: LineageTree = {
  nodes: [
    node('exp-01', null, 0.4, 'promoted'),
    node('exp-01-a', 'exp-01', 0.6, 'evaluated'),
    { ...node('exp-01-b', 'exp-01', 0.2, 'rejected'), explore: true },
  ],
  championId: 'exp-01',
  spend: { runs: { dollars: 0.3, tokens: 0, count: 3, unpriced: 0 }, lineage: {} },
};
const data: TuiData = {
  tree: async () => tree,
  experiment: async () => null,
  clusters: async () => [],
  trajectory: async (path) => ({ path, events: [], bytes: 0, skippedBytes: 0, gapAt: null, problems: [] }),
  live: async () => ({ generation: null, experiments: [], costUsd: 0, etaSec: null, lastActivity: null, workers: [] }),
};
// SGR foreground colours (30–37, 90–97, 38;…); bold, dim and inverse are not colour.
const COLOUR = /\u001b\[(3[0-8]|9[0-7])[;m]/;

async function frameOf(color: boolean): Promise<string> {
  const app = render(<App data={data} color={color} />);
  for (let i = 0; i < 100 && !/exp-01-b/.test(app.lastFrame() ?? ''); i++) await new Promise((r) => setTimeout(r, 20));
  const frame = app.lastFrame() ?? '';
  app.unmount();
  return frame;
}

describe('colour', () => {
  it('colours deltas and statuses when on, and writes no colour at all when off (NO_COLOR)', async () => {
    const on = await frameOf(true);
    expect(on).toMatch(/\u001b\[32m +\+20/); // exp-01-a is 20 points above its parent: green
    expect(on).toMatch(/\u001b\[31m +-20/); // exp-01-b 20 below: red
    expect(on).toMatch(/\u001b\[33m\(explore\) /); // exp-01-b was kept regardless of the rule: yellow
    const off = await frameOf(false);
    expect(off).toMatch(/exp-01-a .*\+20/);
    expect(off).not.toMatch(COLOUR);
    expect(off).toMatch(/exp-01-b +\(explore\) change of exp-01-b/); // the mark is text, so it stays
    // Without colour the cursor is still visible as a mark, not only as inverse video.
    expect(off.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/›▾★exp-01 /);
  });
});
