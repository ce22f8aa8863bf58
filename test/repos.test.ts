import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Queries live in lineage/db/repos/: a rule the test run enforces for every table of the workspace database. A source
// file outside the repos (migrations, tests and test helpers aside) that selects from, inserts into, updates, deletes
// from or joins one of its tables fails here, naming the file and line.

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
    expect(found.map((q) => `${q.file}:${q.line} ${q.table}`)).toEqual([]);
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
