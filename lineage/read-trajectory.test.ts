import { appendFileSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trajectoryEvents } from '../tui/testing/trajectory-fixture.js';
import { readTrajectoryBounded } from './read-trajectory.js';

const lines = (events: object[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

describe('readTrajectoryBounded', () => {
  it('reads a small trajectory whole', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'evolve-traj-')), 't.jsonl');
    writeFileSync(path, lines(trajectoryEvents({ steps: 3 })));
    const r = await readTrajectoryBounded(path);
    expect(r.events.map((e) => e.type)).toEqual([
      'run_start',
      'model_call',
      'tool_call',
      'model_call',
      'tool_call',
      'model_call',
      'tool_call',
      'run_end',
    ]);
    expect(r).toMatchObject({ skippedBytes: 0, gapAt: null, problems: [] });
  });

  it('reads only the head and the tail of a file larger than the budget, keeping run_end', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'evolve-traj-')), 'big.jsonl');
    const events = trajectoryEvents({ steps: 4000, outputLines: 200 });
    writeFileSync(path, lines(events));
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(4_000_000);
    const r = await readTrajectoryBounded(path, { maxBytes: 256 * 1024 });
    expect(r.bytes).toBe(size);
    expect(r.skippedBytes).toBeGreaterThan(size - 256 * 1024);
    expect(r.events[0]?.type).toBe('run_start');
    expect(r.events.at(-1)?.type).toBe('run_end');
    expect(r.gapAt).toBeGreaterThan(0);
    expect(r.events.length).toBeLessThan(events.length / 10);
    expect(r.problems).toEqual([]); // lines cut by the budget are dropped, not reported as damage
  });

  it('reports damaged lines and a missing file instead of throwing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-traj-'));
    const path = join(dir, 'bad.jsonl');
    const [start, ...rest] = trajectoryEvents({ steps: 1 });
    writeFileSync(path, `${JSON.stringify(start)}\n{not json\n${JSON.stringify({ type: 'tool_call', step: 1 })}\n`);
    appendFileSync(path, lines(rest));
    const r = await readTrajectoryBounded(path);
    expect(r.events.length).toBe(1 + rest.length);
    expect(r.problems).toEqual([
      expect.stringMatching(/bad\.jsonl:2: not valid JSON/),
      expect.stringMatching(/bad\.jsonl:3: not a trajectory event/),
    ]);
    const missing = await readTrajectoryBounded(join(dir, 'missing.jsonl'));
    expect(missing.events).toEqual([]);
    expect(missing.problems[0]).toMatch(/cannot read trajectory .*missing\.jsonl: ENOENT/);
  });
});
