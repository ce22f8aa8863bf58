import { Box, Text } from 'ink';
import { describeSpend, type ExperimentDetail, type RunCell } from '../../lineage/read-api.js';
import { compact, pct, scoreBar, truncate, wrapText } from '../format.js';

export interface ExperimentViewProps {
  detail: ExperimentDetail;
  /** First task row of the grid shown (j/k scroll it). */
  scroll: number;
  width: number;
  height: number;
  color: boolean;
}

const cell = (r: RunCell | undefined) =>
  !r
    ? '·'
    : r.status !== 'done'
      ? r.status === 'error' || r.status === 'cancelled'
        ? '!'
        : '…'
      : r.outcome === 'resolved'
        ? '✓'
        : '✗';

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, JSON.stringify(value));
}

/** What changed between two genomes, one line per leaf (`memory.params.turns: – → 4`). */
export function genomeDiffLines(parent: unknown, child: unknown): string[] {
  if (!parent || !child) return [];
  const p = new Map<string, string>();
  const c = new Map<string, string>();
  flatten(parent, '', p);
  flatten(child, '', c);
  const keys = [...new Set([...p.keys(), ...c.keys()])].sort();
  return keys.filter((k) => p.get(k) !== c.get(k)).map((k) => `${k}: ${p.get(k) ?? '–'} → ${c.get(k) ?? '–'}`);
}

const resolved = (runs: RunCell[]) => runs.filter((r) => r.status === 'done' && r.outcome === 'resolved').length;
const finished = (runs: RunCell[]) => runs.filter((r) => r.status === 'done').length;

/** Hypothesis, genome diff, cost and tokens, the decisions with their rules, and the task × repeat grid beside the parent's. */
export function ExperimentView({ detail: d, scroll, width, height, color }: ExperimentViewProps) {
  const tasks = [...new Set([...d.runs, ...d.parentRuns].map((r) => r.taskId))].sort();
  const repeats = Math.max(1, ...d.runs.map((r) => r.repeat + 1), ...d.parentRuns.map((r) => r.repeat + 1));
  const index = (runs: RunCell[]) => new Map(runs.map((r) => [`${r.taskId}\u0000${r.repeat}`, r]));
  const mine = index(d.runs);
  const theirs = index(d.parentRuns);
  const diff = genomeDiffLines(d.parentGenome, d.genome);
  const interval = d.scoreLo !== null ? ` [${pct(d.scoreLo, 1)}, ${pct(d.scoreHi, 1)}]` : '';
  const header = [
    `${d.id}  (generation ${d.generation}, ${d.status}${d.parentId ? `, child of ${d.parentId}` : ''}${d.authoredBy ? `, authored by ${d.authoredBy}` : ''})`,
    `change:     ${d.change}`,
    `written by: ${d.author}`,
    ...wrapText(d.hypothesis, Math.max(20, width - 12), 2).map(
      (l, i) => `${i === 0 ? 'hypothesis:' : '           '} ${l}`,
    ),
    `score:      ${pct(d.score, 1)}${interval} ${scoreBar(d.score, d.scoreLo, d.scoreHi)}  resolved ${resolved(d.runs)}/${finished(d.runs)}${d.parentId ? ` vs parent ${resolved(d.parentRuns)}/${finished(d.parentRuns)}` : ''}`,
    `spend:      ${describeSpend(d.spend)}   tokens ${compact(d.totals.tokens)}   runs ${d.totals.runs}`,
    ...(d.verdict ? [`verdict:    ${d.verdict}${d.learned ? ` — ${d.learned}` : ''}`] : []),
    ...(d.flags.length ? [`FLAGS:      ${d.flags.join(', ')}`] : []),
    ...(d.parentId
      ? diff.length
        ? diff.slice(0, 4).map((l, i) => `${i === 0 ? 'genome:    ' : '           '} ${l}`)
        : ['genome:     same as the parent']
      : []),
    ...(diff.length > 4 ? [`            … ${diff.length - 4} more differences`] : []),
    ...(d.decisions.length
      ? d.decisions.map((x) => `decision:   ${x.action} by ${x.actor}, rule ${x.rule}: ${x.reason}`)
      : ['decision:   none yet']),
  ];
  const taskWidth = Math.min(32, Math.max(8, ...tasks.map((t) => t.length)));
  const gridWidth = Math.max(4, repeats * 2 - 1);
  const gridRows = Math.max(1, height - header.length - 2);
  const start = Math.min(scroll, Math.max(0, tasks.length - gridRows));
  const shown = tasks.slice(start, start + gridRows);
  const row = (runs: Map<string, RunCell>, t: string) =>
    Array.from({ length: repeats }, (_, r) => cell(runs.get(`${t}\u0000${r}`))).join(' ');
  const count = (s: string) => [...s].filter((ch) => ch === '✓').length;
  return (
    <Box flexDirection="column">
      {header.map((line, i) => (
        <Text key={`h${i}`} wrap="truncate" {...(color && line.startsWith('FLAGS') ? { color: 'red' } : {})}>
          {truncate(line, width)}
        </Text>
      ))}
      <Text
        bold
        wrap="truncate"
      >{`${'task'.padEnd(taskWidth)}  ${'this'.padEnd(gridWidth)}  ${d.parentId ? 'parent' : ''}`}</Text>
      {shown.map((t) => {
        const a = row(mine, t);
        const b = row(theirs, t);
        const better = d.parentId ? Math.sign(count(a) - count(b)) : 0;
        return (
          <Text key={t} wrap="truncate">
            {truncate(t, taskWidth).padEnd(taskWidth)} {a.padEnd(gridWidth)} {d.parentId ? b.padEnd(gridWidth) : ''}
            <Text {...(color && better ? { color: better > 0 ? 'green' : 'red' } : {})}>
              {better > 0 ? ' +' : better < 0 ? ' −' : ''}
            </Text>
          </Text>
        );
      })}
      <Text dimColor wrap="truncate">
        {truncate(
          `${tasks.length > gridRows ? `tasks ${start + 1}-${start + shown.length} of ${tasks.length} (j/k scroll)  ` : ''}✓ resolved ✗ unresolved … pending ! error · not run  +/− vs parent`,
          width,
        )}
      </Text>
    </Box>
  );
}
