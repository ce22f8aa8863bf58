import { Box, Text } from 'ink';
import { truncate } from '../format.js';

export interface TrajectoryViewProps {
  title: string;
  lines: string[];
  offset: number;
  height: number;
  width: number;
  search: string;
  folded: boolean;
}

/** A page of a rendered trajectory; only the visible lines are rendered, so long outputs never block. */
export function TrajectoryView({ title, lines, offset, height, width, search, folded }: TrajectoryViewProps) {
  const page = lines.slice(offset, offset + Math.max(1, height - 1));
  const needle = search.toLowerCase();
  const where = `${Math.min(lines.length, offset + 1)}-${Math.min(lines.length, offset + page.length)}/${lines.length}`;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {truncate(`${title}  ${where}${folded ? '' : ' unfolded'}${search ? `  /${search}` : ''}`, width)}
      </Text>
      {page.map((line, i) => (
        <Text key={offset + i} wrap="truncate" inverse={needle !== '' && line.toLowerCase().includes(needle)}>
          {truncate(line, width) || ' '}
        </Text>
      ))}
    </Box>
  );
}
