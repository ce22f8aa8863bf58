import type { LineageTree } from './read.js';

// `evolve tree` as plain text: one indented line per experiment with its score, interval, status and change;
// ★ marks the champion, "(explore)" a child kept regardless of the rule; [by …] says who wrote each experiment.

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);

export function renderTree(tree: LineageTree): string {
  const kids = new Map<string | null, LineageTree['nodes']>();
  for (const n of tree.nodes) kids.set(n.parentId, [...(kids.get(n.parentId) ?? []), n]);
  const out: string[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const n of kids.get(parent) ?? []) {
      const interval = n.scoreLo !== null ? ` [${pct(n.scoreLo)}, ${pct(n.scoreHi)}]` : '';
      out.push(
        `${'  '.repeat(depth)}${n.id === tree.championId ? '★ ' : '  '}${n.id}  ${pct(n.score)}${interval}  ${n.status}${n.explore ? ' (explore)' : ''}  ${n.change}  [by ${n.author}]`,
      );
      walk(n.id, depth + 1);
    }
  };
  walk(null, 0);
  return out.join('\n') || 'no experiments yet';
}
