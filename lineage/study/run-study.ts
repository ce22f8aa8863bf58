import { authorChildren } from '../authoring/author-children.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SpendLimit } from '../../evaluator/budget.js';
import { now } from '../db/open.js';
import { acquireGenerationLock } from '../generation-lock.js';
import { GenerationInterrupted, nextGeneration } from '../next-generation.js';
import { readSpend, totalDollars } from '../spend.js';
import { openWorkspace, type Workspace } from '../workspace.js';
import { settingsOf } from './condition.js';
import { type EvalPassThrough, prepareReplicate, prepareRoot } from './replicate.js';
import { getStudy, type Replicate, STUDIES_DIR, type Study, updateReplicate } from './studies.js';
import { doneGenerations } from '../db/repos/generations.js';

// `evolve study run NAME`: every replicate of every condition grown to the study's generations, one replicate after
// another (replicate 1 of each condition first, so a study stopped early stays balanced). Each generation is the
// product's own nextGeneration in the replicate's workspace, so a killed study resumes at run granularity: the
// replicate's unfinished generation resumes its own children and pending runs.

export interface StudyRunOptions {
  /** Evaluation wiring and progress (tests, the CLI's progress lines). */
  eval?: EvalPassThrough;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export class StudyInterrupted extends Error {
  override readonly name = 'StudyInterrupted';
  readonly hint: string;
  constructor(study: string) {
    super(`study ${study} interrupted; in-flight runs were put back to pending`);
    this.hint = `Run \`evolve study run ${study}\` again to resume it where it stopped.`;
  }
}

export async function runStudy(ws: Workspace, name: string, o: StudyRunOptions = {}): Promise<Study> {
  const study = await getStudy(ws.db, name);
  const dir = join(ws.paths.root, STUDIES_DIR, name);
  mkdirSync(dir, { recursive: true });
  const release = await acquireGenerationLock(dir, {
    command: `evolve study run ${name}`,
    ...(o.log ? { log: o.log } : {}),
  });
  try {
    for (const r of study.replicates) {
      if (r.status === 'done') continue;
      await runReplicate(ws, study, r, o);
    }
  } catch (error) {
    if (error instanceof GenerationInterrupted) throw new StudyInterrupted(name);
    throw error;
  } finally {
    release();
  }
  return getStudy(ws.db, name);
}

async function runReplicate(ws: Workspace, study: Study, r: Replicate, o: StudyRunOptions): Promise<void> {
  const s = settingsOf(study.config, r.condition);
  const where = `${r.condition}/r${r.replicate}`;
  const log = (l: string) => o.log?.(`[${where}] ${l}`);
  const extra = {
    ...(study.config.sandbox ? { sandbox: study.config.sandbox } : {}),
    ...(study.config.concurrency ? { concurrency: study.config.concurrency } : {}),
  };
  const evalOpts = { ...o.eval, ...(o.signal ? { signal: o.signal } : {}) };
  const root = await prepareRoot(ws, study.name, s, { ...extra, eval: evalOpts, log });
  if (o.signal?.aborted) throw new StudyInterrupted(study.name);
  const dir = await prepareReplicate(ws, root, r.path, s, extra);
  if (r.status === 'pending') await updateReplicate(ws.db, r, { status: 'running', started_at: now() });
  const rws = await openWorkspace(dir);
  try {
    // The condition's budget holds across the replicate's generations, counting what it spent before a resume.
    const budget = s.budget ? new SpendLimit(`${where} budget`, { dollars: s.budget }) : undefined;
    budget?.charge(totalDollars(await readSpend(rws.db)), 0);
    let stop: string | null = null;
    for (;;) {
      const done = await generationsDone(rws);
      await updateReplicate(ws.db, r, { generations_done: done });
      if (done >= study.config.generations) break;
      const spent = budget?.exceeded();
      if (spent) {
        stop = spent.reason;
        break;
      }
      log(`generation ${done + 1} of ${study.config.generations}`);
      const g = await nextGeneration(rws, {
        seed: r.seed + done + 1,
        // Self-authoring conditions: the replicate's champion writes its children (code by default).
        ...(s.author === 'champion'
          ? {
              author: (ctx: Parameters<typeof authorChildren>[1]) =>
                authorChildren(rws, ctx, {
                  mode: s.authorMode ?? 'code',
                  code: {
                    ...(study.config.sandbox ? { sandbox: study.config.sandbox } : {}),
                    ...(o.signal ? { signal: o.signal } : {}),
                    log,
                  },
                  log,
                }),
            }
          : {}),
        eval: { ...evalOpts, ...(s.subset ? { subset: s.subset } : {}) },
        ...(budget ? { commandBudget: budget } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        lock: { command: `evolve study run ${study.name}` },
        log,
      });
      log(`${g.promoted ? `promoted ${g.promoted}` : 'no promotion'}; champion ${g.champion}`);
      if (g.rows.length === 0) {
        stop = 'nothing left to propose';
        await updateReplicate(ws.db, r, { generations_done: await generationsDone(rws) });
        break;
      }
    }
    await updateReplicate(ws.db, r, { status: 'done', stop_reason: stop, finished_at: now() });
  } finally {
    await rws.close();
  }
}

async function generationsDone(ws: Workspace): Promise<number> {
  return (await doneGenerations(ws.db)).length;
}
