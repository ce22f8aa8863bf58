import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../lineage/db/open.js';
import { App } from './app.js';
import type { TuiData } from './data.js';
import { lineageData } from './run.js';
import { seedLineage } from './testing/seed.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
async function until(frame: () => string | undefined, pattern: RegExp, ms = 2000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const f = frame() ?? '';
    // Once it matches, give ink a moment to attach the new input handler, as a person's keypress would.
    if (pattern.test(f)) return tick(40).then(() => f);
    if (Date.now() > end) return f;
    await tick(20);
  }
}

let db: Db;
let dir: string;
let data: TuiData;
let champion: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'evolve-tui-'));
  const file = join(dir, 'evolve.db');
  await (await openDatabase(file, { create: true })).destroy();
  champion = seedLineage(file, { experiments: 13, branching: 3, tasks: 6, repeats: 2, live: true }).champion;
  db = await openDatabase(file);
  data = lineageData(db);
});
// Let unmounted views finish their last poll before the database closes.
afterEach(async () => {
  await tick(120);
  await db.destroy();
});

describe('evolve tui', () => {
  it('opens on the tree with the champion marked and the path to it expanded', async () => {
    const { lastFrame, unmount } = render(<App data={data} color={false} />);
    const frame = await until(lastFrame, /exp-01/);
    expect(frame).toMatch(/13 experiments · champion /);
    expect(frame).toContain(`★${champion}`);
    expect(frame).toMatch(/▾ .*exp-01 .*root: baseline genome/);
    unmount();
  });

  it('moves with j/k, collapses with h, expands with l, jumps with g/G', async () => {
    const { lastFrame, stdin, unmount } = render(<App data={data} color={false} />);
    await until(lastFrame, /exp-01/);
    stdin.write('h'); // collapse the root
    let frame = await until(lastFrame, /▸ +★?exp-01 /);
    const body = (f: string) => f.split('\n').slice(1).join('\n');
    expect(body(frame)).not.toMatch(/exp-01-a/);
    stdin.write('l');
    frame = await until(lastFrame, /exp-01-a/);
    expect(frame).toMatch(/▾ +★?exp-01 /);
    // Movement is checked by what `o` opens.
    const openSelected = async () => {
      stdin.write('o');
      const f = await until(lastFrame, /hypothesis:/);
      stdin.write('\u001b');
      await until(lastFrame, /evolve · tree/);
      return f.split('\n')[1] ?? '';
    };
    stdin.write('j');
    expect(await openSelected()).toMatch(/^exp-01-a /);
    stdin.write('k');
    expect(await openSelected()).toMatch(/^exp-01 /);
    stdin.write('G');
    expect(await openSelected()).toMatch(/^exp-01-c-c /);
    stdin.write('g');
    expect(await openSelected()).toMatch(/^exp-01 /);
    unmount();
  });

  it('filters with / and shows matches with their ancestors', async () => {
    const { lastFrame, stdin, unmount } = render(<App data={data} color={false} />);
    await until(lastFrame, /exp-01/);
    stdin.write('/');
    await tick();
    for (const ch of 'exp-01-b-c') stdin.write(ch);
    stdin.write('\r');
    const frame = await until(lastFrame, /filter "exp-01-b-c"/);
    expect(frame).toMatch(/exp-01-b-c/);
    expect(frame).toMatch(/exp-01-b /);
    expect(frame).not.toMatch(/exp-01-a /);
    unmount();
  });

  it('opens an experiment with its grid and the parent beside it, then its failures and a trajectory', async () => {
    const traj = join(dir, 'run.jsonl');
    const event = { type: 'tool_call', ts: 1, step: 1, callId: 'c1', name: 'bash', args: { command: 'python3 -m pytest' }, status: 'ok', exitCode: 1, output: 'FAILED tests/test_x.py::test_y', truncated: false, durationMs: 40 };
    writeFileSync(traj, `${JSON.stringify(event)}\n`);
    await db.updateTable('runs').set({ trajectory_path: traj }).execute();
    const { lastFrame, stdin, unmount } = render(<App data={data} color={false} />);
    await until(lastFrame, /exp-01/);
    stdin.write('o');
    let frame = await until(lastFrame, /hypothesis:/);
    expect(frame).toMatch(/exp-01 +\(generation 0/);
    expect(frame).toMatch(/task-000 +[✓✗] [✓✗]/);
    stdin.write('f');
    frame = await until(lastFrame, /Failure clusters — exp-01/);
    expect(frame).toMatch(/\d+ +(empty patch|step limit|fix broke|repeated identical)/);
    stdin.write('\r');
    frame = await until(lastFrame, /FAILED tests/);
    expect(frame).toContain('FAILED tests/test_x.py::test_y');
    stdin.write('\u001b'); // esc back to failures
    frame = await until(lastFrame, /Failure clusters/);
    expect(frame).toMatch(/Failure clusters/);
    unmount();
  });

  it('follows a running evaluation in the live view', async () => {
    const { lastFrame, stdin, unmount } = render(<App data={data} color={false} pollMs={50} />);
    await until(lastFrame, /exp-01/);
    stdin.write('L');
    const frame = await until(lastFrame, /updated/);
    const live = frame.split('\n').find((l) => /^exp-01-\S+ +\d/.test(l)) ?? '';
    // 6 tasks x 2 repeats, the first half done, one task's two repeats running, the rest pending.
    expect(live).toMatch(/ 6 +2 +0 +4 /);
    unmount();
  });

  it('quits with q: keys after it change nothing', async () => {
    const { lastFrame, stdin, frames } = render(<App data={data} color={false} />);
    await until(lastFrame, /exp-01/);
    stdin.write('q');
    await tick(300); // let any render queued before the quit land
    const settled = frames.length;
    stdin.write('j');
    stdin.write('o');
    await tick(300);
    expect(frames.length).toBe(settled);
  });
});
