import { Box, Text } from 'ink';
import type { ClusterSummary } from '../../lineage/read.js';
import { truncate, windowAround } from '../format.js';

export interface FailuresViewProps {
  clusters: ClusterSummary[];
  selected: number;
  scope: string;
  width: number;
  height: number;
}

/** Failure clusters with counts and affected tasks; enter opens a representative trajectory. */
export function FailuresView({ clusters, selected, scope, width, height }: FailuresViewProps) {
  if (clusters.length === 0) return <Text>No failure clusters for {scope}. Clusters appear after an evaluation with unresolved runs.</Text>;
  const { start, end } = windowAround(clusters.length, selected, Math.max(1, height - 1));
  return (
    <Box flexDirection="column">
      <Text bold>Failure clusters — {scope}</Text>
      {clusters.slice(start, end).map((c, i) => (
        <Text key={c.id} inverse={start + i === selected} wrap="truncate">
          {truncate(`${start + i === selected ? '›' : ' '}${String(c.count).padStart(5)}  ${c.label}  (${c.tasks.length} tasks: ${c.tasks.slice(0, 4).join(', ')}${c.tasks.length > 4 ? ', …' : ''})`, width)}
        </Text>
      ))}
    </Box>
  );
}
