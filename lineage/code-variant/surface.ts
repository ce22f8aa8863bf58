// The mutable surface: the paths a code variant may change. Everything else (evaluator, graders, hidden tests,
// lineage, this very check) is outside it, and a patch touching it is rejected before anything runs.

/** `**` matches any number of path segments, `*` anything within one segment, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Every path a unified diff touches (old and new names, so a rename out of the surface is caught too). */
export function patchedPaths(patch: string): string[] {
  const paths = new Set<string>();
  for (const line of patch.split('\n')) {
    const git = line.match(/^diff --git a\/(.+?) b\/(.+)$/);
    if (git) {
      paths.add(git[1]!);
      paths.add(git[2]!);
      continue;
    }
    const side = line.match(/^(?:---|\+\+\+) (?:[ab]\/)?(.+?)(?:\t.*)?$/);
    if (side && side[1] !== '/dev/null') paths.add(side[1]!);
    const rename = line.match(/^rename (?:from|to) (.+)$/);
    if (rename) paths.add(rename[1]!);
  }
  return [...paths].sort();
}

export interface SurfaceCheck {
  ok: boolean;
  paths: string[];
  outside: string[];
}

export function checkSurface(patch: string, surface: string[]): SurfaceCheck {
  const globs = surface.map(globToRegExp);
  const paths = patchedPaths(patch);
  // `..` could climb out of an allowed folder; absolute paths never belong to the repository.
  const outside = paths.filter(
    (p) => p.startsWith('/') || p.split('/').includes('..') || !globs.some((g) => g.test(p)),
  );
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
  const files = patch.split(/^(?=diff --git )/m).filter((f) => f.startsWith('diff --git '));
  for (const file of files) {
    const m = file.match(/^diff --git a\/(.+?) b\/(.+)$/m);
    if (!m) continue;
    const [, from, to] = m as unknown as [string, string, string];
    const created = /^new file mode /m.test(file);
    if (!created && (TEST_FILE.test(from) || TEST_FILE.test(to)))
      reasons.push(`the patch ${/^deleted file mode /m.test(file) ? 'deletes' : 'changes'} a test file: ${from}`);
    if (/^(new file mode|new mode) 120000/m.test(file)) reasons.push(`the patch creates a symbolic link: ${to}`);
  }
  // Plain unified diffs (no git header) too: an old side that exists and is a test file.
  const lines = patch.split('\n');
  lines.forEach((line, i) => {
    const old = line.match(/^--- (?:a\/)?(.+?)(?:\t.*)?$/);
    const next = lines[i + 1]?.match(/^\+\+\+ (?:b\/)?(.+?)(?:\t.*)?$/);
    if (!old || !next || old[1] === '/dev/null' || !TEST_FILE.test(old[1]!)) return;
    reasons.push(`the patch ${next[1] === '/dev/null' ? 'deletes' : 'changes'} a test file: ${old[1]}`);
  });
  return [...new Set(reasons)];
}
