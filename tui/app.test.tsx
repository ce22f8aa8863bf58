// vitest project: postgres too
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../lineage/db/open.js';
import { App } from './app.js';
import type { TuiData } from './data.js';
import { colorEnabled, lineageData } from './run.js';
import { SEED_NOW, seedLineageInto } from './testing/seed.js';
import { writeTrajectoryFixture } from './testing/trajectory-fixture.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
async function until(frame: () => string | undefined, pattern: RegExp, ms = 3000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const f = frame() ?? '';
    // Once it matches, give ink a moment to attach the new input handler, as a person's keypress would.
    if (pattern.test(f)) return tick(40).then(() => f);
    if (Date.now() > end) return f;
    await tick(20);
  }
}
const body = (f: string) => f.split('\n').slice(1, -2).join('\n');
/** The line of the frame the cursor mark is on. */
const cursorLine = (f: string) => f.split('\n').find((l) => l.startsWith('›')) ?? '';

let db: Db;
let dir: string;
let data: TuiData;
let champion: string;
let trajectory: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'evolve-tui-'));
  const file = join(dir, 'evolve.db');
  db = await openDatabase(file, { create: true });
  trajectory = writeTrajectoryFixture(join(dir, 'trajectory.jsonl'), { steps: 8, outputLines: 60 });
  // 13 experiments: exp-01, its children a b c, their children; exp-01-c's generation is running.
  champion = (
    await seedLineageInto(db, {
      experiments: 13,
      branching: 3,
      tasks: 6,
      repeats: 2,
      live: true,
      trajectoryPath: trajectory,
    })
  ).champion;
  data = lineageData(db, { now: () => SEED_NOW });
});
// Let unmounted views finish their last poll before the database closes.
afterEach(async () => {
  await tick(120);
  await db.destroy();
});

describe('evolve tui: tree', () => {
  it('opens on the champion, marked, with the path to it expanded; rows show score bar, delta, status, authorship and explore', async () => {
    // exp-01-b was kept regardless of the rule (lineage.exploreEvery): readTree finds its `explore` decision.
    await db
      .insertInto('decisions')
      .values({
        experiment_id: 'exp-01-b',
        action: 'explore',
        rule: 'paired-significant',
        actor: 'rule',
        reason: 'explore: child 2 of the lineage',
        details: '{}',
        created_at: SEED_NOW.toISOString(),
      })
      .execute();
    const { lastFrame, unmount } = render(<App data={data} color={false} />);
    const frame = await until(lastFrame, /exp-01/);
    expect(frame).toMatch(/13 experiments · champion /);
    expect(cursorLine(frame)).toContain(`★${champion}`);
    expect(frame).toMatch(/▾ +exp-01 .*root: baseline genome/);
    // exp-01-c was authored by exp-01 (self-authoring); its score has an interval bar and a signed delta.
    expect(frame).toMatch(/exp-01-c +✎exp-01 memory: full -> window/);
    expect(frame).toMatch(/exp-01-a .* \d+% .*[█▓▒░]{8,10} +(\+\d+|-\d+|±0) evaluated/);
    // The explore child says so in plain text, as `evolve tree` does; the others do not.
    expect(frame).toMatch(/exp-01-b +\(explore\) memory: full -> window/);
    expect(frame.match(/\(explore\)/g)).toHaveLength(1);
    // The running generation: one child evaluating (unscored), one proposed.
    expect(frame).toMatch(/exp-01-c-b .*·{8} +evaluating/);
    expect(frame).toMatch(/plain text: evolve tree/);
    unmount();
  });

  it('moves with j/k, collapses with h, expands with l, jumps with g/G and c', async () => {
    const { lastFrame, stdin, unmount } = render(<App data={data} color={false} />);
    await until(lastFrame, /exp-01/);
    stdin.write('g');
    let frame = await until(lastFrame, /^›▾ +exp-01 /m);
    stdin.write('h'); // collapse the root
    frame = await until(lastFrame, /▸ +★?exp-01 /);
    expect(body(frame)).not.toMatch(/exp-01-a/);
    stdin.write('l');
    frame = await until(lastFrame, /exp-01-a/);
    expect(frame).toMatch(/▾ +★?exp-01 /);
    stdin.write('j');
    expect(cursorLine(await until(lastFrame, /^› +. ?exp-01-a /m))).toMatch(/exp-01-a /);
    stdin.write('l'); // expand exp-01-a: its children appear below it
    frame = await until(lastFrame, /exp-01-a-a/);
    stdin.write('j');
    expect(cursorLine(await until(lastFrame, /^› .*exp-01-a-a /m))).toMatch(/exp-01-a-a /);
    stdin.write('h'); // on a leaf, h goes to the parent
    expect(cursorLine(await until(lastFrame, /^› +▾.?exp-01-a /m))).toMatch(/exp-01-a /);
    stdin.write('G');
    expect(cursorLine(await until(lastFrame, /^› .*exp-01-c-c /m))).toMatch(/exp-01-c-c .*proposed/);
    stdin.write('c');
    expect(cursorLine(await until(lastFrame, new RegExp(`^› .*★${champion} `, 'm')))).toContain(champion);
    // Opening shows the experiment under the cursor.
    stdin.write('g');
    await until(lastFrame, /^›▾ +exp-01 /m);
    stdin.write('o');
    frame = await until(lastFrame, /hypothesis:/);
    expect(frame.split('\n')[1]).toMatch(/^exp-01 +\(generation 0/);
    unmount();
  });

  it('filters with / (keys typed faster than frames) and shows matches with their ancestors; esc clears', async () => {
    const { lastFrame, stdin, unmount } = render(<App data={data} color={false} />);
    await until(lastFrame, /exp-01/);
    // Keys faster than frames, then a paste-like chunk: every key must see the state the previous one left.
    for (const ch of '/exp-01') stdin.write(ch);
    stdin.write('-b-c\r');
    let frame = await until(lastFrame, /filter "exp-01-b-c"/);
    expect(frame).toMatch(/filter "exp-01-b-c"/);
    expect(body(frame)).toMatch(/exp-01-b-c /);
    expect(body(frame)).toMatch(/exp-01-b /);
    expect(body(frame)).not.toMatch(/exp-01-a /);
    stdin.write('\u001b');
    frame = await until(lastFrame, /^(?![\s\S]*filter ")[\s\S]*exp-01-a /);
    expect(frame).not.toMatch(/filter "/);
    unmount();
  });

  it('redraws at 80x24 when the terminal is resized: no line wider than 80, at most 23 lines', async () => {
    const app = render(<App data={data} color={false} />);
    await until(app.lastFrame, /exp-01/);
    expect(Math.max(...(app.lastFrame() ?? '').split('\n').map((l) => l.length))).toBeGreaterThan(80);
    Object.defineProperty(app.stdout, 'columns', { get: () => 80, configurable: true });
    Object.assign(app.stdout, { rows: 24 });
    app.stdout.emit('resize');
    await tick(100);
    const lines = (app.lastFrame() ?? '').split('\n');
    expect(lines.every((l) => [...l].length <= 80)).toBe(true);
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(lines.at(-2)).toMatch(/^jk move .* L live  S studies$/); // the keys fit, not cut with …
    expect(lines.join('\n')).toMatch(/exp-01 .*root: baseline/);
    app.unmount();
  });
});

describe('evolve tui: experiment, failures, trajectory', () => {
  it('opens an experiment: hypothesis, genome diff, grid beside the parent, cost and tokens, decision and its rule', async () => {
    await db
      .insertInto('decisions')
      .values({
        experiment_id: 'exp-01-a',
        action: 'keep',
        rule: 'paired-significant',
        actor: 'rule',
        reason: 'not better by the rule (p=0.41)',
        details: '{}',
        created_at: SEED_NOW.toISOString(),
      })
      .execute();
    // What the lineage's own model calls spent writing it (an author, self-repair) is its spend too.
    await db
      .insertInto('model_calls')
      .values({
        generation_id: null,
        experiment_id: 'exp-01-a',
        purpose: 'self-repair',
        label: 'self-repair exp-01-a',
        model: 'scripted',
        calls: 3,
        tokens: 900,
        cost_usd: 0.01,
        created_at: SEED_NOW.toISOString(),
      })
      .execute();
    const { lastFrame, stdin, unmount } = render(<App data={data} color={false} />);
    expect(await until(lastFrame, /spent \$/)).toMatch(/spent \$\d+\.\d{4}/);
    for (const ch of '/exp-01-a\r') stdin.write(ch);
    await until(lastFrame, /filter "exp-01-a"/);
    stdin.write('j');
    stdin.write('o');
    const frame = await until(lastFrame, /hypothesis:/);
    expect(frame).toMatch(/exp-01-a +\(generation 1, evaluated, child of exp-01\)/);
    expect(frame).toMatch(/hypothesis: A bounded window keeps the context focused\./);
    expect(frame).toMatch(/written by: proposer \w+/);
    expect(frame).toMatch(/genome: +memory\.name: "full" → "window"/);
    expect(frame).toMatch(/memory\.params\.turns: – → 5/);
    expect(frame).toMatch(/spend: +\$0\.0580 \(runs \$0\.0480, self-repair \$0\.0100\) +tokens 18\.0k +runs 12/);
    expect(frame).toMatch(/decision: +keep by rule, rule paired-significant: not better by the rule/);
    expect(frame).toMatch(/resolved \d+\/12 vs parent \d+\/12/);
    expect(frame).toMatch(/task +this +parent/);
    expect(frame).toMatch(/task-000 +[✓✗] [✓✗] +[✓✗] [✓✗]/);
    expect(frame).toMatch(/plain text: experiments\/exp-01-a\/README\.md/);
    unmount();
  });

  it('shows failure clusters with counts and tasks; enter opens a trajectory, folded, with usage; z unfolds', async () => {
    const { lastFrame, stdin, unmount } = render(<App data={data} color={false} />);
    await until(lastFrame, /exp-01/);
    stdin.write('F');
    let frame = await until(lastFrame, /Failure clusters — whole lineage/);
    expect(frame).toMatch(
      /› +\d+ runs +(empty patch|step limit|fix broke|repeated identical).* — \d tasks?: task-00\d/,
    );
    expect(frame).toMatch(/plain text: evolve failures --cluster c-/);
    stdin.write('\r');
    frame = await until(lastFrame, /evolve · trajectory/);
    expect(frame).toMatch(/usage: 8 model calls, 6000 in \/ 320 out tokens, \$0\.0210/);
    expect(frame).toMatch(/\[step 1\] model offline \(agent\): in 1200 \/ out 80 tokens/);
    expect(frame).toMatch(/\$ bash: ls -R src \(exit 0, 120 ms, 60 lines\)/);
    expect(frame).toMatch(/⋯ 57 more lines folded \(z unfolds\)/);
    expect(frame).toContain(`file: ${trajectory}`);
    stdin.write('z');
    frame = await until(lastFrame, /unfolded/);
    expect(frame).toMatch(/module_010\.py/);
    stdin.write('\u001b');
    frame = await until(lastFrame, /Failure clusters/);
    unmount();
  });

  it('pages and searches a trajectory: space/b, G, / finds a word (unfolding when it is folded away), n/N', async () => {
    const { lastFrame, stdin, unmount } = render(<App data={data} color={false} />);
    await until(lastFrame, /exp-01/);
    stdin.write('F');
    await until(lastFrame, /Failure clusters/);
    stdin.write('\r');
    let frame = await until(lastFrame, /evolve · trajectory/);
    const range = (f: string) =>
      /(\d+)-(\d+)\/(\d+)/
        .exec(f.split('\n')[1] ?? '')!
        .slice(1)
        .map(Number);
    const [first, , total] = range(frame);
    expect(first).toBe(1);
    stdin.write(' ');
    frame = await until(lastFrame, /  20-/);
    expect(range(frame)[0]).toBe(1 + 19); // one page: 24 rows - header - two footer lines - spare - title
    stdin.write('b');
    frame = await until(lastFrame, /  1-\d+\//);
    stdin.write('G');
    frame = await until(lastFrame, new RegExp(`-${total}/${total}`));
    expect(frame).toMatch(/# ended: step_limit after 8 steps/);
    // module_042.py is only in the folded part of the listing.
    for (const ch of 'gg/module_042\r') stdin.write(ch);
    frame = await until(lastFrame, /is in folded output: unfolded/);
    expect(frame.split('\n')[2]).toMatch(/module_042\.py/);
    for (const ch of '/AssertionError\r') stdin.write(ch);
    frame = await until(lastFrame, /\/AssertionError/);
    const firstHit = range(frame)[0]!;
    expect(frame.split('\n')[2]).toMatch(/AssertionError/);
    stdin.write('n');
    frame = await until(lastFrame, new RegExp(`  (?!${firstHit}-)\\d+-\\d+/`));
    const secondHit = range(frame)[0]!;
    expect(secondHit).toBeGreaterThan(firstHit);
    stdin.write('N');
    frame = await until(lastFrame, new RegExp(`  ${firstHit}-`));
    expect(range(frame)[0]).toBe(firstHit);
    for (const ch of '/no-such-words\r') stdin.write(ch);
    expect(await until(lastFrame, /no match for "no-such-words"/)).toMatch(/no match/);
    unmount();
  });

  it('says so when a cluster has no trajectory to open, and esc goes back where it came from', async () => {
    await db.updateTable('runs').set({ trajectory_path: null }).execute();
    const { lastFrame, stdin, unmount } = render(<App data={data} color={false} />);
    await until(lastFrame, /exp-01/);
    for (const ch of 'go') stdin.write(ch);
    await until(lastFrame, /hypothesis:/);
    stdin.write('f');
    await until(lastFrame, /Failure clusters — exp-01/);
    stdin.write('\r');
    expect(await until(lastFrame, /no trajectory recorded for/)).toMatch(/no trajectory recorded for the runs of c-/);
    stdin.write('\u001b');
    expect(await until(lastFrame, /evolve · experiment/)).toMatch(/hypothesis:/);
    stdin.write('\u001b');
    expect(await until(lastFrame, /evolve · tree/)).toMatch(/evolve · tree/);
    unmount();
  });
});

describe('evolve tui: live view, colour, quitting', () => {
  it('follows the running generation from the database: per child done, running, failed, ETA, dollars', async () => {
    const { lastFrame, stdin, unmount } = render(<App data={data} color={false} pollMs={50} now={() => SEED_NOW} />);
    await until(lastFrame, /exp-01/);
    stdin.write('L');
    let frame = await until(lastFrame, /generation 1 from exp-01-c/);
    // exp-01-c-a finished; exp-01-c-b half done (6 of 12, the 7th task's two repeats running, 4 pending), ten
    // minutes in, so ten more; exp-01-c-c waits its turn, estimated at the ten minutes a finished one took.
    expect(frame).toMatch(/generation 1 from exp-01-c · \$[\d.]+ so far · ETA 20m00s/);
    expect(frame).toMatch(/[★▲]exp-01-c +█{8} +12\/12 +\d+ +0 +0 +0 +done/);
    expect(frame).toMatch(/ exp-01-c-b +█{4}▒{2}░{2} +6\/12 +\d+ +2 +0 +4 +10m00s +\$0\.024/);
    expect(frame).toMatch(/ exp-01-c-c +·{8} +waiting/);
    expect(frame).toMatch(/last run activity 6m30s ago/);
    // Another process finishes the running runs; the view follows.
    await db
      .updateTable('runs')
      .set({ status: 'done', outcome: 'resolved', cost_usd: 0.004, finished_at: SEED_NOW.toISOString() })
      .where('experiment_id', '=', 'exp-01-c-b')
      .where('status', '=', 'running')
      .execute();
    frame = await until(lastFrame, /exp-01-c-b +\S+ +8\/12/);
    expect(frame).toMatch(/ exp-01-c-b +\S+ +8\/12 +\d+ +0 +0 +4 +.* \$0\.032/);
    unmount();
  });

  it('NO_COLOR turns colour off', () => {
    expect(colorEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({}, false)).toBe(false);
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
