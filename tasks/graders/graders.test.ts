import { describe, expect, it } from 'vitest';
import { gradeTask, gradingMode } from '../grade.js';
import type { Task } from '../schema.js';
import { graderFor } from './index.js';

const base = {
  id: 't1',
  suite: 's',
  statement: 'fix it',
  difficulty: 'easy',
  tags: [],
  environment: { image: 'x', workdir: '/app', network: false },
  workspace: { kind: 'image' },
  limits: { agentTimeoutSec: 60, testTimeoutSec: 60 },
} as const;
const tb = {
  ...base,
  kind: 'terminal-bench',
  grader: { kind: 'terminal-bench', testsDir: '/nowhere', testScript: 'true', mode: 'reward', logParser: 'pytest' },
} as unknown as Task;
const swe = {
  ...base,
  kind: 'swebench',
  grader: { kind: 'swebench', testPatch: '', testCommand: 'true', logParser: 'pytest', failToPass: [], passToPass: [] },
} as unknown as Task;

describe('grader registry', () => {
  it('each kind is graded by its own grader: where, as whom', () => {
    expect(graderFor(swe)).toMatchObject({ kind: 'swebench', where: 'fresh', agentUser: 'agent' });
    expect(graderFor(tb)).toMatchObject({ kind: 'terminal-bench', where: 'in-place', agentUser: 'root' });
    expect(gradingMode(tb)).toBe('in-place');
  });

  it('a kind with no grader is an error naming it, not a Terminal-Bench grading by default', async () => {
    const odd = { ...tb, kind: 'harbor-next', grader: { kind: 'harbor-next' } } as unknown as Task;
    expect(() => graderFor(odd)).toThrow('t1: no grader for task kind "harbor-next"');
    const sandbox = new Proxy({}, { get: () => () => Promise.reject(new Error('the sandbox was used')) });
    await expect(gradeTask(odd, sandbox as never, '')).rejects.toThrow(/no grader for task kind "harbor-next"/);
  });
});
