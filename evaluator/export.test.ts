import { describe, expect, it } from 'vitest';
import {
  experimentsJsonl,
  exportStatus,
  predictions,
  resultsTsv,
  swebenchReport,
  type ExperimentExport,
} from './export.js';
import type { StoredRun } from './store.js';

const run = (
  taskId: string,
  repeat: number,
  status: StoredRun['status'],
  outcome: StoredRun['outcome'],
  patchPath: string | null = `/p/${taskId}-${repeat}`,
): StoredRun => ({
  id: 0,
  evaluationId: 1,
  experimentId: 'exp-02',
  actor: 'agent',
  genomeHash: 'g',
  code: 'installed',
  suiteId: 'mini',
  taskId,
  content: 'c',
  repeat,
  status,
  outcome,
  exitReason: null,
  infraError: null,
  attempts: 1,
  inputTokens: null,
  outputTokens: null,
  costUsd: null,
  durationMs: null,
  steps: null,
  trajectoryPath: null,
  patchPath,
  report: null,
  worker: null,
  startedAt: null,
  finishedAt: null,
});
const patches: Record<string, string> = { '/p/a-0': 'diff a0', '/p/a-1': 'diff a1', '/p/b-0': '', '/p/c-0': 'diff c0' };
const read = (p: string) => patches[p] ?? '';

describe('exports', () => {
  const exp: ExperimentExport = {
    id: 'exp-02',
    commit: 'abc1234',
    status: 'kept',
    description: 'memory: full -> window\t(n=8)',
    resolveRate: 0.5,
    ciLo: 0.2,
    ciHi: 0.8,
    tasks: 4,
    runs: 4,
    heldout: { resolveRate: 0.25, ciLo: 0.05, ciHi: 0.7, tasks: 4, runs: 4 },
    costUsd: 1.5,
    tokens: 1200,
    wallSeconds: 90,
    diffSize: 2,
    parentId: 'exp-01',
  };
  it('results.tsv has the autoresearch columns, one line per experiment, no stray tabs', () => {
    const tsv = resultsTsv([
      exp,
      {
        ...exp,
        id: 'exp-03',
        status: 'crash',
        resolveRate: null,
        ciLo: null,
        ciHi: null,
        heldout: null,
        costUsd: null,
        tokens: null,
      },
    ]);
    const lines = tsv
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(lines[0]).toEqual([
      'commit',
      'resolve_rate',
      'ci_lo',
      'ci_hi',
      'heldout_resolve_rate',
      'cost_usd',
      'tokens',
      'status',
      'description',
    ]);
    expect(lines[1]).toEqual([
      'abc1234',
      '0.500000',
      '0.200000',
      '0.800000',
      '0.250000',
      '1.5000',
      '1200',
      'kept',
      'exp-02: memory: full -> window (n=8)',
    ]);
    expect(lines[2]?.slice(1, 8)).toEqual(['', '', '', '', '', '', 'crash']);
    expect(JSON.parse(experimentsJsonl([exp]))).toMatchObject({
      id: 'exp-02',
      metrics: { resolve_rate: 0.5 },
      heldout: { resolve_rate: 0.25, tasks: 4 },
      diff_size: 2,
      wall_time_s: 90,
      tokens: 1200,
    });
  });
  it('exports statuses as the lineage has them: the champion is champion, a child not promoted is kept', () => {
    expect(exportStatus({ experimentStatus: 'evaluated', isChampion: true, wasChampion: true })).toBe('champion');
    expect(exportStatus({ experimentStatus: 'promoted', wasChampion: true })).toBe('promoted');
    expect(exportStatus({ experimentStatus: 'evaluated', decision: 'keep' })).toBe('kept');
    expect(exportStatus({ experimentStatus: 'rejected', decision: 'reject' })).toBe('discarded');
    expect(exportStatus({ experimentStatus: 'evaluated', decision: 'confirm_failed' })).toBe('discarded');
    expect(exportStatus({ experimentStatus: 'evaluated' })).toBe('pending');
    expect(exportStatus({ experimentStatus: 'retired', decision: 'retire', decidedBy: 'person' })).toBe('retired');
    expect(exportStatus({ experimentStatus: 'retired', decision: 'retire', decidedBy: 'rule' })).toBe('discarded');
    expect(exportStatus({ experimentStatus: 'failed' })).toBe('crash');
    expect(exportStatus({ experimentStatus: 'evaluated', stopReason: 'budget_time' })).toBe('timeout');
    expect(exportStatus({ experimentStatus: 'evaluated', decision: 'explore' })).toBe('explore');
  });
  it('predictions take the lowest finished repeat per task; the report follows the harness layout', () => {
    const runs = [
      run('a', 1, 'done', 'unresolved'),
      run('a', 0, 'done', 'resolved'),
      run('b', 0, 'done', 'unresolved'),
      run('c', 0, 'error', null),
      run('d', 0, 'pending', null),
    ];
    expect(predictions(runs, 'exp-02', read)).toEqual([
      { instance_id: 'a', model_name_or_path: 'exp-02', model_patch: 'diff a0' },
      { instance_id: 'b', model_name_or_path: 'exp-02', model_patch: '' },
    ]);
    const rep = swebenchReport(['a', 'b', 'c', 'd', 'e'], runs, read);
    expect(rep).toMatchObject({
      total_instances: 5,
      submitted_instances: 3,
      completed_instances: 2,
      resolved_instances: 1,
      unresolved_instances: 1,
      empty_patch_instances: 1,
      error_instances: 1,
      schema_version: 2,
    });
    expect(rep.incomplete_ids).toEqual(['d', 'e']);
    expect(rep.resolved_ids).toEqual(['a']);
  });
});
