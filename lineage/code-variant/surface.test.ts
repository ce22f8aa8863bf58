import { describe, expect, it } from 'vitest';
import { patchPaths } from '../../tasks/patch.js';
import { checkSurface, inSurface, patchFlags } from './surface.js';

const SURFACE = ['agent/policies/**', 'agent/prompts/**'];

describe('mutable surface', () => {
  it('matches ** across folders and * within one', () => {
    expect(inSurface('agent/policies/tools/editor.ts', ['agent/policies/**'])).toBe(true);
    expect(inSurface('agent/loop.ts', ['agent/policies/**'])).toBe(false);
    expect(inSurface('agent/prompts/x.md', ['agent/*.md'])).toBe(false);
    expect(inSurface('agent/prompts/x.md', ['**/*.md'])).toBe(true);
  });

  it('reads every path of a patch, renames included, and rejects any outside the surface', () => {
    const patch = [
      'diff --git a/agent/policies/x.ts b/evaluator/x.ts',
      'rename from agent/policies/x.ts',
      'rename to evaluator/x.ts',
    ].join('\n');
    expect(patchPaths(patch)).toEqual(['agent/policies/x.ts', 'evaluator/x.ts']);
    expect(checkSurface(patch, SURFACE)).toMatchObject({ ok: false, outside: ['evaluator/x.ts'] });
    expect(
      checkSurface('--- a/agent/policies/../../tasks/grader.ts\n+++ b/agent/policies/../../tasks/grader.ts\n', SURFACE)
        .ok,
    ).toBe(false);
    expect(checkSurface('', SURFACE).ok).toBe(false);
  });
});

describe('flags gate', () => {
  it('a patch that edits, deletes or renames an existing test, or adds a symbolic link, is flagged; a new test is not', () => {
    const edit = [
      'diff --git a/agent/policies/registry.test.ts b/agent/policies/registry.test.ts',
      'index 1..2 100644',
      '--- a/agent/policies/registry.test.ts',
      '+++ b/agent/policies/registry.test.ts',
      '@@ -1 +1 @@',
      '-expect(1).toBe(1)',
      '+expect(1).toBe(1) // weakened',
    ].join('\n');
    expect(patchFlags(edit)).toEqual(['the patch changes a test file: agent/policies/registry.test.ts']);
    const deletion = [
      'diff --git a/agent/loop.test.ts b/agent/loop.test.ts',
      'deleted file mode 100644',
      '--- a/agent/loop.test.ts',
      '+++ /dev/null',
    ].join('\n');
    expect(patchFlags(deletion)).toEqual(['the patch deletes a test file: agent/loop.test.ts']);
    expect(patchFlags('--- agent/tools/tools.test.ts\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n')).toEqual([
      'the patch deletes a test file: agent/tools/tools.test.ts',
    ]);
    const rename = [
      'diff --git a/agent/policies/policies.test.ts b/agent/policies/policies.skip.ts',
      'similarity index 100%',
      'rename from agent/policies/policies.test.ts',
      'rename to agent/policies/policies.skip.ts',
    ].join('\n');
    expect(patchFlags(rename)).toEqual(['the patch changes a test file: agent/policies/policies.test.ts']);
    const link = [
      'diff --git a/agent/prompts/leak.md b/agent/prompts/leak.md',
      'new file mode 120000',
      '--- /dev/null',
      '+++ b/agent/prompts/leak.md',
      '@@ -0,0 +1 @@',
      '+/work/ws/evolve.db',
    ].join('\n');
    expect(patchFlags(link)).toEqual(['the patch creates a symbolic link: agent/prompts/leak.md']);
    const added = [
      'diff --git a/agent/policies/guard.test.ts b/agent/policies/guard.test.ts',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/agent/policies/guard.test.ts',
      '@@ -0,0 +1 @@',
      "+it('holds', () => {});",
    ].join('\n');
    expect(patchFlags(added)).toEqual([]);
  });
});

describe('surface globs (minimatch)', () => {
  it('reads braces, dotfiles and one-segment stars as a shell would', () => {
    expect(inSurface('agent/prompts/x.md', ['agent/{policies,prompts}/**'])).toBe(true);
    expect(inSurface('agent/loop.ts', ['agent/{policies,prompts}/**'])).toBe(false);
    expect(inSurface('agent/policies/.hidden.ts', ['agent/policies/**'])).toBe(true);
    expect(inSurface('agent/policies/a/b.ts', ['agent/policies/*.ts'])).toBe(false);
  });

  it('a rename whose new name has a space is still read, and rejected outside the surface', () => {
    const patch = [
      'diff --git a/agent/policies/x.ts b/evaluator/my grader.ts',
      'similarity index 100%',
      'rename from agent/policies/x.ts',
      'rename to evaluator/my grader.ts',
      '',
    ].join('\n');
    expect(checkSurface(patch, SURFACE)).toMatchObject({ ok: false, outside: ['evaluator/my grader.ts'] });
  });
});
