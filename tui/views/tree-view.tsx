import { Box, Text } from 'ink';
import type { TreeRow } from '../tree-model.js';
import { pct, scoreBar, signed, truncate, windowAround } from '../format.js';

export interface TreeViewProps {
  rows: TreeRow[];
  selected: number;
  height: number;
  width: number;
  championId: string | null;
  color: boolean;
}

const STATUS_COLOUR: Record<string, string> = {
  promoted: 'green',
  evaluated: 'cyan',
  evaluating: 'yellow',
  proposed: 'gray',
  retired: 'gray',
  rejected: 'red',
  failed: 'red',
};

/** The lineage as an indented, collapsible tree; only the visible window is rendered. */
export function TreeView({ rows, selected, height, width, championId, color }: TreeViewProps) {
  if (rows.length === 0) return <Text>No experiments yet. Run `evolve next-generation` to grow the lineage.</Text>;
  const { start, end } = windowAround(rows.length, selected, height);
  return (
    <Box flexDirection="column">
      {rows.slice(start, end).map((row, i) => {
        const index = start + i;
        const n = row.node;
        const marker = row.hasChildren ? (row.expanded ? '▾' : '▸') : ' ';
        const star = n.id === championId ? '★' : ' ';
        const author = n.authoredBy ? ` ✎${n.authoredBy}` : '';
        const interval = n.scoreLo !== null && n.scoreHi !== null ? `[${pct(n.scoreLo)},${pct(n.scoreHi)}]` : '';
        // The cursor mark keeps the selection visible when NO_COLOR (or a dumb terminal) drops the inverse style.
        const left = `${index === selected ? '›' : ' '}${'  '.repeat(row.depth)}${marker} ${star}${n.id}`;
        const right = `${pct(n.score).padStart(4)} ${interval.padEnd(11)} ${scoreBar(n.score)} ${signed(row.delta).padStart(4)} ${n.status.padEnd(10)}`;
        const changeWidth = Math.max(8, width - left.length - right.length - 4);
        const deltaColour = row.delta === null ? undefined : row.delta > 0 ? 'green' : row.delta < 0 ? 'red' : undefined;
        return (
          <Text key={n.id} inverse={index === selected} wrap="truncate">
            <Text bold={n.id === championId}>{left}</Text> <Text>{truncate(n.change + author, changeWidth).padEnd(changeWidth)}</Text>{' '}
            <Text>{pct(n.score).padStart(4)} {interval.padEnd(11)} {scoreBar(n.score)} </Text>
            <Text {...(color && deltaColour ? { color: deltaColour } : {})}>{signed(row.delta).padStart(4)}</Text>{' '}
            <Text {...(color ? { color: STATUS_COLOUR[n.status] ?? 'white' } : {})}>{n.status.padEnd(10)}</Text>
          </Text>
        );
      })}
      <Text dimColor>
        {rows.length > height ? `${start + 1}-${end} of ${rows.length}  ` : ''}★ champion  ✎ authored by
      </Text>
    </Box>
  );
}
