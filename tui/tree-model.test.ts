import { describe, expect, it } from 'vitest';
import type { TreeNode } from '../lineage/read.js';
import { filterMatches, indexTree } from './tree-model.js';

const node = (id: string, parentId: string | null, over: Partial<TreeNode> = {}): TreeNode => ({
  id,
  parentId,
  generation: parentId ? 2 : 1,
  change: `change of ${id}`,
  status: 'evaluated',
  score: null,
  scoreLo: null,
  scoreHi: null,
  costUsd: null,
  authoredBy: null,
  proposer: null,
  author: 'person',
  explore: false,
  spend: { runsUsd: 0, lineageUsd: {}, unpriced: 0 },
  ...over,
});

describe('filterMatches', () => {
  const index = indexTree([
    node('exp-01', null, { status: 'promoted' }),
    node('exp-01-a', 'exp-01'),
    node('exp-01-b', 'exp-01', { explore: true }),
    node('exp-01-b-a', 'exp-01-b', { status: 'retired' }),
  ]);

  it('finds explore children by their mark, with their ancestors', () => {
    expect([...filterMatches(index, 'explore')!].sort()).toEqual(['exp-01', 'exp-01-b']);
  });

  it('matches id, change and status case-insensitively; an empty filter is no filter', () => {
    expect([...filterMatches(index, 'RETIRED')!].sort()).toEqual(['exp-01', 'exp-01-b', 'exp-01-b-a']);
    expect([...filterMatches(index, 'change of exp-01-a')!].sort()).toEqual(['exp-01', 'exp-01-a']);
    expect(filterMatches(index, '  ')).toBeNull();
  });
});
