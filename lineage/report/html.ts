import type { ReportData } from './data.js';
import { boxSpec, changeSpec, heldoutSpec, layoutTree, renderSvg, scoreSpec, treeSpec } from './plots.js';
import {
  authorEffects,
  type Axis,
  bestCurves,
  boxes,
  changeEffects,
  heldoutRows,
  METRICS,
  scoreBands,
} from './summary.js';

// `evolve report` as one self-contained HTML file: inline SVG figures and CSS, no script, nothing fetched. Under
// every figure, the table it was drawn from, with intervals, so each figure can be quoted.

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const pct = (x: number | null) => (x === null || Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)}%`);
const pts = (x: number) => (Number.isNaN(x) ? '–' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`);
const num = (x: number, digits = 4) => (Number.isNaN(x) ? '–' : x.toFixed(digits));

function table(header: string[], rows: Array<Array<string | number>>): string {
  return `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function figure(id: string, title: string, what: string, svg: string, tables: string): string {
  return `<section class="figure" id="${id}"><h2>${esc(title)}</h2><p class="what">${esc(what)}</p><div class="plot">${svg}</div>${tables}</section>`;
}

const AXES: Array<{ axis: Axis; title: string; fmt: (x: number) => string }> = [
  { axis: 'generation', title: 'Champion score by generation', fmt: (x) => String(x) },
  { axis: 'evaluations', title: 'Champion score by task evaluations', fmt: (x) => x.toFixed(0) },
  { axis: 'dollars', title: 'Champion score by dollars spent', fmt: (x) => `$${x.toFixed(4)}` },
];

export async function renderReport(d: ReportData): Promise<string> {
  const { conditions, replicates: reps } = d;
  const sections: string[] = [];

  for (const { axis, title, fmt } of AXES) {
    const bands = scoreBands(reps, conditions, axis);
    const best = bestCurves(reps, conditions, axis);
    sections.push(
      figure(
        `score-${axis}`,
        title,
        `The champion's train score after each step, per condition: the line is the median over replicates, the band the 25th-75th percentiles, the dashed line the single replicate with the best final score and the star its best point. The table gives the mean with a bootstrap 95% interval over replicates.`,
        await renderSvg(scoreSpec(axis, conditions, bands, best)),
        table(
          ['condition', axis, 'replicates', 'median', '25th-75th', 'mean [95% CI]'],
          bands.map((b) => [
            b.condition,
            fmt(b.x),
            b.n,
            pct(b.median),
            `${pct(b.q25)} – ${pct(b.q75)}`,
            `${pct(b.mean)} [${pct(b.lo)}, ${pct(b.hi)}]`,
          ]),
        ) +
          table(
            ['condition', 'best replicate', 'best score', `at ${axis}`],
            best.map((b) => [b.condition, `r${b.replicate}`, pct(b.best.score), fmt(b.best.x)]),
          ),
      ),
    );
  }

  const boxRows = boxes(reps, conditions);
  const plots: string[] = [];
  for (const m of METRICS) {
    const values = reps.map((r) => ({ condition: r.condition, replicate: r.replicate, value: m.of(r) }));
    const format = m.key === 'dollars' ? '$.3f' : m.key === 'hours' ? '.2f' : '.0%';
    plots.push(`<div class="cell">${await renderSvg(boxSpec(m.label, conditions, values, format))}</div>`);
  }
  sections.push(
    figure(
      'boxes',
      'Per condition: accepted changes, valid experiments, dollars and hours',
      'One box per condition (minimum to maximum, the quartiles), one dot per replicate. Accepted: children promoted over children proposed. Valid: children that did not crash or get rejected. Dollars: runs and the lineage’s own model calls. Run hours: the sum of run durations.',
      `<div class="grid">${plots.join('')}</div>`,
      table(
        ['metric', 'condition', 'replicates', 'median', '25th-75th', 'mean [95% CI]', 'min', 'max'],
        boxRows.map((b) => {
          const f = b.metric.startsWith('share') ? pct : (x: number) => num(x);
          return [
            b.metric,
            b.condition,
            b.n,
            f(b.median),
            `${f(b.q25)} – ${f(b.q75)}`,
            `${f(b.mean)} [${f(b.lo)}, ${f(b.hi)}]`,
            f(b.min),
            f(b.max),
          ];
        }),
      ),
    ),
  );

  const changes = changeEffects(reps, conditions);
  sections.push(
    figure(
      'changes',
      'Which kinds of change improved the champion',
      'Per policy slot and kind of change (switching the policy, tuning its parameters, budgets, code): the share of replicates in which a change of that kind was promoted, with its Wilson 95% interval, annotated with the mean paired improvement of those promotions.',
      changes.length ? await renderSvg(changeSpec(conditions, changes)) : '<p>No child was proposed yet.</p>',
      table(
        [
          'condition',
          'kind of change',
          'replicates that tried it',
          'improved in',
          'share [95% CI]',
          'mean improvement',
        ],
        changes.map((c) => [
          c.condition,
          c.kind,
          `${c.tried} of ${c.replicates}`,
          c.improved,
          `${pct(c.share)} [${pct(c.lo)}, ${pct(c.hi)}]`,
          c.meanImprovement === null ? '–' : `${pts(c.meanImprovement)} points`,
        ]),
      ) +
        // Who wrote the improvements: a person, each proposer, the champion authoring code or genome children.
        `<h3>By author</h3>${table(
          ['condition', 'author', 'children written', 'promoted', 'mean improvement'],
          authorEffects(reps, conditions).map((a) => [
            a.condition,
            a.author,
            a.written,
            a.promoted,
            a.meanImprovement === null ? '–' : `${pts(a.meanImprovement)} points`,
          ]),
        )}`,
    ),
  );

  const held = heldoutRows(reps);
  sections.push(
    figure(
      'heldout',
      'Held-out: each replicate’s final champion against the root',
      'The final champion’s held-out score minus the root’s, paired by task, with a bootstrap 95% interval over tasks. A replicate whose champion is still the root shows zero.',
      held.length ? await renderSvg(heldoutSpec(conditions, held)) : '<p>No held-out runs yet.</p>',
      table(
        ['condition', 'replicate', 'final champion', 'root', 'champion', 'difference [95% CI]', 'tasks'],
        held.map((h) => [
          h.condition,
          `r${h.replicate}`,
          h.champion,
          pct(h.root),
          pct(h.score),
          `${pts(h.diff)} [${pts(h.lo)}, ${pts(h.hi)}] points`,
          h.tasks,
        ]),
      ),
    ),
  );

  const chosen = reps.find((r) => r.condition === d.highlight.condition && r.replicate === d.highlight.replicate);
  if (chosen) {
    const layout = layoutTree(chosen.tree, d.highlight.experiment);
    const nodes = [...chosen.tree.nodes].sort((a, b) => a.generation - b.generation || a.id.localeCompare(b.id));
    const onPath = new Set(layout.nodes.filter((n) => n.onPath).map((n) => n.id));
    sections.push(
      figure(
        'tree',
        `Lineage of ${chosen.condition} r${chosen.replicate}`,
        `Every experiment of this replicate, generation downwards; the path from the root to ${d.highlight.experiment ?? 'the champion'} is drawn in red.`,
        await renderSvg(treeSpec(layout)),
        table(
          ['experiment', 'parent', 'generation', 'change', 'score [95% CI]', 'status', 'on the path'],
          nodes.map((n) => [
            n.id,
            n.parentId ?? '',
            n.generation,
            n.change,
            `${pct(n.score)} [${pct(n.scoreLo)}, ${pct(n.scoreHi)}]`,
            n.id === chosen.tree.championId ? 'champion' : n.status,
            onPath.has(n.id) ? 'yes' : '',
          ]),
        ),
      ),
    );
  }

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(d.title)}</title>
<style>
body{font-family:sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.what{color:#555;font-size:13px;max-width:800px}
table{border-collapse:collapse;font-size:12px;margin:8px 0 4px}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f4f4f4}
.grid{display:flex;flex-wrap:wrap;gap:12px}.plot svg{max-width:100%;height:auto}
</style></head><body>
<h1>${esc(d.title)}</h1>
<p class="what">${reps.length} replicate${reps.length === 1 ? '' : 's'} read from the workspace databases at ${esc(d.generatedAt)}. Scores are train-split resolve rates of the champion; the held-out split is reported apart.</p>
${sections.join('\n')}
</body></html>
`;
}
