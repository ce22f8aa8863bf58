// vitest project: postgres too
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from '../lineage/db/open.js';
import { runCli } from './testing/run-cli.js';
import { addFlags } from '../lineage/db/repos/experiments.js';

it('evolve promote refuses a flagged experiment without --force, naming the flag; with it, says what it forced past', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-cli-promote-'));
  expect((await runCli(['init', 'lab'], dir)).code).toBe(0);
  const lab = join(dir, 'lab');
  const db = await openDatabase(join(lab, 'evolve.db'));
  await addFlags(db, 'exp-01', ['run 3 (t1): toolchain tampered: /usr/bin/python3.11 changed']);
  await db.destroy();
  const refused = await runCli(['promote', 'exp-01', '--why', 'best so far'], lab);
  expect(refused.code).not.toBe(0);
  expect(refused.err).toMatch(/exp-01 cannot be promoted: flagged: run 3 \(t1\): toolchain tampered/);
  expect(refused.err).toMatch(/--force/);
  const forced = await runCli(['promote', 'exp-01', '--why', 'checked by hand', '--force'], lab);
  expect(forced.code).toBe(0);
  expect(forced.out).toMatch(
    /exp-01 is now the champion \(by a person: checked by hand\), forced past: flagged: run 3/,
  );
});
