import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { genomeHash } from '../../agent/genome.js';
import type { RunJob } from '../../evaluator/job.js';
import type { RunResult } from '../../evaluator/store.js';
import { writeExperimentFolder } from '../folders.js';
import { seedRoot } from '../experiments.js';
import { initWorkspace, openWorkspace, type Workspace } from '../workspace.js';

// Test fixtures for studies: a real workspace (SQLite file, folders) on the built-in suite, and a scripted evaluator
// whose landscape is fixed: each genome has a quality drawn from its hash, a task is resolved when the (genome,
// task) hash falls under it. Deterministic, so replicates differ only by what their seeds make the proposer try.

export async function studyWorkspace(): Promise<Workspace> {
  const root = join(mkdtempSync(join(tmpdir(), 'evolve-study-')), 'lab');
  await initWorkspace(root, async (ws) => {
    await seedRoot(ws.db);
    return [await writeExperimentFolder(ws.db, ws.paths.experiments, 'exp-01')];
  });
  return openWorkspace(root);
}

const unit = (s: string) => createHash('sha256').update(s).digest().readUInt32BE(0) / 2 ** 32;

/** The scripted landscape; `calls` records every run started, as `experiment task#repeat`. */
export function scriptedLandscape(calls: string[] = [], o: { delayMs?: number; costUsd?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-study-patches-'));
  return {
    runOne: async (job: RunJob): Promise<RunResult> => {
      if (job.actor.kind !== 'genome') throw new Error('the study landscape scripts genomes only');
      const h = genomeHash(job.actor.genome);
      calls.push(`${job.experimentId} ${job.task.id}#${job.repeat}`);
      if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
      const quality = job.experimentId === 'exp-01' ? 0.3 : 0.15 + 0.8 * unit(h);
      const resolved = unit(`${h}/${job.task.id}`) < quality;
      const patchPath = join(dir, `${h.slice(0, 8)}-${job.task.id}-${job.repeat}.diff`);
      writeFileSync(patchPath, 'diff\n');
      return {
        outcome: resolved ? 'resolved' : 'unresolved',
        exitReason: 'submitted',
        durationMs: 1000,
        costUsd: o.costUsd ?? 0.001,
        patchPath,
      };
    },
  };
}
