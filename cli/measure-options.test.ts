// vitest project: postgres too
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from './testing/run-cli.js';

// evolve compare and evolve noise share their options (cli/commands/measure-options.ts): each refuses bad values the
// same way, naming the flag, before any run starts.

it('compare and noise name the flag of a bad --sandbox, --subset or --concurrency, and noise a --repeats under 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-cli-measure-'));
  expect((await runCli(['init', 'lab'], dir)).code).toBe(0);
  const lab = join(dir, 'lab');
  for (const command of [
    ['compare', 'exp-01', 'exp-01'],
    ['noise', 'exp-01'],
  ]) {
    for (const [flag, value] of [
      ['--sandbox', 'kubernetes'],
      ['--subset', '0'],
      ['--concurrency', 'many'],
    ] as const) {
      const r = await runCli([...command, flag, value], lab);
      expect(r.code, `${command[0]} ${flag} ${value}`).not.toBe(0);
      expect(r.err).toContain(flag);
    }
  }
  const one = await runCli(['noise', 'exp-01', '--repeats', '1'], lab);
  expect(one.code).not.toBe(0);
  expect(one.err).toMatch(/--repeats must be at least 2/);
});
