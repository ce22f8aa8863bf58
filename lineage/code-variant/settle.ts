import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { genomeHash } from '../../agent/genome.js';
import { readTrajectory } from '../../agent/trajectory.js';
import { changedFiles } from '../../tasks/patch.js';
import type { Db } from '../db/open.js';
import { recordDecision } from '../db/repos/decisions.js';
import { addFlags, getExperiment, updateExperiment } from '../db/repos/experiments.js';
import { parseGenome } from '../experiments.js';
import { signatureOf } from '../failures/signature.js';
import { addedSkills, enableSkills, patchFlags } from '../self-repair/variant.js';
import { type Workspace, writeFileAtomic } from '../workspace.js';
import { type GateOptions, type GateResult, gateCodeVariant } from './gate.js';

// What happens to a code variant once its writer (a self-repair run, a champion authoring its successor) has
// stopped: its diff is recorded, what the diff and the writer's reads earn is flagged, and then it is failed (its
// writer did not finish), rejected at a gate, or given its branch. One function, so both writers settle alike.

export interface SettleVariant {
  id: string;
  diff: string;
  /** Who wrote it, for the log and the flags: `repair run`, `authoring run`. */
  writer: string;
  exitReason: string;
  steps: number;
  /** The writer's trajectory (its hidden-path probes are flags). */
  trajectory: string;
  /** Replaces the row's hypothesis (an author states its own). */
  hypothesis?: string;
  /** Why the variant fails instead of being gated (its writer did not submit, or ran out of budget). */
  failure?: string;
  /** The decision's rule when it fails: `author`, `self-repair`. */
  failRule: string;
  generation: number;
  gate: Omit<GateOptions, 'branch' | 'patch' | 'workspaceRoot'>;
  log?: (line: string) => void;
}

export type Settled = { flags: string[] } & (
  | { outcome: 'failed'; reason: string }
  | { outcome: 'rejected'; gate: Extract<GateResult, { ok: false }> }
  | { outcome: 'accepted'; gate: Extract<GateResult, { ok: true }> }
);

export async function settleVariant(ws: Workspace, v: SettleVariant): Promise<Settled> {
  const { db } = ws;
  const log = v.log ?? (() => {});
  writeFileAtomic(join(ws.paths.experiments, v.id, 'change.patch'), v.diff);
  const files = changedFiles(v.diff);
  const row = await getExperiment(db, v.id);
  await updateExperiment(db, v.id, {
    change: JSON.stringify({ ...JSON.parse(row.change), files }),
    change_summary: row.change_summary.replace(/: no files changed$/, `: ${files.join(', ') || 'no files changed'}`),
    ...(v.hypothesis !== undefined ? { hypothesis: v.hypothesis } : {}),
  });
  log(`${v.id}: ${v.writer} ${v.exitReason} after ${v.steps} steps; ${files.length} file(s) changed`);
  // The writer's own record: what it tried to read (hidden paths) is a flag like a patch touching tests.
  const probes = existsSync(v.trajectory)
    ? signatureOf({ exitReason: v.exitReason, report: null, events: readTrajectory(v.trajectory) }).hiddenPathProbes
    : [];
  const flags = await addFlags(db, v.id, [
    ...patchFlags(v.diff),
    ...probes.map((p) => `${v.writer} probed hidden path ${p}`),
  ]);
  if (v.failure !== undefined) {
    await failVariant(db, v.id, v.generation, v.failRule, v.failure);
    return { outcome: 'failed', reason: v.failure, flags };
  }
  const gate = await gateCodeVariant({ ...v.gate, workspaceRoot: ws.paths.root, branch: v.id, patch: v.diff });
  if (!gate.ok) {
    log(`${v.id}: rejected at the ${gate.stage} gate: ${gate.reason}`);
    await recordDecision(db, {
      experimentId: v.id,
      action: 'reject',
      rule: `gate:${gate.stage}`,
      actor: 'system',
      reason: gate.reason,
      details: { stage: gate.stage, log: gate.log },
      generation: v.generation,
      learned: `Rejected before any task ran (${gate.stage}): ${gate.reason}`,
    });
    return { outcome: 'rejected', gate, flags };
  }
  await updateExperiment(db, v.id, { branch: gate.branch });
  await enableAddedSkills(db, v.id, v.diff, log);
  return { outcome: 'accepted', gate, flags };
}

/** A variant that will never run: failed, with the reason as its decision and what its record says was learned. */
export async function failVariant(
  db: Db,
  id: string,
  generation: number | undefined,
  rule: string,
  reason: string,
): Promise<void> {
  await recordDecision(db, {
    experimentId: id,
    action: 'fail',
    rule,
    actor: 'system',
    reason,
    ...(generation !== undefined ? { generation } : {}),
    learned: `Not evaluated: ${reason}`,
  });
}

/** A skill the patch adds takes effect only once the variant's genome lists it (context-layer learning). */
export async function enableAddedSkills(db: Db, id: string, diff: string, log: (line: string) => void): Promise<void> {
  const row = await getExperiment(db, id);
  const skills = addedSkills(diff);
  const genome = parseGenome(row);
  const enabled = enableSkills(genome, skills);
  if (enabled === genome) return;
  await updateExperiment(db, id, {
    genome: JSON.stringify(enabled),
    genome_hash: genomeHash(enabled),
    change_summary: `${row.change_summary}; enables skill ${skills.join(', ')}`,
  });
  log(`${id}: its prompt policy now lists the new skill(s) ${skills.join(', ')}`);
}
