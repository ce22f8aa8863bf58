import { Box, Text } from 'ink';
import type { LiveProgress } from '../../lineage/read.js';
import { dollars, duration } from '../format.js';

export interface LiveViewProps {
  progress: LiveProgress[];
  updatedAt: string;
}

/** Progress per experiment of whatever evaluation is running, refreshed from the database. */
export function LiveView({ progress, updatedAt }: LiveViewProps) {
  if (progress.length === 0) return <Text>Nothing is running. Start `evolve next-generation` or `evolve eval` in another terminal; this view follows it.</Text>;
  return (
    <Box flexDirection="column">
      <Text bold>{'experiment'.padEnd(14)} {'done'.padStart(5)} {'run'.padStart(4)} {'fail'.padStart(4)} {'left'.padStart(5)} {'ETA'.padStart(7)} {'spent'.padStart(8)}</Text>
      {progress.map((p) => (
        <Text key={p.experimentId}>
          {p.experimentId.padEnd(14)} {String(p.done).padStart(5)} {String(p.running).padStart(4)} {String(p.failed).padStart(4)} {String(p.pending).padStart(5)} {duration(p.etaSec).padStart(7)} {dollars(p.costUsd).padStart(8)}
        </Text>
      ))}
      <Text dimColor>updated {updatedAt}</Text>
    </Box>
  );
}
