import { z } from 'zod';
import { canonicalJson, type Genome, genomeHash } from '../../agent/genome.js';
import type { ScriptedEntry } from '../../agent/models/scripted.js';
import type { Authorship } from '../authorship.js';
import { proposerRawMaterial, RAW_TOOLS_HINT } from '../authoring/raw-tools.js';
import { agentSourceOf } from '../code-variant/agent-source.js';
import type { Experiment } from '../db/schema.js';
import { parseGenome } from '../experiments.js';
import { askForJson, canWriteProposals } from '../model-json.js';
import { readClusters } from '../read.js';
import { oneChangeCandidates, propose, type Proposal } from '../proposers.js';
import type { Workspace } from '../workspace.js';
import { getExperiment } from '../db/repos/experiments.js';
import { agentCodeKey } from '../../evaluator/agent-code.js';

// Self-authoring (`evolve next-generation --author champion`): the champion's own genome writes the generation's
// one-change children. Its model picks from the parent's untried one-change candidates and writes each hypothesis,
// as validated JSON; an invalid choice is rejected with a reason. A model that cannot author (the deterministic
// `offline` repairer, or a `replay` of a recorded run) falls back to the systematic proposer, and says so.

export interface AuthorContext {
  parent: Experiment;
  champion: string;
  k: number;
  /** Genome hashes already tried from this parent. */
  tried: Set<string>;
  seed: number;
  /** The generation asking: the author's spend is stored against it. */
  generation?: number;
}

export interface Authored {
  proposals: Proposal[];
  /** Recorded on each child's `proposer`. */
  proposer: string;
  /** Recorded on each child's `authored_by` (null when the fallback proposer wrote them). */
  authoredBy: string | null;
  /** What happened, for the output and the generation's config (fallbacks, rejected choices). */
  note: string | null;
  /** The champion at its commit with its model, when it wrote them. */
  authorship?: Authorship;
}

export interface AuthorOptions {
  /** For the `scripted` model (tests). */
  script?: ScriptedEntry[];
  /** Keys and base URLs for the champion's model (default process.env); tests. */
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
}

/** Models that cannot author: `offline` repairs Python code by search, `replay` replays a recorded run. */

const Reply = z.object({
  children: z.array(z.object({ candidate: z.number().int(), hypothesis: z.string().min(10) })).min(1),
});

function prompt(parent: Experiment, genome: Genome, candidates: Proposal[], clusters: string[], k: number): string {
  return [
    `You are choosing the next experiments for a coding agent. Parent ${parent.id} (resolve rate ${parent.score === null ? 'unknown' : `${(100 * parent.score).toFixed(1)}%`}) has this genome:`,
    canonicalJson(genome),
    '',
    `Its most frequent failure clusters: ${clusters.length ? clusters.join('; ') : 'none recorded'}.`,
    '',
    'Each candidate below changes exactly one thing:',
    ...candidates.map((c, i) => `${i}. ${c.hypothesis}`),
    '',
    RAW_TOOLS_HINT,
    '',
    `Pick ${k} different candidates most likely to raise the resolve rate and write, for each, a testable hypothesis.`,
    'Reply with JSON only: {"children":[{"candidate":<number>,"hypothesis":"<why this change helps, what it should fix>"}]}',
  ].join('\n');
}

export async function authorProposals(ws: Workspace, ctx: AuthorContext, o: AuthorOptions = {}): Promise<Authored> {
  const champion = await getExperiment(ws.db, ctx.champion);
  const model = parseGenome(champion).model;
  const genome = parseGenome(ctx.parent);
  const systematic = (why: string): Authored => ({
    proposals: propose('systematic', genome, { k: ctx.k, tried: ctx.tried, seed: ctx.seed }),
    proposer: 'systematic',
    authoredBy: null,
    note: why,
  });
  if (!canWriteProposals(model))
    return systematic(
      `self-authoring: champion ${champion.id}'s model "${model}" cannot author proposals; fell back to the systematic proposer`,
    );

  const candidates = oneChangeCandidates(genome).filter((c) => !ctx.tried.has(genomeHash(c.genome)));
  if (candidates.length === 0)
    return { proposals: [], proposer: `author:${champion.id}`, authoredBy: champion.id, note: null };
  const clusters = (await readClusters(ws.db, ctx.parent.id)).slice(0, 5).map((c) => `${c.label} (${c.count} runs)`);
  let reply;
  try {
    // The raw material, as read-only tools, as every model proposer gets it.
    const raw = await proposerRawMaterial(ws, ctx.parent.id, ctx.generation);
    reply = await askForJson(ws, {
      model,
      runLabel: `author ${champion.id}`,
      tools: raw,
      system: 'You design one-change experiments for an agent-evolution system. Reply with JSON only.',
      prompt: prompt(ctx.parent, genome, candidates, clusters, ctx.k),
      schema: Reply,
      meter: {
        purpose: 'author',
        experiment: champion.id,
        ...(ctx.generation !== undefined ? { generation: ctx.generation } : {}),
      },
      ...(o.script ? { script: o.script } : {}),
      ...(o.env ? { env: o.env } : {}),
    });
  } catch (error) {
    // Unreachable, no key, a refusal: the generation goes on with the systematic proposer, as documented.
    return systematic(
      `self-authoring: champion ${champion.id}'s model "${model}" is not usable (${(error as Error).message}); fell back to the systematic proposer`,
    );
  }
  const rejected = [...reply.rejected];
  const chosen: Proposal[] = [];
  for (const c of reply.data?.children ?? []) {
    const base = candidates[c.candidate];
    if (!base) rejected.push(`candidate ${c.candidate}: no such candidate (0-${candidates.length - 1})`);
    else if (chosen.some((x) => genomeHash(x.genome) === genomeHash(base.genome)))
      rejected.push(`candidate ${c.candidate}: chosen twice`);
    else if (chosen.length < ctx.k) chosen.push({ genome: base.genome, hypothesis: c.hypothesis });
  }
  if (rejected.length) o.log?.(`self-authoring: rejected ${rejected.join('; ')}`);
  if (chosen.length === 0)
    return systematic(
      `self-authoring: champion ${champion.id}'s proposals were all invalid (${rejected.join('; ')}); fell back to the systematic proposer`,
    );
  return {
    proposals: chosen,
    proposer: `author:${champion.id}`,
    authoredBy: champion.id,
    authorship: {
      kind: 'agent',
      experiment: champion.id,
      role: 'champion',
      commit: agentCodeKey(await agentSourceOf(ws, champion.id)),
      model,
      writes: 'genome',
    },
    note: rejected.length
      ? `self-authoring by ${champion.id}: rejected ${rejected.join('; ')}`
      : `self-authoring: children written by champion ${champion.id} (${model})`,
  };
}
