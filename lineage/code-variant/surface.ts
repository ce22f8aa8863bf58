import { minimatch } from 'minimatch';
import { filePatches, patchPaths } from '../../tasks/patch.js';

// The mutable surface: the paths a code variant may change. Everything else (evaluator, graders, hidden tests,
// lineage, this very check) is outside it, and a patch touching it is rejected before anything runs.

/** Whether a repository path is one of the surface's globs (minimatch: `**` any depth, `*` one segment, braces). */
export function inSurface(path: string, surface: string[]): boolean {
  return surface.some((glob) => minimatch(path, glob, { dot: true }));
}

export interface SurfaceCheck {
  ok: boolean;
  paths: string[];
  outside: string[];
}

export function checkSurface(patch: string, surface: string[]): SurfaceCheck {
  // Old and new names, so a rename out of the surface is caught too.
  const paths = patchPaths(patch);
  // `..` could climb out of an allowed folder; absolute paths never belong to the repository.
  const outside = paths.filter((p) => p.startsWith('/') || p.split('/').includes('..') || !inSurface(p, surface));
  return { ok: paths.length > 0 && outside.length === 0, paths, outside };
}

/** Test files: the agent's own tests are the gate's evidence, so a variant may add tests but never weaken one. */
const TEST_FILE = /(^|\/)[^/]*\.test\.tsx?$|(^|\/)(testing|fixtures)\//;

/**
 * What a patch does that no variant may, whatever its surface: edit, rename or delete an existing test file (a
 * patch deleting the agent's own tests would pass every gate), or create a symbolic link (which could point the
 * agent's files at the database or a task folder). Each is a reason that rejects the variant.
 */
export function patchFlags(patch: string): string[] {
  const reasons: string[] = [];
  for (const f of filePatches(patch)) {
    const old = f.from;
    if (old !== undefined && (TEST_FILE.test(old) || (f.to !== undefined && TEST_FILE.test(f.to))))
      reasons.push(`the patch ${f.deleted ? 'deletes' : 'changes'} a test file: ${old}`);
    if (f.symlink) reasons.push(`the patch creates a symbolic link: ${f.to}`);
  }
  return [...new Set(reasons)];
}
