import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectFiles, projectOf } from './projects.js';

// `npm test` runs the three projects; every test file the repository holds must be in exactly one, or it would run
// twice or never (a file moved out of `unit` for speed still runs in npm test).

const ROOT = resolve(import.meta.dirname, '..');

describe('vitest projects', () => {
  it('hold every tracked test file exactly once between them', () => {
    const tracked = execFileSync('git', ['ls-files', '*.test.ts', '*.test.tsx'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    const projects = projectFiles(ROOT);
    const listed = [...projects.unit, ...projects.docker, ...projects.e2e];
    expect(new Set(listed).size).toBe(listed.length);
    expect(tracked.filter((f) => !listed.includes(f))).toEqual([]);
    expect(projects.unit.length).toBeGreaterThan(50);
  });

  it('a file goes by what it needs: the engine, the binary or its e2e mark, else unit', () => {
    // The marks are pieced together here: written whole, they would put this file in those projects.
    const [docker, bin, e2e] = ['describe' + 'Docker', 'bin' + '.mjs', '// vitest project: ' + 'e2e'];
    expect(projectOf(`import { ${docker} } from '../test/docker';`)).toBe('docker');
    expect(projectOf(`const BIN = join(root, 'cli/${bin}');`)).toBe('e2e');
    expect(projectOf(`// vitest project: postgres too\n${e2e} (real process trees)\n`)).toBe('e2e');
    expect(projectOf(`// a comment that says ${e2e.slice(3)} mid-line\nimport 'x';`)).toBe('unit');
  });
});
