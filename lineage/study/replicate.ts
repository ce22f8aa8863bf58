import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { sql } from 'kysely';
import { canonicalJson, type Genome } from '../../agent/genome.js';
import { Config } from '../config.js';
import { openDatabase } from '../db/open.js';
import { parseGenome, seedRoot } from '../experiments.js';
import { evaluateExperiment, type EvaluateExperimentOptions } from '../evaluate-experiment.js';
import { writeExperimentFolder } from '../folders.js';
import { CONFIG_FILE, DATABASE_FILE, openWorkspace, type Workspace, writeFileAtomic } from '../workspace.js';
import type { ConditionSettings } from './condition.js';
import { STUDIES_DIR } from './studies.js';
import { getExperiment } from '../db/repos/experiments.js';

// A replicate is a workspace of its own, so every command (tree, eval, the TUI) works on it and its lineage shares
// nothing with its siblings but the root. The root is evaluated once per distinct root (genome, suite, subset,
// repeats) in studies/<name>/roots/<key>, on the train tasks and the whole held-out split; each replicate's database
// starts as a copy of that one, so the root's runs are reused where actor and task are identical, and nowhere else.

export type EvalPassThrough = Omit<
  EvaluateExperimentOptions,
  'experimentId' | 'split' | 'suite' | 'subset' | 'repeats'
>;

/** The replicate's evolve.json: the study workspace's, with the condition's settings in their sections. */
export function replicateConfig(
  ws: Workspace,
  s: ConditionSettings,
  extra: { sandbox?: string; concurrency?: number },
) {
  // A replicate keeps its lineage in its own evolve.db: the study workspace's database URL would put every
  // replicate's lineage into that one database.
  const { databaseUrl: _shared, ...raw } = JSON.parse(readFileSync(ws.paths.config, 'utf8')) as Record<string, any>;
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
  const config = replicateConfig(ws, s, o);
  const parsed = Config.parse(config);
  const genome = rootGenome(parseGenome(await getExperiment(ws.db, 'exp-01')), s);
  const key = rootKey(genome, s, parsed.defaults.suite, parsed.defaults.repeats);
  const dir = join(ws.paths.root, STUDIES_DIR, study, 'roots', key);
  if (existsSync(join(dir, 'ready'))) return { dir, key };
  mkdirSync(join(dir, 'experiments'), { recursive: true });
  mkdirSync(join(dir, 'runs'), { recursive: true });
  writeFileAtomic(join(dir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
  const db = await openDatabase(join(dir, DATABASE_FILE), { create: true });
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

/** Creates the replicate's workspace from the evaluated root (all or nothing: built aside, then renamed). */
export async function prepareReplicate(
  ws: Workspace,
  root: PreparedRoot,
  path: string,
  s: ConditionSettings,
  o: { sandbox?: string; concurrency?: number },
): Promise<string> {
  const dir = join(ws.paths.root, path);
  if (existsSync(join(dir, DATABASE_FILE))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'experiments'), { recursive: true });
  mkdirSync(join(tmp, 'runs'), { recursive: true });
  writeFileAtomic(join(tmp, CONFIG_FILE), `${JSON.stringify(replicateConfig(ws, s, o), null, 2)}\n`);
  const rootDb = await openDatabase(join(root.dir, DATABASE_FILE));
  try {
    // A consistent copy of the root's database (its runs and the task table), whatever its WAL holds.
    await sql`vacuum into ${join(tmp, DATABASE_FILE)}`.execute(rootDb);
  } finally {
    await rootDb.destroy();
  }
  const rws = await openWorkspace(tmp);
  try {
    await writeExperimentFolder(rws.db, rws.paths.experiments, 'exp-01');
  } finally {
    await rws.close();
  }
  renameSync(tmp, dir);
  return dir;
}
