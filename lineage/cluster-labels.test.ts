import { describe, expect, it } from 'vitest';
import { Config } from './config.js';
import { labelFor } from './cluster.js';

// Which worker label a task's runs need (evolve.json cluster.labels): a tag entry wins over the suite's.

const labels = { tb: 'big', 'tag:gpu': 'gpu', 'tag:arm64': 'arm' };

describe('cluster labels', () => {
  it('a tagged task needs its tag label, else its suite label, else none', () => {
    expect(labelFor(labels, { suite: 'tb', tags: ['gpu'] })).toBe('gpu');
    expect(labelFor(labels, { suite: 'swe', tags: ['x', 'arm64', 'gpu'] })).toBe('arm');
    expect(labelFor(labels, { suite: 'tb', tags: ['x'] })).toBe('big');
    expect(labelFor(labels, { suite: 'swe', tags: [] })).toBeUndefined();
  });

  it('evolve.json refuses a label that cannot name a queue, naming the field', () => {
    const bad = Config.safeParse({ version: 1, cluster: { storage: '/s', labels: { 'tag:gpu': 'g p u' } } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path.join('.')).toBe('cluster.labels.tag:gpu');
  });
});
