import { Box, Text } from 'ink';
import { truncate } from '../format.js';

export interface TrajectoryViewProps {
  title: string;
  lines: string[];
  offset: number;
  height: number;
  width: number;
  search: string;
}

/** A page of a rendered trajectory; only the visible lines are rendered, so long outputs never block. */
export function TrajectoryView({ title, lines, offset, height, width, search }: TrajectoryViewProps) {
  const page = lines.slice(offset, offset + Math.max(1, height - 1));
  const needle = search.toLowerCase();
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {truncate(`${title}  (lines ${Math.min(lines.length, offset + 1)}-${Math.min(lines.length, offset + page.length)} of ${lines.length})${search ? `  /${search}` : ''}`, width)}
      </Text>
      {page.map((line, i) => (
        <Text key={offset + i} wrap="truncate" inverse={needle !== '' && line.toLowerCase().includes(needle)}>
          {truncate(line, width) || ' '}
        </Text>
      ))}
    </Box>
  );
}

/** Index of the next line at or after `from` containing `search` (wrapping), or -1. */
export function findLine(lines: string[], search: string, from: number): number {
  const needle = search.toLowerCase();
  if (!needle) return -1;
  for (let k = 0; k < lines.length; k++) {
    const i = (from + k) % lines.length;
    if (lines[i]!.toLowerCase().includes(needle)) return i;
  }
  return -1;
}
