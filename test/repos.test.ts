import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Queries live in lineage/db/repos/: a rule the test run enforces for the tables whose repos hold all their queries.
// A source file outside the repos (migrations, tests and test helpers aside) that selects from, inserts into,
// updates, deletes from or joins one of these tables fails here, naming the file and line. KNOWN lists the places
// still left (queries of the runs and generations tables that join these); the list may only shrink.

const ROOT = resolve(import.meta.dirname, '..');
const TABLES = ['experiments', 'decisions', 'champions', 'tasks', 'suites'];
const QUERY = new RegExp(
  String.raw`\.(selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin)\(\s*'(${TABLES.join('|')})'`,
  'g',
);
// Test helpers (testing/ folders, testing.ts files) set up rows directly, as tests do.
const SKIP = new Set(['node_modules', '.git', 'suites', 'fixtures', 'repos', 'migrations', 'testing', 'testing.ts']);

/** `file: table` for queries not yet moved into a repo. */
const KNOWN = new Set([
  'lineage/pooled-evidence.ts: decisions',
  'lineage/pooled-evidence.ts: experiments',
  'lineage/authoring/raw-material.ts: tasks',
  'lineage/evaluate-and-decide.ts: tasks',
  'lineage/failures/cluster.ts: tasks',
]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Every query on a repo'd table outside the repos: `file:line table`. */
export function queriesOutsideRepos(files: string[]): Array<{ file: string; line: number; table: string }> {
  return files.flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    return [...text.matchAll(QUERY)].map((m) => ({
      file: relative(ROOT, path),
      line: text.slice(0, m.index).split('\n').length,
      table: m[2]!,
    }));
  });
}

describe('queries live in lineage/db/repos', () => {
  const found = queriesOutsideRepos(sources(ROOT));

  it('no file outside the repos queries the experiments, decisions, champions, tasks or suites tables', () => {
    const unknown = found
      .filter((q) => !KNOWN.has(`${q.file}: ${q.table}`))
      .map((q) => `${q.file}:${q.line} ${q.table}`);
    expect(unknown).toEqual([]);
  });

  it('the list of places still left only shrinks: each entry still queries there', () => {
    const still = new Set(found.map((q) => `${q.file}: ${q.table}`));
    expect([...KNOWN].filter((k) => !still.has(k))).toEqual([]);
  });

  it('finds a query written outside the repos (the rule can fail)', () => {
    const probe = join(ROOT, 'lineage', 'db', 'open.ts');
    expect(queriesOutsideRepos([probe])).toEqual([]);
    const text =
      "await db.selectFrom('experiments').selectAll();\nawait trx\n  .innerJoin('tasks', 'tasks.id', 'runs.task_id');";
    const matches = [...text.matchAll(QUERY)].map((m) => m[2]);
    expect(matches).toEqual(['experiments', 'tasks']);
  });
});
