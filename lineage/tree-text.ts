import type { LineageTree } from './read.js';
import { describeSpend } from './spend.js';

// `evolve tree` as plain text: one indented line per experiment with its score, interval, status and change;
// ★ marks the champion, "(explore)" a child kept regardless of the rule; [by …] says who wrote each experiment; each
// line ends with what the experiment cost (its runs and the model calls made for it), the last line the total.

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);

export function renderTree(tree: LineageTree): string {
  const kids = new Map<string | null, LineageTree['nodes']>();
  for (const n of tree.nodes) kids.set(n.parentId, [...(kids.get(n.parentId) ?? []), n]);
  const out: string[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const n of kids.get(parent) ?? []) {
      const interval = n.scoreLo !== null ? ` [${pct(n.scoreLo)}, ${pct(n.scoreHi)}]` : '';
      out.push(
        `${'  '.repeat(depth)}${n.id === tree.championId ? '★ ' : '  '}${n.id}  ${pct(n.score)}${interval}  ${n.status}${n.explore ? ' (explore)' : ''}  ${n.change}  [by ${n.author}]  ${describeSpend(n.spend)}`,
      );
      walk(n.id, depth + 1);
    }
  };
  walk(null, 0);
  if (out.length === 0) return 'no experiments yet';
  const lineage = Object.entries(tree.spend.lineage);
  const total = tree.spend.runs.dollars + lineage.reduce((t, [, p]) => t + p.dollars, 0);
  const unpriced = tree.spend.runs.unpriced + lineage.reduce((t, [, p]) => t + p.unpriced, 0);
  out.push(
    `spend $${total.toFixed(4)}: runs $${tree.spend.runs.dollars.toFixed(4)}${lineage.map(([p, x]) => `, ${p} $${x.dollars.toFixed(4)}`).join('')}${unpriced ? ` (+ ${unpriced} unpriced)` : ''}`,
  );
  return out.join('\n');
}
