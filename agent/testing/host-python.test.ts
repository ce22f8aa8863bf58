import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostPythonPath } from './host-python.js';

const real = (() => {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
})();

describe.skipIf(real === '')('hostPythonPath', () => {
  it('puts the interpreter a shim runs in front of the shim, and leaves a PATH without a shim as it is', () => {
    // A shim like pyenv's: a script named python3 that runs the real interpreter.
    const shims = mkdtempSync(join(tmpdir(), 'evolve-shims-'));
    writeFileSync(join(shims, 'python3'), `#!/bin/sh\nexec ${real} "$@"\n`);
    chmodSync(join(shims, 'python3'), 0o755);
    const rest = '/usr/bin:/bin';
    expect(hostPythonPath(`${shims}:${rest}`)).toBe(`${dirname(real)}:${shims}:${rest}`);
    expect(hostPythonPath(`${dirname(real)}:${shims}:${rest}`)).toBe(`${dirname(real)}:${shims}:${rest}`);
    const none = mkdtempSync(join(tmpdir(), 'evolve-no-python-'));
    expect(hostPythonPath(none)).toBe(none);
  });
});
