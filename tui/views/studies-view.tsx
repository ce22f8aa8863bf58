import { Box, Text } from 'ink';
import type { StudyStatus } from '../../lineage/read-api.js';
import { truncate } from '../format.js';

export interface StudiesViewProps {
  studies: StudyStatus[];
  scroll: number;
  width: number;
  height: number;
}

const pct = (x: number | null) => (x === null ? '    –' : `${(100 * x).toFixed(1).padStart(5)}%`);

/** The workspace's studies: per condition and replicate, progress, champion, its score and a sparkline by generation. */
export function StudiesView({ studies, scroll, width, height }: StudiesViewProps) {
  if (studies.length === 0)
    return <Text>No studies in this workspace. Create one with evolve study create NAME --condition ...</Text>;
  const lines: string[] = [];
  for (const s of studies) {
    const done = s.replicates.filter((r) => r.status === 'done').length;
    lines.push(
      `Study ${s.name} — ${s.conditions.map((c) => c.name).join(' vs ')}, ${done}/${s.replicates.length} replicates done`,
    );
    for (const r of s.replicates)
      lines.push(
        `  ${r.condition.padEnd(14)} r${String(r.replicate).padEnd(3)} ${r.status.padEnd(8)} gen ${r.generations}/${r.of}  ${(r.champion ?? '–').padEnd(12)} ${pct(r.score)}  ${r.sparkline || '–'}${r.stopReason ? `  (${r.stopReason})` : ''}`,
      );
    lines.push('');
  }
  return (
    <Box flexDirection="column">
      {lines.slice(scroll, scroll + Math.max(1, height)).map((l, i) => (
        <Text key={`${scroll + i}`} bold={l.startsWith('Study ')} wrap="truncate">
          {truncate(l, width) || ' '}
        </Text>
      ))}
    </Box>
  );
}
