import { readContext, renderContext } from '../context.js';
import type { Db } from '../db/open.js';
import { signFailures } from '../failures/cluster.js';
import { readClusters } from '../read.js';
import { HYPOTHESIS_FILE, RAW_FOLDER } from './author-run.js';

// The task statement of an authoring run, built from the lineage: the goal, `evolve context` of the parent, its
// failure clusters, where the raw material is and what it holds, the children already written this generation (so
// each new one is a different change), and the rules every code child is gated on.

export interface AuthorStatementOptions {
  parentId: string;
  championId: string;
  surface: string[];
  /** Children written so far in this generation (id: summary), so this one differs. */
  siblings: string[];
  /** 1-based: which child of the generation this is, and how many are asked for. */
  index: number;
  of: number;
}

export async function buildAuthorStatement(db: Db, o: AuthorStatementOptions): Promise<string> {
  await signFailures(db, [o.parentId]);
  const context = renderContext(await readContext(db, o.parentId));
  const clusters = (await readClusters(db, o.parentId)).slice(0, 8);
  return [
    `# Write child ${o.index} of ${o.of} of ${o.parentId}`,
    '',
    `You are ${o.championId}, the best coding agent of this lineage so far. This directory is the source code of`,
    `${o.parentId === o.championId ? 'yourself' : `${o.parentId}, the experiment chosen as the parent`}: an agent that solves`,
    'benchmark coding tasks. Make ONE change to it that should raise the share of tasks it resolves, without losing',
    'tasks it resolves now. Your change is evaluated on the same tasks as its parent and promoted only if the evidence',
    'says it is better.',
    '',
    '## What the lineage knows',
    '',
    context,
    '',
    '## Failure clusters',
    '',
    ...(clusters.length ? clusters.map((c) => `- \`${c.id}\` ${c.label}: ${c.count} runs`) : ['- none recorded']),
    '',
    '## Raw material',
    '',
    `\`${RAW_FOLDER}/\` (read-only) holds the full trajectories of failed and passed runs (every model call and tool`,
    'call, with outputs), the task statements, the diffs the agent left, the grading reports (pass/fail; hidden test',
    `names and expected values are replaced by \`[hidden]\`), and earlier children's changes and verdicts. Start with`,
    `\`${RAW_FOLDER}/README.md\`; grep it for errors and patterns across runs.`,
    '',
    ...(o.siblings.length
      ? [
          '## Already written this generation',
          '',
          ...o.siblings.map((s) => `- ${s}`),
          '',
          'Make a different change.',
          '',
        ]
      : []),
    '## Rules',
    '',
    `- Change only files inside the mutable surface: ${o.surface.map((s) => `\`${s}\``).join(', ')}. Any other change rejects your work unrun.`,
    '- Do not edit or delete tests (you may add new ones), and create no symbolic links: such a change is rejected and flagged.',
    "- Keep the agent's own unit tests green and the code typechecking (strict TypeScript, ESM `.js` import suffixes).",
    '- Do not look for hidden tests or solutions: they are not here, and attempts are flagged.',
    `- Before you submit, write your hypothesis to \`${HYPOTHESIS_FILE}\` (one or two sentences: what you changed, which`,
    '  failures it should fix and why). Then call `submit`.',
    '',
  ].join('\n');
}
