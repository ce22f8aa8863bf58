import type { Db } from './db/open.js';
import { getExperiment } from './db/repos/experiments.js';
import { recordDecision } from './db/repos/decisions.js';

// A person's promotion. An experiment that was rejected (a code variant that failed its gate) or that carries flags
// (objective hacking: probing hidden paths, editing tests, tampering with its grader) is promoted only when the
// person says --force, and the decision records what was forced past.

export class PromotionBlocked extends Error {
  override readonly name = 'PromotionBlocked';
  readonly hint: string;
  constructor(
    readonly experimentId: string,
    readonly blockers: string[],
  ) {
    super(`${experimentId} cannot be promoted: ${blockers.join('; ')}`);
    this.hint = `Look at \`evolve failures ${experimentId}\`; pass --force to promote it anyway (recorded with the decision).`;
  }
}

/** Why an experiment may not be promoted without --force. */
export function promotionBlockers(e: { status: string; flags: string }): string[] {
  const flags = JSON.parse(e.flags) as string[];
  return [
    ...(e.status === 'rejected' ? ['it was rejected'] : []),
    ...(flags.length ? [`flagged: ${flags.join(', ')}`] : []),
  ];
}

export async function promoteByPerson(
  db: Db,
  id: string,
  why: string,
  options: { force?: boolean } = {},
): Promise<{ decisionId: number; forced: string[] }> {
  const blockers = promotionBlockers(await getExperiment(db, id));
  if (blockers.length && !options.force) throw new PromotionBlocked(id, blockers);
  const decisionId = await recordDecision(db, {
    experimentId: id,
    action: 'promote',
    rule: 'person',
    actor: 'person',
    reason: blockers.length ? `${why} (forced past: ${blockers.join('; ')})` : why,
    details: blockers.length ? { forced: blockers } : {},
  });
  return { decisionId, forced: blockers };
}
