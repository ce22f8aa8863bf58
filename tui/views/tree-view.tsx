import { Box, Text } from 'ink';
import type { TreeRow } from '../tree-model.js';
import { pct, scoreBar, signed, truncate, windowAround } from '../format.js';

export interface TreeViewProps {
  rows: TreeRow[];
  selected: number;
  /** Lines available, the legend included. */
  height: number;
  width: number;
  championId: string | null;
  color: boolean;
  /** The workspace's total spend, shown in the legend line. */
  spendUsd?: number;
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

/** The columns right of the change, sized to the terminal: the interval's numbers only when there is room. */
function scoreColumns(row: TreeRow, width: number): { score: string; bar: string; delta: string; status: string } {
  const n = row.node;
  const wide = width >= 100;
  const interval = wide
    ? ` ${(n.scoreLo !== null && n.scoreHi !== null ? `[${pct(n.scoreLo)},${pct(n.scoreHi)}]` : '').padEnd(11)}`
    : '';
  return {
    score: `${pct(n.score).padStart(4)}${interval}`,
    bar: scoreBar(n.score, n.scoreLo, n.scoreHi, wide ? 10 : 8),
    delta: signed(row.delta).padStart(4),
    status: n.status.padEnd(10),
  };
}

/** The lineage as an indented, collapsible tree; only the visible window is rendered. */
export function TreeView({ rows, selected, height, width, championId, color, spendUsd }: TreeViewProps) {
  if (rows.length === 0)
    return (
      <Text>No experiments match. Run `evolve next-generation` to grow the lineage, or esc to clear a filter.</Text>
    );
  const listHeight = Math.max(1, height - 1);
  const { start, end } = windowAround(rows.length, selected, listHeight);
  return (
    <Box flexDirection="column">
      {rows.slice(start, end).map((row, i) => {
        const index = start + i;
        const n = row.node;
        const marker = row.hasChildren ? (row.expanded ? '▾' : '▸') : ' ';
        const star = n.id === championId ? '★' : ' ';
        // The cursor mark keeps the selection visible when NO_COLOR (or a dumb terminal) drops the inverse style.
        const left = `${index === selected ? '›' : ' '}${'  '.repeat(row.depth)}${marker}${star}${n.id}`;
        const c = scoreColumns(row, width);
        // Plain text like `evolve tree`'s "(explore)", so the mark survives NO_COLOR; colour only adds to it.
        const explore = n.explore ? '(explore) ' : '';
        const author = n.authoredBy ? `✎${n.authoredBy} ` : '';
        const changeWidth = Math.max(
          6,
          width - left.length - c.score.length - c.bar.length - c.delta.length - c.status.length - 6,
        );
        const exploreShown = truncate(explore, changeWidth);
        const authorShown = truncate(author, changeWidth - exploreShown.length);
        const changeRoom = Math.max(0, changeWidth - exploreShown.length - authorShown.length);
        const deltaColour =
          row.delta === null ? undefined : row.delta > 0 ? 'green' : row.delta < 0 ? 'red' : undefined;
        return (
          <Text key={n.id} inverse={index === selected} wrap="truncate">
            <Text bold={n.id === championId}>{left}</Text>{' '}
            <Text {...(color && explore ? { color: 'yellow' } : {})}>{exploreShown}</Text>
            <Text {...(color && author ? { color: 'magenta' } : {})}>{authorShown}</Text>
            <Text>{truncate(n.change, changeRoom).padEnd(changeRoom)}</Text>{' '}
            <Text>
              {c.score} {c.bar}{' '}
            </Text>
            <Text {...(color && deltaColour ? { color: deltaColour } : {})}>{c.delta}</Text>{' '}
            <Text {...(color ? { color: STATUS_COLOUR[n.status] ?? 'white' } : {})}>{c.status}</Text>
          </Text>
        );
      })}
      <Text dimColor wrap="truncate">
        {truncate(
          `${rows.length > listHeight ? `${start + 1}-${end} of ${rows.length}  ` : ''}★ champion ✎ authored by  bar: █▓ score ▒ interval  Δ vs parent${spendUsd !== undefined ? `  spent $${spendUsd.toFixed(4)}` : ''}`,
          width,
        )}
      </Text>
    </Box>
  );
}
