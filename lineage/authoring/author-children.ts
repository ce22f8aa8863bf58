import { genomeHash } from '../../agent/genome.js';
import { parseGenome } from '../experiments.js';
import { propose } from '../proposers.js';
import type { AuthoredChildren } from '../next-generation.js';
import { type AuthorContext, type AuthorOptions, authorProposals } from '../self-repair/author.js';
import type { Workspace } from '../workspace.js';
import { authorCodeChildren, cannotAuthorCode, type CodeAuthorOptions } from './code-children.js';
import { getExperiment } from '../db/repos/experiments.js';

// `--author champion`: the champion writes the generation's children. By default as code (lineage/authoring/
// code-children.ts); when its model cannot write code, or none of its code children passes the gates (its model
// failed, it ran out of budget, every patch was rejected), the champion's model picks one-change genome children
// instead (lineage/self-repair/author.ts), which itself falls back to the systematic proposer. The generation
// always gets children to evaluate; the rejected and failed code children stay on record in it.

export type AuthorMode = 'code' | 'genome';

export interface AuthorChildrenOptions {
  mode?: AuthorMode;
  code?: CodeAuthorOptions;
  genome?: AuthorOptions;
  log?: (line: string) => void;
}

export async function authorChildren(
  ws: Workspace,
  ctx: AuthorContext & { generation: number },
  o: AuthorChildrenOptions = {},
): Promise<AuthoredChildren> {
  const log = o.log ?? (() => {});
  const genomeChildren = (why: string | null) =>
    authorProposals(ws, ctx, { ...(o.log ? { log: o.log } : {}), ...o.genome }).then((a) => ({
      ...a,
      note: [why, a.note].filter(Boolean).join('; ') || null,
    }));
  if ((o.mode ?? 'code') === 'genome') return genomeChildren(null);
  const champion = await getExperiment(ws.db, ctx.champion);
  const cannot = cannotAuthorCode(parseGenome(champion).model);
  if (cannot) return genomeChildren(`self-authoring: champion ${champion.id} writes no code children: ${cannot}`);
  const code = await authorCodeChildren(ws, ctx, { ...(o.log ? { log: o.log } : {}), ...o.code });
  if (code.accepted.length > 0)
    return {
      proposals: [],
      proposer: `author:${champion.id}`,
      authoredBy: champion.id,
      note: code.note,
      children: code.children,
    };
  if (code.budgetStop) {
    // Out of budget: no more model calls for authoring; the systematic proposer writes the children.
    const proposals = propose('systematic', parseGenome(ctx.parent), { k: ctx.k, tried: ctx.tried, seed: ctx.seed });
    return {
      proposals,
      proposer: 'systematic',
      authoredBy: null,
      note: `${code.note}; fell back to the systematic proposer`,
      children: code.children,
    };
  }
  log(`${code.note}; no code child passed: the champion picks genome children instead`);
  // The genome fallback must not re-offer a genome a code child already carries (they all carry the parent's).
  const tried = new Set([...ctx.tried, genomeHash(parseGenome(ctx.parent))]);
  const fallback = await authorProposals(ws, { ...ctx, tried }, { ...(o.log ? { log: o.log } : {}), ...o.genome });
  return {
    ...fallback,
    note: `${code.note}; no code child passed the gates, fell back: ${fallback.note ?? fallback.proposer}`,
    children: code.children,
  };
}
