import { describe, expect, it } from 'vitest';
import { stripTestFiles } from './grade.js';
import { changedFiles, filePatches, keepFiles, patchPaths } from './patch.js';
import { flagsFromPatch } from './tamper.js';

const edit = ['diff --git a/x.py b/x.py', 'index 1..2 100644', '--- a/x.py', '+++ b/x.py', '@@ -1 +1 @@', '-a', '+b'];
const binary = [
  'diff --git a/img.png b/img.png',
  'new file mode 100644',
  'index 0000000..e69de29',
  'GIT binary patch',
  'literal 3',
  'Kcmb=p0000',
  '',
  'literal 0',
  'HcmV?d00001',
  '',
  '',
];
const spacedTest = [
  'diff --git a/tests/my test.py b/tests/my test.py',
  '--- a/tests/my test.py',
  '+++ b/tests/my test.py',
  '@@ -1 +1 @@',
  '-assert f() == 1',
  '+assert True',
  '',
];

describe('one diff reader', () => {
  it('reads git sections: created, deleted, renamed, symbolic links and binary files', () => {
    const patch = [
      ...edit,
      'diff --git a/gone.py b/gone.py',
      'deleted file mode 100644',
      '--- a/gone.py',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-x',
      'diff --git a/old.py b/new.py',
      'similarity index 100%',
      'rename from old.py',
      'rename to new.py',
      'diff --git a/l b/l',
      'new file mode 120000',
      '--- /dev/null',
      '+++ b/l',
      '@@ -0,0 +1 @@',
      '+/etc/passwd',
      ...binary,
    ].join('\n');
    const files = filePatches(patch).map(({ text: _t, ...f }) => f);
    expect(files).toEqual([
      { from: 'x.py', to: 'x.py', created: false, deleted: false, renamed: false, symlink: false },
      { from: 'gone.py', to: undefined, created: false, deleted: true, renamed: false, symlink: false },
      { from: 'old.py', to: 'new.py', created: false, deleted: false, renamed: true, symlink: false },
      { from: undefined, to: 'l', created: true, deleted: false, renamed: false, symlink: true },
      { from: undefined, to: 'img.png', created: true, deleted: false, renamed: false, symlink: false },
    ]);
    expect(patchPaths(patch)).toEqual(['gone.py', 'img.png', 'l', 'new.py', 'old.py', 'x.py']);
    expect(changedFiles(patch)).toEqual(['x.py', 'gone.py', 'new.py', 'l', 'img.png']);
  });

  it('reads plain unified diffs with or without a/ b/ prefixes, and nothing from text that is no diff', () => {
    expect(patchPaths('--- agent/t.test.ts\t2024-01-01\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n')).toEqual([
      'agent/t.test.ts',
    ]);
    expect(filePatches('--- a/p.py\n+++ b/p.py\n@@ -1 +1 @@\n-a\n+b\n')[0]).toMatchObject({ from: 'p.py', to: 'p.py' });
    expect(filePatches('')).toEqual([]);
    expect(filePatches('just words\n')).toEqual([]);
  });

  it('keeps the files it does not drop byte for byte, binary patches included', () => {
    const patch = [...edit, ...binary].join('\n');
    const kept = keepFiles(patch, (f) => f.to === 'x.py');
    expect(kept.patch).toBe(binary.join('\n'));
    expect(kept.patch.startsWith('diff --git a/img.png')).toBe(true);
    expect(kept.dropped.map((f) => f.to)).toEqual(['x.py']);
  });
});

describe('graders read patches through it', () => {
  it('a model patch editing a test file whose name has a space has that edit stripped before grading', () => {
    const patch = [...edit, ...spacedTest].join('\n');
    const stripped = stripTestFiles(patch, '');
    expect(stripped.touched).toEqual(['tests/my test.py']);
    expect(stripped.patch).toBe(`${edit.join('\n')}\n`);
  });

  it('a SWE-bench patch adding a root pytest.py is flagged, an edit of an existing one is not', () => {
    const added = ['diff --git a/pytest.py b/pytest.py', 'new file mode 100644', '--- /dev/null', '+++ b/pytest.py'];
    expect(flagsFromPatch([...added, '@@ -0,0 +1 @@', '+x', ''].join('\n'))).toEqual([
      'shadowing file: pytest.py added',
    ]);
    const changed = ['diff --git a/pytest.py b/pytest.py', '--- a/pytest.py', '+++ b/pytest.py', '@@ -1 +1 @@'];
    expect(flagsFromPatch([...changed, '-a', '+b', ''].join('\n'))).toEqual([]);
  });
});
