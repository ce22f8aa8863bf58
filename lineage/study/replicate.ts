import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { sql } from 'kysely';
import { canonicalJson, type Genome } from '../../agent/genome.js';
import { Config } from '../config.js';
import { copyDatabase } from '../db/copy.js';
import { dialectOf, isPostgresUrl } from '../db/dialect.js';
import { openDatabase } from '../db/open.js';
import { databaseNameOf, databaseTarget, withDatabaseName } from '../db/target.js';
import { parseGenome, seedRoot } from '../experiments.js';
import { evaluateExperiment, type EvaluateExperimentOptions } from '../evaluate-experiment.js';
import { writeExperimentFolder } from '../folders.js';
import {
  CONFIG_FILE,
  DATABASE_FILE,
  loadConfig,
  openWorkspace,
  type Workspace,
  workspacePaths,
  writeFileAtomic,
} from '../workspace.js';
import type { ConditionSettings } from './condition.js';
import { STUDIES_DIR } from './studies.js';
import { findExperiment, getExperiment } from '../db/repos/experiments.js';

// A replicate is a workspace of its own, so every command (tree, eval, the TUI) works on it and its lineage shares
// nothing with its siblings but the root. The root is evaluated once per distinct root (genome, suite, subset,
// repeats) in studies/<name>/roots/<key>, on the train tasks and the whole held-out split; each replicate's database
// starts as a copy of that one, so the root's runs are reused where actor and task are identical, and nowhere else.
// On SQLite each of those workspaces keeps its evolve.db; when the study's workspace is on Postgres (databaseUrl or
// EVOLVE_DATABASE_URL), each gets a database of its own on that server, named after the study's and the folder.

/** Where the root or replicate in `dir` keeps its lineage; `name` is its Postgres database (none on SQLite). */
export function studyDatabase(ws: Workspace, dir: string): { target: string; name?: string } {
  const own = databaseTarget(ws.paths, ws.config);
  if (!isPostgresUrl(own)) return { target: join(dir, DATABASE_FILE) };
  const name = derivedName(databaseNameOf(own), relative(ws.paths.root, dir));
  return { target: withDatabaseName(own, name), name };
}

/** `<study database>_<folder>`, lower case, within Postgres's 63 bytes (a hash of the folder keeps it unique). */
function derivedName(base: string, folder: string): string {
  const slug = (t: string) =>
    t
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
  const full = `${slug(base) || 'evolve'}_${slug(folder.replace(/^studies[/\\]/, ''))}`;
  if (full.length <= 63) return full;
  const hash = createHash('sha256').update(`${base}\0${folder}`).digest('hex').slice(0, 10);
  return `${full.slice(0, 52)}_${hash}`;
}

export type EvalPassThrough = Omit<
  EvaluateExperimentOptions,
  'experimentId' | 'split' | 'suite' | 'subset' | 'repeats'
>;

/** The replicate's evolve.json: the study workspace's, with the condition's settings in their sections. */
export function replicateConfig(
  ws: Workspace,
  s: ConditionSettings,
  extra: { sandbox?: string; concurrency?: number; databaseName?: string },
) {
  // A replicate keeps its lineage in a database of its own (studyDatabase): its evolve.db, or on the study's Postgres
  // server the database `databaseName` names; the study workspace's own name is never inherited.
  const { databaseName: _own, ...raw } = JSON.parse(readFileSync(ws.paths.config, 'utf8')) as Record<string, any>;
  const suites = Object.fromEntries(
    Object.entries((raw.suites ?? {}) as Record<string, string | { path: string }>).map(([k, v]) => {
      const abs = (p: string) => (isAbsolute(p) ? p : resolve(ws.paths.root, p));
      return [k, typeof v === 'string' ? abs(v) : { ...v, path: abs(v.path) }];
    }),
  );
  const pick = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
  // What the condition (or the study) leaves unset keeps the workspace's own setting.
  const config = {
    ...raw,
    ...(extra.databaseName ? { databaseName: extra.databaseName } : {}),
    suites,
    defaults: {
      ...(raw.defaults ?? {}),
      ...pick({ suite: s.suite, repeats: s.repeats, sandbox: extra.sandbox, concurrency: extra.concurrency }),
    },
    lineage: {
      ...(raw.lineage ?? {}),
      ...pick({
        proposer: s.proposer,
        proposerModel: s.proposerModel,
        select: s.select,
        rule: s.rule,
        margin: s.margin,
        children: s.children,
        evidenceRounds: s.evidenceRounds,
        combine: s.combine,
      }),
    },
  };
  return Config.parse(config) && config;
}

function rootGenome(base: Genome, s: ConditionSettings): Genome {
  return s.model ? { ...base, model: s.model } : base;
}

/** Which root a condition grows from: replicates of conditions with the same key share its evaluated runs. */
export function rootKey(genome: Genome, s: ConditionSettings, suite: string, repeats: number): string {
  const what = canonicalJson({ genome, suite, subset: s.subset ?? null, repeats });
  return createHash('sha256').update(what).digest('hex').slice(0, 12);
}

export interface PreparedRoot {
  dir: string;
  key: string;
}

/** Evaluates the root once for its key (resumable: finished runs are never repeated), then marks it ready. */
export async function prepareRoot(
  ws: Workspace,
  study: string,
  s: ConditionSettings,
  o: { sandbox?: string; concurrency?: number; eval?: EvalPassThrough; log?: (l: string) => void },
): Promise<PreparedRoot> {
  const parsed = Config.parse(replicateConfig(ws, s, o));
  const genome = rootGenome(parseGenome(await getExperiment(ws.db, 'exp-01')), s);
  const key = rootKey(genome, s, parsed.defaults.suite, parsed.defaults.repeats);
  const dir = join(ws.paths.root, STUDIES_DIR, study, 'roots', key);
  if (existsSync(join(dir, 'ready'))) return { dir, key };
  const database = studyDatabase(ws, dir);
  const config = replicateConfig(ws, s, { ...o, ...(database.name ? { databaseName: database.name } : {}) });
  mkdirSync(join(dir, 'experiments'), { recursive: true });
  mkdirSync(join(dir, 'runs'), { recursive: true });
  writeFileAtomic(join(dir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  const db = await openDatabase(database.target, { create: true });
  try {
    await seedRoot(db, genome);
  } finally {
    await db.destroy();
  }
  const rws = await openWorkspace(dir);
  try {
    o.log?.(`evaluating the root exp-01 (${key}) on the train tasks and the held-out split, once for every replicate`);
    const common = { ...o.eval, experimentId: 'exp-01', suite: parsed.defaults.suite };
    await evaluateExperiment(rws, { ...common, split: 'train', ...(s.subset ? { subset: s.subset } : {}) });
    if (o.eval?.signal?.aborted) return { dir, key };
    await evaluateExperiment(rws, { ...common, split: 'heldout', repeats: parsed.lineage.heldoutRepeats });
    if (o.eval?.signal?.aborted) return { dir, key };
    await writeExperimentFolder(rws.db, rws.paths.experiments, 'exp-01');
  } finally {
    await rws.close();
  }
  writeFileSync(join(dir, 'ready'), `${new Date().toISOString()}\n`);
  return { dir, key };
}

/**
 * Creates the replicate's workspace from the evaluated root, all or nothing: its folder is built aside and renamed into
 * place last, so the folder exists only once its database holds the root's copy.
 */
export async function prepareReplicate(
  ws: Workspace,
  root: PreparedRoot,
  path: string,
  s: ConditionSettings,
  o: { sandbox?: string; concurrency?: number },
): Promise<string> {
  const dir = join(ws.paths.root, path);
  if (existsSync(join(dir, CONFIG_FILE))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'experiments'), { recursive: true });
  mkdirSync(join(tmp, 'runs'), { recursive: true });
  const database = studyDatabase(ws, dir);
  const config = replicateConfig(ws, s, { ...o, ...(database.name ? { databaseName: database.name } : {}) });
  writeFileAtomic(join(tmp, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  // The root's own evolve.json says where its database is (a root made before the study moved to Postgres included).
  const rootTarget = databaseTarget(workspacePaths(root.dir), loadConfig(join(root.dir, CONFIG_FILE)));
  const copy = await copyRoot(rootTarget, database.target, join(tmp, DATABASE_FILE));
  const db = await openDatabase(copy);
  try {
    await writeExperimentFolder(db, join(tmp, 'experiments'), 'exp-01');
  } finally {
    await db.destroy();
  }
  renameSync(tmp, dir);
  return dir;
}

/**
 * Copies the root's database to the replicate's and returns where the copy is: a SQLite root into a file in the folder
 * being built (moved with it), any other into the replicate's own database, in one transaction (a copy an interrupted
 * attempt committed is kept: the replicate's folder did not exist yet, so nothing else wrote there).
 */
async function copyRoot(from: string, to: string, aside: string): Promise<string> {
  const rootDb = await openDatabase(from);
  try {
    // A consistent copy of the root's database (its runs and the task table), whatever its WAL holds.
    if (dialectOf(rootDb) === 'sqlite') {
      await sql`vacuum into ${aside}`.execute(rootDb);
      return aside;
    }
  } finally {
    await rootDb.destroy();
  }
  const target = await openDatabase(to, { create: true });
  const copied = await findExperiment(target, 'exp-01').finally(() => target.destroy());
  if (!copied) await copyDatabase(from, to);
  return to;
}
