import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Queries live in lineage/db/repos/: a rule the test run enforces for every table of the workspace database. A source
// file outside the repos (migrations, tests and test helpers aside) that selects from, inserts into, updates, deletes
// from or joins one of its tables fails here, naming the file and line. KNOWN lists the places still left; the list
// may only shrink.

const ROOT = resolve(import.meta.dirname, '..');

/** The tables of the `Database` interface in lineage/db/schema.ts, so a table added there is covered at once. */
export function databaseTables(schema: string): string[] {
  const body = /export interface Database \{([^}]*)\}/.exec(schema)?.[1] ?? '';
  return [...body.matchAll(/^\s*(\w+):/gm)].map((m) => m[1]!);
}
const TABLES = databaseTables(readFileSync(join(ROOT, 'lineage', 'db', 'schema.ts'), 'utf8'));
const QUERY = new RegExp(
  String.raw`\.(selectFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin)\(\s*\[?\s*'(${TABLES.join('|')})(\s+as\s+\w+)?'`,
  'g',
);
// Test helpers (testing/ folders, testing.ts files) set up rows directly, as tests do.
const SKIP = new Set(['node_modules', '.git', 'suites', 'fixtures', 'repos', 'migrations', 'testing', 'testing.ts']);

/** `file: table` for queries not yet moved into a repo. */
const KNOWN = new Set<string>([
  'bench/cluster.ts: runs',
  'bench/landscape.ts: runs',
  'lineage/champion-history.ts: generations',
  'lineage/context.ts: evaluations',
  'lineage/context.ts: failure_clusters',
  'lineage/context.ts: runs',
  'lineage/decide-generation.ts: runs',
  'lineage/evaluate-and-decide.ts: generations',
  'lineage/evaluate-experiment.ts: runs',
  'lineage/export-experiments.ts: evaluations',
  'lineage/failures/cluster.ts: evaluations',
  'lineage/failures/cluster.ts: failure_clusters',
  'lineage/failures/cluster.ts: runs',
  'lineage/failures/follow.ts: failure_clusters',
  'lineage/failures/follow.ts: runs',
  'lineage/failures/report.ts: failure_clusters',
  'lineage/folders.ts: evaluations',
  'lineage/folders.ts: runs',
  'lineage/noise-margin.ts: runs',
  'lineage/read-live.ts: evaluations',
  'lineage/read-live.ts: generations',
  'lineage/read-live.ts: runs',
  'lineage/read.ts: failure_clusters',
  'lineage/read.ts: runs',
  'lineage/report/data.ts: model_calls',
  'lineage/report/data.ts: runs',
  'lineage/self-repair/repair-generation.ts: generations',
  'lineage/self-repair/statement.ts: runs',
  'lineage/spend.ts: generations',
  'lineage/spend.ts: model_calls',
  'lineage/spend.ts: runs',
  'lineage/status.ts: generations',
  'lineage/status.ts: runs',
  'lineage/study/run-study.ts: generations',
  'lineage/study/status.ts: runs',
  'lineage/study/studies.ts: studies',
  'lineage/study/studies.ts: study_replicates',
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

  it('reads every table of the Database interface', () => {
    expect(TABLES).toEqual(
      expect.arrayContaining(['experiments', 'runs', 'evaluations', 'generations', 'model_calls']),
    );
    expect(TABLES).toEqual(expect.arrayContaining(['studies', 'study_replicates', 'failure_clusters', 'champions']));
  });

  it('no file outside the repos queries a table of the workspace database', () => {
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
    const text = [
      "await db.selectFrom('experiments').selectAll();",
      "await trx\n  .innerJoin('tasks', 'tasks.id', 'runs.task_id');",
      "db.selectFrom('runs as r').select('r.id');",
      "db.selectFrom(['model_calls', 'generations']);",
      "db.updateTable('study_replicates');",
    ].join('\n');
    const matches = [...text.matchAll(QUERY)].map((m) => m[2]);
    expect(matches).toEqual(['experiments', 'tasks', 'runs', 'model_calls', 'study_replicates']);
  });
});
