import { Box, Text } from 'ink';
import type { ClusterSummary } from '../../lineage/read-api.js';
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
  if (clusters.length === 0)
    return <Text>No failure clusters for {scope}. Clusters appear after an evaluation with unresolved runs.</Text>;
  const { start, end } = windowAround(clusters.length, selected, Math.max(1, height - 3));
  const current = clusters[selected];
  const rep = current?.representatives.find((r) => r.trajectoryPath) ?? current?.representatives[0];
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {truncate(
          `Failure clusters — ${scope}  (${clusters.length}, ${clusters.reduce((s, c) => s + c.count, 0)} runs)`,
          width,
        )}
      </Text>
      {clusters.slice(start, end).map((c, i) => (
        <Text key={c.id} inverse={start + i === selected} wrap="truncate">
          {truncate(
            `${start + i === selected ? '›' : ' '}${String(c.count).padStart(6)} runs  ${c.label}  — ${c.tasks.length} task${c.tasks.length === 1 ? '' : 's'}: ${c.tasks.slice(0, 3).join(', ')}${c.tasks.length > 3 ? ', …' : ''}`,
            width,
          )}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor wrap="truncate">
        {truncate(
          rep
            ? `enter opens run ${rep.runId} (${rep.experimentId} · ${rep.taskId})${rep.trajectoryPath ? '' : ' — no trajectory recorded'}`
            : 'no runs to open',
          width,
        )}
      </Text>
    </Box>
  );
}
