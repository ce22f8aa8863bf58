import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The real binary, from a folder outside the checkout: it starts, prints, and exits with the command's code.
const BIN = resolve(import.meta.dirname, 'bin.mjs');

describe('the evolve binary', () => {
  it('runs from anywhere: --help exits 0 and an unknown command exits 2 naming it', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'evolve-bin-'));
    const help = spawnSync(process.execPath, [BIN, '--help'], { cwd, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: evolve/);
    const bad = spawnSync(process.execPath, [BIN, 'frobnicate'], { cwd, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
