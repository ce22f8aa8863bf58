import { Box, Text } from 'ink';
import type { ExperimentDetail, RunCell } from '../../lineage/read.js';
import { dollars, pct, truncate } from '../format.js';

export interface ExperimentViewProps {
  detail: ExperimentDetail;
  width: number;
  height: number;
  color: boolean;
}

const cell = (r: RunCell | undefined) => (!r ? '·' : r.status !== 'done' ? (r.status === 'error' ? '!' : '…') : r.outcome === 'resolved' ? '✓' : '✗');

/** Lines naming what changed between two genomes, slot by slot. */
export function genomeDiffLines(parent: unknown, child: unknown): string[] {
  if (!parent || typeof parent !== 'object' || !child || typeof child !== 'object') return [];
  const p = parent as Record<string, unknown>;
  const c = child as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(p), ...Object.keys(c)])].sort();
  return keys.filter((k) => JSON.stringify(p[k]) !== JSON.stringify(c[k])).map((k) => `${k}: ${JSON.stringify(p[k])} → ${JSON.stringify(c[k])}`);
}

/** Hypothesis, genome diff, the task × repeat grid beside the parent's, cost, and the decisions taken. */
export function ExperimentView({ detail, width, height, color }: ExperimentViewProps) {
  const tasks = [...new Set([...detail.runs, ...detail.parentRuns].map((r) => r.taskId))].sort();
  const repeats = Math.max(1, ...detail.runs.map((r) => r.repeat + 1), ...detail.parentRuns.map((r) => r.repeat + 1));
  const find = (runs: RunCell[], task: string, rep: number) => runs.find((r) => r.taskId === task && r.repeat === rep);
  const diff = genomeDiffLines(detail.parentGenome, detail.genome);
  const header = [
    `${detail.id}  (generation ${detail.generation}, ${detail.status}${detail.authoredBy ? `, authored by ${detail.authoredBy}` : ''})`,
    `change:     ${detail.change}`,
    `hypothesis: ${detail.hypothesis}`,
    `score:      ${pct(detail.score, 1)}${detail.scoreLo !== null ? ` [${pct(detail.scoreLo, 1)}, ${pct(detail.scoreHi, 1)}]` : ''}   cost ${dollars(detail.totals.costUsd)}   tokens ${detail.totals.tokens}   runs ${detail.totals.runs}`,
    ...(detail.verdict ? [`verdict:    ${detail.verdict}${detail.learned ? ` — ${detail.learned}` : ''}`] : []),
    ...(detail.flags.length ? [`FLAGS:      ${detail.flags.join(', ')}`] : []),
    ...(diff.length ? ['genome vs parent:', ...diff.map((d) => `  ${d}`)] : []),
    ...detail.decisions.map((d) => `decision:   ${d.action} by ${d.actor} (${d.rule}): ${d.reason}`),
  ];
  const gridRows = Math.max(0, height - header.length - 2);
  const taskWidth = Math.min(40, Math.max(8, ...tasks.map((t) => t.length)));
  return (
    <Box flexDirection="column">
      {header.map((line, i) => (
        <Text key={`h${i}`} wrap="truncate" {...(color && line.startsWith('FLAGS') ? { color: 'red' } : {})}>
          {truncate(line, width)}
        </Text>
      ))}
      <Text bold>{`${'task'.padEnd(taskWidth)}  this${' '.repeat(Math.max(0, repeats * 2 - 4))}  parent`}</Text>
      {tasks.slice(0, gridRows).map((t) => (
        <Text key={t}>
          {truncate(t, taskWidth).padEnd(taskWidth)}  {Array.from({ length: repeats }, (_, r) => cell(find(detail.runs, t, r))).join(' ').padEnd(Math.max(4, repeats * 2))}  {Array.from({ length: repeats }, (_, r) => cell(find(detail.parentRuns, t, r))).join(' ')}
        </Text>
      ))}
      {tasks.length > gridRows ? <Text dimColor>… {tasks.length - gridRows} more tasks</Text> : null}
    </Box>
  );
}
