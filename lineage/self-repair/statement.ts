import { existsSync } from 'node:fs';
import { readTrajectory, type TrajectoryEvent } from '../../agent/trajectory.js';
import type { Db } from '../db/open.js';
import { signFailures } from '../failures/cluster.js';
import { clusterLabel, FailureSignature } from '../failures/signature.js';
import { readClusters } from '../read.js';
import { hiddenStrings, mask, reportTestNames } from '../../tasks/hidden.js';
import { specsOf } from '../db/repos/tasks.js';
import { agentRuns } from '../db/repos/runs.js';
import { runsInCluster } from '../db/repos/failure-clusters.js';

// The self-repair statement: what goes wrong in one failure cluster, how often, and excerpts of the affected runs
// as the agent saw them (its task, its tool calls and their outputs), plus the rules of the repair. Built only
// from what the agent itself saw and pass/fail outcomes: hidden test names, test patches, gold patches and grader
// logs never enter it. As a second guard, every hidden string of the affected tasks is masked in the excerpts.

export interface RepairStatement {
  experimentId: string;
  clusterId: string;
  label: string;
  taskIds: string[];
  runIds: number[];
  markdown: string;
}

export interface StatementOptions {
  experimentId: string;
  /** Default: the experiment's largest cluster. */
  clusterId?: string;
  surface: string[];
  /** `context`: the repair may change only instructions and skills under agent/prompts/ (default `code`). */
  layer?: 'code' | 'context';
  maxRuns?: number;
  maxCallsPerRun?: number;
  maxOutputChars?: number;
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.65);
  return `${text.slice(0, head)}\n… (${text.length - max} characters cut) …\n${text.slice(-(max - head))}`;
}

/** The run's last tool calls as the agent saw them; hidden strings are masked before clipping, so no half of one survives a cut. */
function excerpt(events: TrajectoryEvent[], maxCalls: number, maxChars: number, hidden: string[]): string[] {
  const calls = events.filter((e): e is Extract<TrajectoryEvent, { type: 'tool_call' }> => e.type === 'tool_call');
  const end = events.find((e): e is Extract<TrajectoryEvent, { type: 'run_end' }> => e.type === 'run_end');
  const lines: string[] = [];
  if (calls.length > maxCalls) lines.push(`(${calls.length - maxCalls} earlier tool calls left out)`);
  for (const c of calls.slice(-maxCalls)) {
    const status =
      c.status !== 'ok'
        ? ` [${c.status}]`
        : c.timedOut
          ? ' [timed out]'
          : c.exitCode !== undefined && c.exitCode !== 0
            ? ` [exit ${c.exitCode}]`
            : '';
    lines.push(
      `- step ${c.step}: \`${c.name}\` ${clip(mask(JSON.stringify(c.args), hidden), 300)}${status}`,
      '',
      '```',
      clip(mask(c.output, hidden), maxChars),
      '```',
      '',
    );
  }
  if (end)
    lines.push(
      `The run ended: ${end.exitReason} after ${end.steps} steps${end.error ? ` (${clip(mask(end.error, hidden), 200)})` : ''}.`,
    );
  return lines;
}

export async function buildRepairStatement(db: Db, o: StatementOptions): Promise<RepairStatement> {
  await signFailures(db, [o.experimentId]);
  const clusters = await readClusters(db, o.experimentId);
  const cluster = o.clusterId ? clusters.find((c) => c.id === o.clusterId) : clusters[0];
  if (!cluster) {
    throw Object.assign(
      new Error(
        o.clusterId
          ? `no failure cluster ${o.clusterId} in ${o.experimentId}`
          : `${o.experimentId} has no failure clusters (no unresolved runs)`,
      ),
      {
        hint: o.clusterId
          ? `Run \`evolve failures ${o.experimentId}\` to list its clusters.`
          : `Evaluate it first (\`evolve eval --experiment ${o.experimentId}\`), or pick an experiment that fails tasks.`,
      },
    );
  }
  const runs = await runsInCluster(db, o.experimentId, cluster.id);
  const all = await agentRuns(db, o.experimentId, { done: true });
  const tasks = await specsOf(db, cluster.tasks);
  const hidden = [
    ...new Set(
      [...tasks.values()].flatMap((t) =>
        hiddenStrings(
          t,
          runs.filter((r) => r.task_id === t.id).flatMap((r) => reportTestNames(r.report)),
        ),
      ),
    ),
  ].sort((a, b) => b.length - a.length);
  const sig = runs[0]?.failure_signature ? FailureSignature.parse(JSON.parse(runs[0].failure_signature)) : undefined;
  const errors = [
    ...new Set(
      runs
        .map((r) => (r.failure_signature ? (JSON.parse(r.failure_signature) as FailureSignature).lastToolError : null))
        .filter((e): e is string => Boolean(e)),
    ),
  ];

  const md: string[] = [
    `# Self-repair of ${o.experimentId}: ${cluster.label}`,
    '',
    'You are working on the source code of a coding agent (this directory). The agent fails benchmark tasks in the way',
    'described below. Change the agent so that it stops failing this way, without making it worse elsewhere.',
    '',
    '## What goes wrong',
    '',
    `Failure cluster \`${cluster.id}\`: ${sig ? clusterLabel(sig) : cluster.label}.`,
    ...(sig
      ? [
          '',
          `- how runs ended: ${sig.exitReason}`,
          `- code change left behind: ${sig.patch === 'applied' ? 'yes' : sig.patch === 'empty' ? 'none' : 'did not apply'}`,
          `- repeated the same command 3+ times in a row: ${sig.loop ? 'yes' : 'no'}; a command timed out: ${sig.toolTimeout ? 'yes' : 'no'}; malformed tool calls: ${sig.formatErrors}`,
        ]
      : []),
    ...(errors.length
      ? ['', 'Last tool errors (normalised):', ...errors.slice(0, 5).map((e) => `- \`${mask(e, hidden)}\``)]
      : []),
    '',
    '## How often',
    '',
    `${runs.length} of ${all.length} finished runs of ${o.experimentId} (${all.filter((r) => r.outcome !== 'resolved').length} unresolved in all); ${cluster.tasks.length} task(s) affected: ${cluster.tasks.join(', ')}.`,
    '',
    '## What the agent saw',
    '',
    'Excerpts of affected runs: the task as given to the agent, its last tool calls and their outputs. Outcomes are',
    'pass/fail only; the hidden tests that graded the runs are not shown and must not be guessed at.',
  ];
  const shown = runs.filter((r) => r.trajectory_path && existsSync(r.trajectory_path)).slice(0, o.maxRuns ?? 3);
  for (const r of shown) {
    let events: TrajectoryEvent[] = [];
    try {
      events = readTrajectory(r.trajectory_path!);
    } catch {
      continue; // a truncated trajectory gives no excerpt
    }
    const task = tasks.get(r.task_id);
    md.push('', `### Run ${r.id}: task ${r.task_id} — ${r.outcome === 'resolved' ? 'passed' : 'failed'}`, '');
    if (task)
      md.push(
        'Task statement:',
        '',
        ...clip(mask(task.statement, hidden), 1200)
          .split('\n')
          .map((l) => `> ${l}`),
        '',
      );
    // Masked again after clipping: a cut can make a masked string's neighbours look like a hidden one.
    md.push(...excerpt(events, o.maxCallsPerRun ?? 8, o.maxOutputChars ?? 600, hidden).map((l) => mask(l, hidden)));
  }
  if (shown.length === 0) md.push('', '(no trajectory of these runs is on disk)');
  md.push(
    '',
    '## Rules',
    '',
    `- Change only files inside the mutable surface: ${o.surface.map((s) => `\`${s}\``).join(', ')}. Any other change rejects your work unrun.`,
    "- Keep the agent's own unit tests green and the code typechecking (strict TypeScript, ESM `.js` import suffixes).",
    o.layer === 'context'
      ? '- Change only instructions and reusable skills, as text under `agent/prompts/` (context-layer learning): no code. A new skill file `agent/prompts/skills/<name>.md` is enabled for this variant automatically.'
      : '- You may change code (policies), or only instructions and reusable skills as markdown under `agent/prompts/skills/` (context-layer learning; a new skill file is enabled automatically).',
    '- Do not touch tests, graders or the evaluator, and do not look for hidden tests or solutions: such attempts are flagged.',
    '- Make one focused change that addresses the failure above, then call `submit`.',
    '',
  );
  return {
    experimentId: o.experimentId,
    clusterId: cluster.id,
    label: cluster.label,
    taskIds: cluster.tasks,
    runIds: runs.map((r) => r.id),
    markdown: md.join('\n'),
  };
}
