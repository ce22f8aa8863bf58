import { join } from 'node:path';
import { authorshipOf, describeAuthorship } from './authorship.js';
import type { Db } from './db/open.js';
import { decisionsOf } from './db/repos/decisions.js';
import { getExperiment } from './db/repos/experiments.js';
import { writeFileAtomic } from './workspace.js';
import { evaluationsOf } from './db/repos/evaluations.js';
import { agentRuns } from './db/repos/runs.js';

// The lab notebook: experiments/<id>/ with README.md and genome.json, regenerated from the database (the single
// source of truth) after every change, so the folder always says what the row says.

const pct = (x: number | null) => (x === null ? 'not yet scored' : `${(100 * x).toFixed(1)}%`);

export async function writeExperimentFolder(db: Db, experimentsDir: string, id: string): Promise<string> {
  const e = await getExperiment(db, id);
  const evals = await evaluationsOf(db, id);
  const decisions = await decisionsOf(db, id);
  const runs = await agentRuns(db, id);
  const genome = JSON.parse(e.genome) as { model?: string };
  const flags = JSON.parse(e.flags) as string[];
  const dir = join(experimentsDir, id);
  const lines = [
    `# ${id}`,
    '',
    `- parent: ${e.parent_id ?? '(root)'}; generation ${e.generation}; status **${e.status}**${decisions.some((d) => d.action === 'explore') ? ' (explore: kept regardless of the rule)' : ''}${e.authored_by ? `; authored by ${e.authored_by}` : ''}`,
    `- proposer: ${e.proposer ?? 'person'}${e.seed !== null ? ` (seed ${e.seed})` : ''}`,
    `- written by: ${describeAuthorship(authorshipOf(e))}`,
    ...(flags.length ? [`- FLAGGED: ${flags.join('; ')}`] : []),
    '',
    '## Hypothesis',
    '',
    e.hypothesis,
    '',
    '## Change',
    '',
    e.change_summary,
    '',
    '## Evaluation assumptions',
    '',
    `- model: ${genome.model ?? '?'}`,
    ...evals.map((v) => {
      const cfg = JSON.parse(v.config) as { sandbox?: string };
      return `- ${v.suite_id} / ${v.split} / stage ${v.stage}: ${(JSON.parse(v.task_ids) as string[]).length} tasks x ${v.repeats} repeats, sandbox ${cfg.sandbox ?? '?'} (${v.status})`;
    }),
    ...(evals.length ? [] : ['- not evaluated yet']),
    '',
    '## Results',
    '',
    `- resolve rate ${pct(e.score)}${e.score_lo !== null ? ` (95% CI ${pct(e.score_lo)} to ${pct(e.score_hi)})` : ''}; ${runs.filter((r) => r.outcome === 'resolved').length} of ${runs.filter((r) => r.status === 'done').length} runs resolved${e.cost_usd !== null ? `; $${e.cost_usd.toFixed(4)}` : ''}`,
    ...decisions.map((d) => `- ${d.action} (${d.actor}, ${d.rule}): ${d.reason}`),
    '',
    '## What was learned',
    '',
    e.verdict ? `Hypothesis ${e.verdict}. ${e.learned ?? ''}` : 'Not decided yet.',
    '',
    `_Generated from the workspace database; edit the database (evolve promote/retire), not this file._`,
    '',
  ];
  writeFileAtomic(join(dir, 'README.md'), lines.join('\n'));
  writeFileAtomic(join(dir, 'genome.json'), `${JSON.stringify(genome, null, 2)}\n`);
  return dir;
}
