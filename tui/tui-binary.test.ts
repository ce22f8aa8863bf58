import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../lineage/db/open.js';
import { initWorkspace } from '../lineage/workspace.js';
import { seedLineage } from './testing/seed.js';
import { writeTrajectoryFixture } from './testing/trajectory-fixture.js';

// The real `evolve tui` binary in a real terminal (tmux), driven by keys as a person would.
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const BIN = resolve(import.meta.dirname, '..', 'cli', 'bin.mjs');
const session = `evolve-tui-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session);
async function waitFor(pattern: RegExp, ms = 60_000): Promise<string> {
  const end = Date.now() + ms;
  let last = '';
  while (Date.now() < end) {
    last = screen();
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`screen never matched ${pattern}; last screen:\n${last}`);
}

const suite = hasTmux || process.env.CI ? describe : describe.skip;

suite('evolve tui in a terminal', () => {
  afterAll(() => spawnSync('tmux', ['kill-session', '-t', session]));

  it('shows the tree at 80x24, opens an experiment and a cluster trajectory, searches it, and quits with q', {
    timeout: 240_000,
  }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'evolve-tui-bin-'));
    await initWorkspace(root);
    await (await openDatabase(join(root, 'evolve.db'))).destroy();
    const trajectoryPath = writeTrajectoryFixture(join(root, 'trajectory.jsonl'), { steps: 6, outputLines: 80 });
    seedLineage(join(root, 'evolve.db'), { experiments: 40, branching: 3, tasks: 4, repeats: 1, trajectoryPath });
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '80',
      '-y',
      '24',
      '-e',
      'NO_COLOR=1',
      '-e',
      'CI=false', // ink renders only a final frame when it thinks it runs in CI
      `cd ${root} && ${process.execPath} ${BIN} tui; echo EXITED=$?; sleep 30`,
    );
    const tree = await waitFor(/40 experiments/);
    expect(tree).toMatch(/exp-01 /);
    expect(tree.split('\n').every((l) => l.length <= 80)).toBe(true);
    expect(tree).toMatch(/plain text: evolve tree/);
    tmux('send-keys', '-t', session, 'g');
    tmux('send-keys', '-t', session, 'j');
    tmux('send-keys', '-t', session, 'o');
    expect(await waitFor(/hypothesis:/)).toMatch(/exp-01-a +\(generation 1/);
    tmux('send-keys', '-t', session, 'Escape');
    await waitFor(/evolve · tree/);
    tmux('send-keys', '-t', session, 'F');
    await waitFor(/Failure clusters — whole lineage/);
    tmux('send-keys', '-t', session, 'Enter');
    expect(await waitFor(/evolve · trajectory/)).toMatch(/more lines folded/);
    // Sent as one chunk, as a paste would arrive.
    tmux('send-keys', '-t', session, '-l', '/AssertionError');
    tmux('send-keys', '-t', session, 'Enter');
    const found = await waitFor(/"AssertionError" is in folded output/);
    expect(found.split('\n')[2]).toMatch(/AssertionError/);
    tmux('send-keys', '-t', session, 'q');
    expect(await waitFor(/EXITED=\d+/)).toMatch(/EXITED=0/);
  });
});
