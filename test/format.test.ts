import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// `npm test` runs `biome ci .` before anything else: an unformatted file or a lint error (an unused import, a floating
// promise) fails it. Checked here on files outside the tree with the project's own biome.json.

const ROOT = resolve(import.meta.dirname, '..');
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');

// The project's biome.json is copied beside the files: pointed at the repository root instead (--config-path), biome
// scans the whole project first, which took 4-5 s a call under load against about 1 s.
function biomeCi(files: Record<string, string>): { code: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-format-'));
  copyFileSync(join(ROOT, 'biome.json'), join(dir, 'biome.json'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const r = spawnSync(BIOME, ['ci', '--colors=off', ...Object.keys(files)], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('npm test checks format and lint first', () => {
  it('npm test starts with biome ci over the whole tree', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { test: string } })
      .scripts;
    expect(scripts.test).toMatch(/^biome ci \. && /);
  });

  it('fails on an unformatted file, naming it, and passes it once formatted', () => {
    const bad = biomeCi({ 'packed.ts': 'export const a = {b:1,\n c:2}\n' });
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/packed\.ts.*format/);
    expect(biomeCi({ 'packed.ts': 'export const a = { b: 1, c: 2 };\n' }).code).toBe(0);
  });

  it('fails on an unused import', () => {
    const r = biomeCi({ 'unused.ts': "import { x } from './y.js';\n\nexport const a = 1;\n" });
    expect(r.code).toBe(1);
    expect(r.out).toContain('noUnusedImports');
  });
});
