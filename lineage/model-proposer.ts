import { z } from 'zod';
import { diffGenomes, formatChoice } from '../agent/genome-diff.js';
import { Budgets, canonicalJson, type Genome, genomeHash, POLICY_SLOTS } from '../agent/genome.js';
import type { ScriptedEntry } from '../agent/models/scripted.js';
import { listPolicies, resolvePolicies } from '../agent/policies/registry.js';
import { proposerRawMaterial, RAW_TOOLS_HINT } from './authoring/raw-tools.js';
import { readContext, renderContext } from './context.js';
import type { Experiment } from './db/schema.js';
import { parseGenome } from './experiments.js';
import { changeEvidence } from './fixed-proposer.js';
import { askForJson, canWriteProposals } from './model-json.js';
import type { LineageProposer } from './proposer-registry.js';
import { propose, type Proposal } from './proposers.js';
import type { Workspace } from './workspace.js';
import { childrenOf } from './db/repos/experiments.js';

// The `model` proposer: a model reads the parent's context (lineage/context.ts: genome, scores, what was tried
// and how it went, failure-cluster labels and counts; nothing hidden) and the menu of registered policies, and
// answers with one-change proposals as JSON. Each proposal is checked: one change, a known policy, params that fit
// its schema, not a change already tried from this parent. A rejected proposal is dropped with its reason. With no
// proposer model, one that cannot write proposals (offline, replay), or one that fails, the systematic proposer
// writes the children instead, and the note says so.

export interface ModelProposerContext {
  parent: Experiment;
  k: number;
  /** Genome hashes already tried from this parent. */
  tried: Set<string>;
  seed: number;
  /** The generation asking: the proposer's spend is stored against it. */
  generation?: number;
}

export interface ModelProposerOptions {
  /** e.g. "anthropic/claude-haiku-4-5"; from --proposer-model or lineage.proposerModel. */
  model?: string;
  /** For the `scripted` model (tests). */
  script?: ScriptedEntry[];
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
  /** lineage.order for the systematic fallback ('evidence': lineage/change-evidence.ts). */
  order?: 'fixed' | 'evidence';
}

export interface ModelProposed {
  proposals: Proposal[];
  /** Recorded on each child's `proposer`: `model:<name>`, or `systematic` after a fallback. */
  proposer: string;
  authoredBy: null;
  note: string | null;
  /** Every proposal the model made that was not used, with the reason. */
  rejected: string[];
}

export const ProposalReply = z.object({ proposals: z.array(z.unknown()).min(1) });
export const ModelProposal = z.strictObject({
  slot: z.enum([...POLICY_SLOTS, 'budgets']),
  /** The policy to use in the slot (required for policy slots; absent for budgets). */
  policy: z.string().min(1).optional(),
  params: z.record(z.string(), z.unknown()).default({}),
  hypothesis: z.string().min(10),
});
export type ModelProposal = z.infer<typeof ModelProposal>;

/** Genomes equal once defaults are filled in are the same experiment (window{} is window{turns:<default>}). */
function sameExperimentKey(g: Genome): string {
  try {
    const r = resolvePolicies(g);
    return canonicalJson({
      model: g.model,
      budgets: g.budgets,
      ...Object.fromEntries(POLICY_SLOTS.map((s) => [s, { name: r[s].info.name, params: r[s].params }])),
    });
  } catch {
    return genomeHash(g);
  }
}

/** The child genome a proposal describes, or why it is not a valid one-change child of `parent`. */
export function proposalGenome(parent: Genome, p: ModelProposal): { genome: Genome } | { error: string } {
  let genome: Genome;
  if (p.slot === 'budgets') {
    const b = Budgets.safeParse({ ...parent.budgets, ...p.params });
    if (!b.success)
      return {
        error: `bad params for budgets: ${b.error.issues.map((i) => `${i.path.join('.') || '(budgets)'}: ${i.message}`).join('; ')}`,
      };
    genome = { ...parent, budgets: b.data };
  } else {
    const infos = listPolicies(p.slot);
    if (!p.policy) return { error: `slot ${p.slot} needs a "policy" (one of ${infos.map((i) => i.name).join(', ')})` };
    const info = infos.find((i) => i.name === p.policy);
    if (!info)
      return { error: `unknown ${p.slot} policy "${p.policy}" (known: ${infos.map((i) => i.name).join(', ')})` };
    const current = parent[p.slot];
    const params = info.name === current.name ? { ...current.params, ...p.params } : { ...info.defaults, ...p.params };
    const checked = info.params.safeParse(params);
    if (!checked.success)
      return {
        error: `bad params for ${p.slot} ${info.name}: ${checked.error.issues.map((i) => `${i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(', ') : '')}: ${i.message}`).join('; ')} (defaults ${JSON.stringify(info.defaults)})`,
      };
    genome = { ...parent, [p.slot]: { name: info.name, params } };
  }
  const changes = diffGenomes(parent, genome);
  if (changes.length === 0) return { error: 'changes nothing: it is the parent genome' };
  if (changes.length > 1)
    return { error: `not one change: it changes ${changes.length} things (${changes.map((c) => c.text).join('; ')})` };
  return { genome };
}

function menu(parent: Genome): string[] {
  const lines = ['What a proposal may change (exactly one per proposal):'];
  for (const slot of POLICY_SLOTS) {
    lines.push(`- ${slot} (now ${formatChoice(parent[slot])}):`);
    for (const i of listPolicies(slot))
      lines.push(
        `    ${i.name}: ${i.description} defaults ${JSON.stringify(i.defaults)}${i.paramSteps.length ? `; e.g. params ${i.paramSteps.map((s) => JSON.stringify(s)).join(', ')}` : ''}`,
      );
  }
  lines.push(
    `- budgets (now ${JSON.stringify(parent.budgets)}): params such as {"steps": 60} or {"wallClockSec": 600}`,
  );
  return lines;
}

function prompt(contextText: string, parent: Genome, k: number): string {
  return [
    'You propose the next experiments for a coding agent improved by controlled evolution: each child changes exactly ONE thing in its parent genome and is compared with the champion on the same tasks.',
    '',
    contextText,
    '',
    ...menu(parent),
    '',
    RAW_TOOLS_HINT,
    '',
    `Propose ${k} different changes, none of them already tried from this parent, each with a testable hypothesis (what it should fix and why, given the failures and what was learned).`,
    'Reply with JSON only: {"proposals":[{"slot":"memory","policy":"window","params":{"turns":8},"hypothesis":"..."},{"slot":"budgets","params":{"steps":60},"hypothesis":"..."}]}',
  ].join('\n');
}

export async function modelProposals(
  ws: Workspace,
  ctx: ModelProposerContext,
  o: ModelProposerOptions = {},
): Promise<ModelProposed> {
  const genome = parseGenome(ctx.parent);
  // The fallback is the systematic proposer as lineage.order configures it.
  const evidence = o.order === 'evidence' ? await changeEvidence(ws.db) : undefined;
  const systematic = (why: string, rejected: string[] = []): ModelProposed => {
    o.log?.(why);
    return {
      proposals: propose('systematic', genome, {
        k: ctx.k,
        tried: ctx.tried,
        seed: ctx.seed,
        ...(evidence ? { evidence } : {}),
      }),
      proposer: 'systematic',
      authoredBy: null,
      note: why,
      rejected,
    };
  };
  if (!o.model)
    return systematic(
      'model proposer: no proposer model set (--proposer-model or lineage.proposerModel in evolve.json); fell back to the systematic proposer',
    );
  if (!canWriteProposals(o.model))
    return systematic(`model proposer: "${o.model}" cannot write proposals; fell back to the systematic proposer`);

  const text = renderContext(await readContext(ws.db, ctx.parent.id));
  let reply;
  try {
    // The raw material, as read-only tools: the proposer reads trajectories, not only the summary above.
    const raw = await proposerRawMaterial(ws, ctx.parent.id, ctx.generation);
    reply = await askForJson(ws, {
      model: o.model,
      runLabel: `proposer for ${ctx.parent.id}`,
      tools: raw,
      system: 'You design one-change experiments for an agent-evolution system. Reply with JSON only.',
      prompt: prompt(text, genome, ctx.k),
      schema: ProposalReply,
      meter: {
        purpose: 'proposer',
        experiment: ctx.parent.id,
        ...(ctx.generation !== undefined ? { generation: ctx.generation } : {}),
      },
      ...(o.script ? { script: o.script } : {}),
      ...(o.env ? { env: o.env } : {}),
    });
  } catch (error) {
    return systematic(
      `model proposer: "${o.model}" is not usable (${(error as Error).message}); fell back to the systematic proposer`,
    );
  }
  const rejected = [...reply.rejected];
  const seen = new Set([
    sameExperimentKey(genome),
    ...(await childrenOf(ws.db, ctx.parent.id)).map((c) => sameExperimentKey(parseGenome(c))),
  ]);
  const chosen: Proposal[] = [];
  (reply.data?.proposals ?? []).forEach((raw, i) => {
    const parsed = ModelProposal.safeParse(raw);
    if (!parsed.success)
      return rejected.push(
        `proposal ${i}: ${parsed.error.issues.map((x) => `${x.path.join('.') || '(top level)'}: ${x.message}`).join('; ')}`,
      );
    const built = proposalGenome(genome, parsed.data);
    if ('error' in built) return rejected.push(`proposal ${i}: ${built.error}`);
    const key = sameExperimentKey(built.genome);
    if (ctx.tried.has(genomeHash(built.genome)) || seen.has(key))
      return rejected.push(
        `proposal ${i}: duplicate: ${diffGenomes(genome, built.genome)[0]!.text} was already tried from ${ctx.parent.id} or proposed twice`,
      );
    if (chosen.length >= ctx.k) return rejected.push(`proposal ${i}: more than the ${ctx.k} asked for`);
    seen.add(key);
    chosen.push({ genome: built.genome, hypothesis: parsed.data.hypothesis });
  });
  if (rejected.length) o.log?.(`model proposer: rejected ${rejected.join('; ')}`);
  if (chosen.length === 0)
    return systematic(
      `model proposer: every proposal from "${o.model}" was invalid (${rejected.join('; ')}); fell back to the systematic proposer`,
      rejected,
    );
  return {
    proposals: chosen,
    proposer: `model:${o.model}`,
    authoredBy: null,
    note: `model proposer: ${chosen.length} child${chosen.length === 1 ? '' : 'ren'} proposed by ${o.model}${rejected.length ? `; rejected ${rejected.join('; ')}` : ''}`,
    rejected,
  };
}

/** The `model` proposer as the registry holds it (lineage/proposer-registry.ts). */
export const modelProposer: LineageProposer = {
  propose: (ctx) =>
    modelProposals(ctx.ws, ctx, {
      model: ctx.options.proposerModel ?? ctx.ws.config.lineage.proposerModel,
      order: ctx.options.order ?? ctx.ws.config.lineage.order,
      ...ctx.options.modelProposer,
    }),
  record: (authored) => ({
    modelProposer: { proposer: authored.proposer, note: authored.note, rejected: authored.rejected ?? [] },
  }),
};
