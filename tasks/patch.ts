import { formatPatch, parsePatch, type StructuredPatch } from 'diff';

// The one reader of unified diffs (git's dialect included: renames, new/deleted files, modes, binary files), on
// jsdiff's parser. Graders strip test files with it, the tamper check finds added files, and the lineage checks a
// code variant's paths against its mutable surface: a path read wrongly here is a hole in each, so none of them
// parses diffs on its own.

/** What a patch does to one file. Paths are repository-relative (git's a/ and b/ prefixes removed). */
export interface FilePatch {
  /** The path before the change; undefined for a created file. */
  from: string | undefined;
  /** The path after the change; undefined for a deleted file. */
  to: string | undefined;
  created: boolean;
  deleted: boolean;
  renamed: boolean;
  /** The new mode is a symbolic link (git mode 120000). */
  symlink: boolean;
  /** This file's part of the patch, as written (so what is kept of a patch still applies byte for byte). */
  text: string;
}

const GIT_SECTION = /^(?=diff --git )/m;

/** git always writes a/ and b/; plain diffs (diff -u, other tools) may or may not. */
function repoPath(name: string | undefined, prefix: 'a/' | 'b/'): string | undefined {
  if (name === undefined || name === '/dev/null') return undefined;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

function fileOf(p: StructuredPatch, text: string): FilePatch {
  const created = p.isCreate === true || p.oldFileName === '/dev/null';
  const deleted = p.isDelete === true || p.newFileName === '/dev/null';
  return {
    from: created ? undefined : repoPath(p.oldFileName, 'a/'),
    to: deleted ? undefined : repoPath(p.newFileName, 'b/'),
    created,
    deleted,
    renamed: p.isRename === true,
    symlink: p.newMode === '120000',
    text,
  };
}

/** Every file a patch touches, in order. Text that is not a diff gives no files. */
export function filePatches(patch: string): FilePatch[] {
  if (!patch.trim()) return [];
  const parsed = parsePatch(patch).filter((p) => p.oldFileName !== undefined || p.newFileName !== undefined);
  // Git sections are kept as written (binary patches and extended headers survive); a plain diff has no binary
  // part, so its sections are written back by the parser.
  const sections = patch.split(GIT_SECTION).filter((s) => s.startsWith('diff --git '));
  const verbatim = sections.length === parsed.length && parsed.every((p) => p.isGit);
  return parsed.map((p, i) => fileOf(p, verbatim ? sections[i]! : `${formatPatch(p)}\n`));
}

/** Both names of each file (so a rename out of an allowed folder is seen), sorted, without repeats. */
export function patchPaths(patch: string): string[] {
  const paths = new Set<string>();
  for (const f of filePatches(patch)) {
    if (f.from !== undefined) paths.add(f.from);
    if (f.to !== undefined) paths.add(f.to);
  }
  return [...paths].sort();
}

/** The path each file has after the patch (its old one when deleted), in order, without repeats. */
export function changedFiles(patch: string): string[] {
  return [...new Set(filePatches(patch).map((f) => (f.to ?? f.from)!))];
}

/** The patch without the files `drop` picks, each file's text as it was written. */
export function keepFiles(patch: string, drop: (f: FilePatch) => boolean): { patch: string; dropped: FilePatch[] } {
  const files = filePatches(patch);
  return {
    patch: files
      .filter((f) => !drop(f))
      .map((f) => f.text)
      .join(''),
    dropped: files.filter(drop),
  };
}
