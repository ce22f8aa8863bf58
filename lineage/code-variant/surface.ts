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
