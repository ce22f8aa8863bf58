import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { championHistory, sparkline } from '../champion-history.js';
import { readSpend, totalDollars } from '../spend.js';
import type { Db } from '../db/open.js';
import { CONFIG_FILE, openWorkspace, type Workspace } from '../workspace.js';
import { getStudy, listStudies, type Replicate } from './studies.js';
import { countRunsByStatus } from '../db/repos/runs.js';
import type { RunStatus } from '../db/schema.js';

// `evolve study status NAME`: per condition and replicate, how far it got and where its champion stands, read from
// the replicates' own workspaces.

export interface ReplicateStatus {
  condition: string;
  replicate: number;
  seed: number;
  path: string;
  status: Replicate['status'];
  generations: number;
  of: number;
  stopReason: string | null;
  champion: string | null;
  score: number | null;
  /** The champion's score by generation (0: the root). */
  scores: Array<number | null>;
  sparkline: string;
  runs: { done: number; pending: number };
  dollars: number;
}

export interface StudyStatus {
  name: string;
  conditions: Array<{ name: string; settings: Record<string, unknown> }>;
  replicates: ReplicateStatus[];
}

export function studyStatus(ws: Workspace, name: string): Promise<StudyStatus> {
  return readStudyStatus(ws.db, ws.paths.root, name);
}

/** Every study of the workspace at `root` (the TUI's studies view). */
export async function readStudies(db: Db, root: string): Promise<StudyStatus[]> {
  const out: StudyStatus[] = [];
  for (const s of await listStudies(db)) out.push(await readStudyStatus(db, root, s.name));
  return out;
}

export async function readStudyStatus(db: Db, root: string, name: string): Promise<StudyStatus> {
  const study = await getStudy(db, name);
  const replicates: ReplicateStatus[] = [];
  for (const r of study.replicates) {
    const base: ReplicateStatus = {
      condition: r.condition,
      replicate: r.replicate,
      seed: r.seed,
      path: r.path,
      status: r.status,
      generations: r.generations_done,
      of: study.config.generations,
      stopReason: r.stop_reason,
      champion: null,
      score: null,
      scores: [],
      sparkline: '',
      runs: { done: 0, pending: 0 },
      dollars: 0,
    };
    const dir = join(root, r.path);
    if (!existsSync(join(dir, CONFIG_FILE))) {
      replicates.push(base);
      continue;
    }
    const rws = await openWorkspace(dir);
    try {
      const history = await championHistory(rws.db);
      const last = history.at(-1);
      const runs = await countRunsByStatus(rws.db);
      const count = (...statuses: RunStatus[]) => statuses.reduce((s, x) => s + (runs.get(x) ?? 0), 0);
      replicates.push({
        ...base,
        generations: Math.max(0, history.length - 1),
        champion: last?.champion ?? null,
        score: last?.score ?? null,
        scores: history.map((h) => h.score),
        sparkline: sparkline(history.map((h) => h.score)),
        runs: {
          done: count('done', 'error'),
          pending: count('pending', 'running'),
        },
        dollars: totalDollars(await readSpend(rws.db)),
      });
    } finally {
      await rws.close();
    }
  }
  return { name, conditions: study.config.conditions, replicates };
}
