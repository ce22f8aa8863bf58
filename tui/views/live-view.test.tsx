import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExperimentProgress, LiveState } from '../../lineage/read-api.js';
import { LiveView } from './live-view.js';

// The live view of a cluster evaluation: how many runs wait in the queue, how many run, and on which workers.

const progress = (over: Partial<ExperimentProgress>): ExperimentProgress => ({
  experimentId: 'exp-01',
  role: 'eval',
  change: '',
  status: 'evaluating',
  total: 12,
  done: 5,
  resolved: 3,
  running: 3,
  failed: 0,
  pending: 4,
  queued: false,
  costUsd: 0.005,
  etaSec: 60,
  ...over,
});

const state = (experiments: ExperimentProgress[], workers: LiveState['workers']): LiveState => ({
  generation: null,
  experiments,
  costUsd: 0.005,
  etaSec: 60,
  lastActivity: null,
  workers,
});

// Unmount each view: a mounted ink instance keeps its signal handlers on the process the next test file runs in.
afterEach(cleanup);

describe('live view on a cluster', () => {
  it('says how many runs are queued and which workers run the rest', () => {
    const live = state(
      [progress({ queued: true })],
      [
        { worker: '101@node-a', running: 2, experiments: ['exp-01'] },
        { worker: '202@node-b', running: 1, experiments: ['exp-01'] },
      ],
    );
    const { lastFrame } = render(<LiveView live={live} updatedAt="12:00:00" idleSec={1} width={140} height={20} />);
    const frame = lastFrame()!;
    expect(frame).toContain('cluster: 4 queued, 3 running on 2 workers');
    expect(frame).toContain('workers: 101@node-a 2 running · 202@node-b 1 running');
    expect(frame).toMatch(/exp-01 +\S+ +5\/12 +3 +3 +0 +4 /);
  });

  it('flags a queued evaluation that no worker is serving', () => {
    const live = state([progress({ queued: true, running: 0, pending: 7 })], []);
    const { lastFrame } = render(<LiveView live={live} updatedAt="12:00:00" idleSec={1} width={140} height={20} />);
    expect(lastFrame()).toContain('cluster: 7 queued, 0 running on 0 workers');
    expect(lastFrame()).toContain('none holds a run');
  });

  it('an in-process evaluation shows no cluster line', () => {
    const live = state([progress({})], [{ worker: '303@here', running: 3, experiments: ['exp-01'] }]);
    const { lastFrame } = render(<LiveView live={live} updatedAt="12:00:00" idleSec={1} width={140} height={20} />);
    expect(lastFrame()).not.toContain('cluster:');
    expect(lastFrame()).not.toContain('workers:');
  });
});
