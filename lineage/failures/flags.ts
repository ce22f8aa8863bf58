import type { Db } from '../db/open.js';

// Experiment-level objective-hacking flags: kept on the experiment row (shown in its folder README, `evolve tree`
// detail and `evolve failures`), merged, never removed by a later sign-up.

export async function addFlags(db: Db, id: string, flags: string[]): Promise<string[]> {
  const row = await db.selectFrom('experiments').select('flags').where('id', '=', id).executeTakeFirstOrThrow();
  const old = JSON.parse(row.flags) as string[];
  const merged = [...new Set([...old, ...flags])];
  if (merged.length !== old.length)
    await db
      .updateTable('experiments')
      .set({ flags: JSON.stringify(merged) })
      .where('id', '=', id)
      .execute();
  return merged;
}

/** The flag line of one suspicious run, as the experiment records it. */
export function runFlag(s: { runId: number; taskId: string; reasons: string[] }): string {
  return `run ${s.runId} (${s.taskId}): ${s.reasons.join(', ')}`;
}
