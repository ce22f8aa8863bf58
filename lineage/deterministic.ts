import { isDeterministicModel } from '../agent/models/registry.js';
import type { Db } from './db/open.js';
import { parseGenome } from './experiments.js';
import { listExperiments } from './db/repos/experiments.js';

// A deterministic actor, declared: when the champion and every child run models that declare themselves deterministic
// (agent/models/providers: offline and replay; scripted stands in for a sampling model and does not), looking again at more repeats of a comparison reproduces it, so
// each child gets its whole share of the generation's level at its one look (lineage/decide-generation.ts) instead of
// a Pocock-type slice of it over looks it would never take. Declared, so it holds from the first look; determinism seen
// in repeats (evaluate-and-decide's repeatsAreIdentical) needs two repeats of every task first.

/** Do all of these experiments run a model that declares itself deterministic? (false for an empty list) */
export async function declaredDeterministic(db: Db, ids: string[]): Promise<boolean> {
  if (ids.length === 0) return false;
  const rows = await listExperiments(db, ids);
  return rows.length === new Set(ids).size && rows.every((r) => isDeterministicModel(parseGenome(r).model));
}
