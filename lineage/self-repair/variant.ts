import { type Genome, genomeHash } from '../../agent/genome.js';
import { listPolicies } from '../../agent/policies/registry.js';
import { filePatches, patchPaths } from '../../tasks/patch.js';
import { inSurface } from '../code-variant/surface.js';
import type { Db } from '../db/open.js';
import { now } from '../db/open.js';
import { insertWithFreeId } from '../db/repos/experiments.js';
import type { Experiment } from '../db/schema.js';
import type { Authorship } from '../authorship.js';

// Code-variant children made by self-repair: ids `exp-23-r1`, `exp-23-r2`, … (the letters stay with one-change
// genome children), one row per repair with change kind `code`, and the objective-hacking flags a patch earns.

/** `exp-23` + 1 -> `exp-23-r1`. */
export function repairId(parentId: string, n: number): string {
  return `${parentId}-r${n}`;
}

export interface CodeChange {
  kind: 'code';
  /** `context`: only instructions and skills under agent/prompts/ were allowed (context-layer learning). */
  layer?: 'code' | 'context';
  branch: string;
  parentBranch: string;
  /** The failure cluster a self-repair worked on (absent for a champion's authored child). */
  cluster?: string;
  files: string[];
  patch: 'change.patch';
}

export interface NewCodeVariant {
  parent: Experiment;
  parentBranch: string;
  cluster?: { id: string; label: string };
  /** What wrote it, for the summary (default: `self-repair of <cluster>`). */
  origin?: string;
  hypothesis: string;
  authoredBy: string;
  /** Who wrote it: the authoring agent at its commit, with its model. */
  authorship?: Authorship;
  layer?: 'code' | 'context';
  proposer?: string;
  generation?: number;
  patch: string;
}

/** Inserts the variant with the next free `-rN` id in one transaction, status `proposed`, genome as the parent's. */
export async function insertCodeVariant(db: Db, v: NewCodeVariant): Promise<Experiment> {
  const files = patchPaths(v.patch);
  return insertWithFreeId(
    db,
    v.parent.id,
    (n) => repairId(v.parent.id, n),
    (id) => {
      const change: CodeChange = {
        kind: 'code',
        ...(v.layer ? { layer: v.layer } : {}),
        branch: id,
        parentBranch: v.parentBranch,
        ...(v.cluster ? { cluster: v.cluster.id } : {}),
        files,
        patch: 'change.patch',
      };
      const genome = JSON.parse(v.parent.genome);
      const row: Experiment = {
        id,
        parent_id: v.parent.id,
        generation: v.generation ?? v.parent.generation + 1,
        genome: v.parent.genome,
        genome_hash: genomeHash(genome),
        change: JSON.stringify(change),
        change_summary: `code patch (${v.origin ?? `self-repair of ${v.cluster?.id}: ${v.cluster?.label}`}): ${files.length ? files.join(', ') : 'no files changed'}`,
        hypothesis: v.hypothesis,
        status: 'proposed',
        proposer: v.proposer ?? 'self-repair',
        authored_by: v.authoredBy,
        authorship: v.authorship ? JSON.stringify(v.authorship) : null,
        branch: null,
        seed: null,
        verdict: null,
        learned: null,
        score: null,
        score_lo: null,
        score_hi: null,
        cost_usd: null,
        flags: '[]',
        created_at: now(),
        finished_at: null,
      };
      return row;
    },
    1,
  );
}

// Tests, graders, evaluator, lineage and task data: a patch reaching for them is suspect even when it is rejected.
const GUARDED = [
  /(^|\/)tests?\//,
  /\.test\.[cm]?[jt]sx?$/,
  /(^|\/)test_[^/]*\.py$/,
  /^evaluator\//,
  /^tasks\//,
  /^lineage\//,
  /(^|\/)grad(e|er|ing)[^/]*$/,
];

/** Flags for a patch that touches tests, graders or evaluator files. */
export function patchFlags(patch: string): string[] {
  const hit = patchPaths(patch).filter((p) => GUARDED.some((r) => r.test(p)));
  return hit.length ? [`patch touches tests/graders/evaluator: ${hit.join(', ')}`] : [];
}

const PROMPTS = 'agent/prompts/**';

/** The surface of a context-layer repair: agent/prompts/ only, which the configured surface must allow. */
export function contextSurface(surface: string[]): string[] {
  if (!inSurface('agent/prompts/skills/x.md', surface)) {
    throw Object.assign(
      new Error(`--context-only: the mutable surface (${surface.join(', ')}) does not include agent/prompts/`),
      { hint: 'Add "agent/prompts/**" to lineage.mutableSurface in evolve.json, or repair without --context-only.' },
    );
  }
  return [PROMPTS];
}

/** Skill files a patch creates (agent/prompts/skills/<name>.md), by name. */
export function addedSkills(patch: string): string[] {
  const out: string[] = [];
  for (const f of filePatches(patch)) {
    const m = f.created ? f.to?.match(/^agent\/prompts\/skills\/([A-Za-z0-9_-]+)\.md$/) : undefined;
    if (m && m[1] !== 'README') out.push(m[1]!);
  }
  return out;
}

/**
 * A new skill is used only when the genome's prompt policy lists it, so the variant's genome enables the skills
 * its patch adds. Unchanged when the prompt policy takes no `skills` parameter or lists them already.
 */
export function enableSkills(genome: Genome, skills: string[]): Genome {
  const info = listPolicies('prompt').find((p) => p.name === genome.prompt.name);
  if (!info || !('skills' in info.defaults) || skills.length === 0) return genome;
  const listed = Array.isArray(genome.prompt.params.skills) ? (genome.prompt.params.skills as string[]) : [];
  const merged = [...new Set([...listed, ...skills])];
  return merged.length === listed.length
    ? genome
    : { ...genome, prompt: { ...genome.prompt, params: { ...genome.prompt.params, skills: merged } } };
}
