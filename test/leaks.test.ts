import { mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chalk from 'chalk';
import { describe, expect, it, vi } from 'vitest';
import { leaks, processState } from './leaks.js';

// The check test/no-leaks.ts runs after every unit file: each kind of state a file can leave behind is named, and a
// file that puts everything back passes.

describe('leaks between unit files', () => {
  it('names a changed or added variable, cwd, colour level, exit code, listener and fake timers; none once restored', () => {
    const before = processState();
    const exits = process.listenerCount('exit');
    const cwd = process.cwd();
    const level = chalk.level;
    const onExit = () => {};
    process.env.EVOLVE_LEAK_PROBE = '1';
    process.chdir(realpathSync(mkdtempSync(join(tmpdir(), 'evolve-leak-'))));
    chalk.level = level === 3 ? 2 : 3;
    process.exitCode = 7;
    process.on('exit', onExit);
    vi.useFakeTimers();
    let found: string[];
    try {
      found = leaks(before, processState());
    } finally {
      vi.useRealTimers();
      process.off('exit', onExit);
      process.exitCode = before.exitCode;
      chalk.level = level;
      process.chdir(cwd);
      delete process.env.EVOLVE_LEAK_PROBE;
    }
    expect(found).toEqual([
      'process.env.EVOLVE_LEAK_PROBE: undefined -> 1',
      expect.stringMatching(/^process\.cwd\(\): .* -> .*evolve-leak-/),
      expect.stringMatching(/^chalk\.level: /),
      `process.exitCode: ${before.exitCode} -> 7`,
      `process 'exit' listeners: ${exits} -> ${exits + 1}`,
      'fake timers: false -> true',
    ]);
    expect(leaks(before, processState())).toEqual([]);
  });
});
