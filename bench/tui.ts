// bench/tui: how fast the TUI opens and moves on a large lineage (10,000 experiments, 1,000,000 runs),
// side by side with a small one (100 experiments, 10,000 runs) in the same run.
// Targets: the large tree opens in under 1 s; a keypress re-renders without visible lag (< 100 ms, the usual
// perception threshold; ink itself throttles frames to ~33 ms) and costs no more on the large lineage than on the small.
// Run: npx tsx bench/tui.ts [--experiments N --tasks T --repeats R]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { openDatabase } from '../lineage/db/open.js';
import { readClusters, readExperiment } from '../lineage/read.js';
import { readLiveState } from '../lineage/read-live.js';
import { readTrajectoryBounded } from '../lineage/read-trajectory.js';
import { App } from '../tui/app.js';
import { lineageData } from '../tui/run.js';
import { seedLineage } from '../tui/testing/seed.js';
import { writeTrajectoryFixture } from '../tui/testing/trajectory-fixture.js';
import { indexTree, visibleRows } from '../tui/tree-model.js';

const { values } = parseArgs({
  options: {
    experiments: { type: 'string', default: '10000' },
    tasks: { type: 'string', default: '50' },
    repeats: { type: 'string', default: '2' },
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(experiments: number, tasks: number, repeats: number) {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-bench-tui-'));
  const file = join(dir, 'evolve.db');
  await (await openDatabase(file, { create: true })).destroy();
  const seedStart = performance.now();
  const { ids } = seedLineage(file, { experiments, branching: 4, tasks, repeats, live: true });
  const seedMs = performance.now() - seedStart;
  const db = await openDatabase(file);

  // Open: from nothing to the first frame showing the tree.
  const openStart = performance.now();
  const app = render(createElement(App, { data: lineageData(db), color: false }));
  while (!/experiments · champion/.test(app.lastFrame() ?? '')) await sleep(1);
  const openMs = performance.now() - openStart;
  await sleep(50);

  // Keypress → frame: time until the frame changes after a key, averaged over alternating keys so each one moves.
  const press = async (keys: [string, string], times: number) => {
    let total = 0;
    for (let i = 0; i < times; i++) {
      const before = app.lastFrame();
      const t = performance.now();
      app.stdin.write(keys[i % 2]!);
      while (app.lastFrame() === before && performance.now() - t < 2000) await sleep(0);
      total += performance.now() - t;
      await sleep(5);
    }
    return total / times;
  };
  const keyMs = await press(['j', 'k'], 30);
  const jumpMs = await press(['G', 'g'], 10);
  // Typing into the filter re-filters every node on each key.
  app.stdin.write('/');
  await sleep(50);
  const filterMs = await press(['a', '\u007f'], 10);
  app.stdin.write('\u001b');
  await sleep(50);
  app.unmount();

  // Worst case for flattening: every node expanded.
  const tree = await lineageData(db).tree();
  const index = indexTree(tree.nodes);
  const allOpen = new Set(tree.nodes.map((n) => n.id));
  const flatStart = performance.now();
  const rows = visibleRows(index, allOpen, null);
  const flattenMs = performance.now() - flatStart;

  const detailStart = performance.now();
  await readExperiment(db, ids[Math.floor(ids.length / 2)]!);
  const detailMs = performance.now() - detailStart;
  const liveStart = performance.now();
  await readLiveState(db);
  const liveMs = performance.now() - liveStart;
  const clustersStart = performance.now();
  await readClusters(db);
  const clustersMs = performance.now() - clustersStart;
  // A trajectory growing with the lineage (about 1 kB a step): the byte budget keeps reading it flat.
  const traj = writeTrajectoryFixture(join(dir, 'big.jsonl'), { steps: experiments, outputLines: 100 });
  const trajStart = performance.now();
  await readTrajectoryBounded(traj);
  const trajectoryMs = performance.now() - trajStart;
  await sleep(100);
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
  return {
    experiments,
    runs: experiments * tasks * repeats,
    seedMs,
    openMs,
    keyMs,
    jumpMs,
    filterMs,
    flattenMs,
    rows: rows.length,
    detailMs,
    liveMs,
    clustersMs,
    trajectoryMs,
  };
}

const n = Number(values.experiments);
const t = Number(values.tasks);
const r = Number(values.repeats);
const small = await measure(Math.max(10, Math.round(n / 100)), t, r);
const large = await measure(n, t, r);
const fmt = (x: number) => x.toFixed(1).padStart(8);
console.log('bench/tui                      small        large   large/small');
for (const [label, key] of [
  ['open tree (ms)', 'openMs'],
  ['keypress j/k → frame (ms)', 'keyMs'],
  ['keypress G/g → frame (ms)', 'jumpMs'],
  ['filter keystroke (ms)', 'filterMs'],
  ['flatten all expanded (ms)', 'flattenMs'],
  ['experiment view query (ms)', 'detailMs'],
  ['live view query (ms)', 'liveMs'],
  ['all failure clusters (ms)', 'clustersMs'],
  ['trajectory read (ms)', 'trajectoryMs'],
] as const) {
  console.log(
    `${label.padEnd(28)}${fmt(small[key])}     ${fmt(large[key])}   ${(large[key] / Math.max(0.01, small[key])).toFixed(1).padStart(8)}x`,
  );
}
console.log(
  `sizes: small ${small.experiments} experiments / ${small.runs} runs; large ${large.experiments} experiments / ${large.runs} runs (seeded in ${(large.seedMs / 1000).toFixed(1)} s)`,
);
const keys = Math.max(large.keyMs, large.jumpMs, large.filterMs);
const ok = large.openMs < 1000 && keys < 100;
console.log(
  `targets: open < 1000 ms ${large.openMs < 1000 ? 'met' : 'MISSED'}; every keypress → frame < 100 ms ${keys < 100 ? 'met' : 'MISSED'}`,
);
process.exitCode = ok ? 0 : 1;
