import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { LineageTree } from '../read.js';
import type { Axis, BandRow, BestCurve, ChangeRow, HeldoutRow } from './summary.js';

// The report's figures as Vega-Lite specs rendered to SVG strings in Node (vega's headless View.toSVG: no browser,
// no canvas, no network). Vega-Lite because a figure is a small declarative spec (a band, a line, a box) that states
// what is drawn from which table, and vega renders SVG on the server as a supported use, not by a DOM shim.

const STAR =
  'M0,-1L0.2245,-0.309L0.951,-0.309L0.3633,0.118L0.5878,0.809L0,0.382L-0.5878,0.809L-0.3633,0.118L-0.951,-0.309L-0.2245,-0.309Z';
const AXIS_TITLE: Record<Axis, string> = {
  generation: 'generation',
  evaluations: 'task evaluations (runs finished)',
  dollars: 'dollars spent',
};
const FONT = { font: 'sans-serif', labelFont: 'sans-serif', titleFont: 'sans-serif' };

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile({ ...spec, config: { ...FONT, ...(spec.config ?? {}) } }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const color = (conditions: string[]) => ({
  field: 'condition',
  type: 'nominal' as const,
  scale: { domain: conditions },
  title: 'condition',
});

/** Median line, 25th-75th percentile band, the best replicate dashed with its best point starred. */
export function scoreSpec(axis: Axis, conditions: string[], bands: BandRow[], best: BestCurve[]): TopLevelSpec {
  const bestRows = best.flatMap((b) =>
    b.points.map((p) => ({ condition: b.condition, x: p.x, score: p.score, replicate: `r${b.replicate}` })),
  );
  const stars = best.map((b) => ({ condition: b.condition, x: b.best.x, score: b.best.score }));
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: AXIS_TITLE[axis],
    ...(axis === 'generation' ? { axis: { format: 'd', tickMinStep: 1 } } : {}),
  };
  const y = { type: 'quantitative' as const, scale: { domain: [0, 1] }, axis: { format: '.0%' } };
  return {
    width: 520,
    height: 260,
    layer: [
      {
        data: { values: bands },
        mark: { type: 'area', opacity: 0.2 },
        encoding: {
          x,
          y: { ...y, field: 'q25', title: 'champion score (train)' },
          y2: { field: 'q75' },
          color: color(conditions),
        },
      },
      {
        data: { values: bands },
        mark: { type: 'line', point: true },
        encoding: { x, y: { ...y, field: 'median' }, color: color(conditions) },
      },
      {
        data: { values: bestRows },
        mark: { type: 'line', strokeDash: [6, 4], interpolate: axis === 'generation' ? 'linear' : 'step-after' },
        encoding: { x, y: { ...y, field: 'score' }, color: color(conditions), detail: { field: 'replicate' } },
      },
      {
        data: { values: stars },
        mark: { type: 'point', shape: STAR, size: 220, filled: true },
        encoding: { x, y: { ...y, field: 'score' }, color: color(conditions) },
      },
    ],
  };
}

/** One box per condition with one dot per replicate, for one metric. */
export function boxSpec(
  metric: string,
  conditions: string[],
  values: Array<{ condition: string; replicate: number; value: number }>,
  format: string,
): TopLevelSpec {
  const y = { field: 'value', type: 'quantitative' as const, title: metric, axis: { format } };
  const x = { field: 'condition', type: 'nominal' as const, scale: { domain: conditions }, title: null };
  return {
    width: 90 * Math.max(2, conditions.length),
    height: 180,
    data: { values },
    layer: [
      { mark: { type: 'boxplot', extent: 'min-max', opacity: 0.35 }, encoding: { x, y, color: color(conditions) } },
      {
        mark: { type: 'circle', size: 50, opacity: 0.9 },
        encoding: { x, y, xOffset: { field: 'replicate', type: 'nominal' }, color: color(conditions) },
      },
    ],
  };
}

/** Per kind of change, the share of replicates in which one improved the champion, with its Wilson interval. */
export function changeSpec(conditions: string[], rows: ChangeRow[]): TopLevelSpec {
  const values = rows.map((r) => ({
    ...r,
    label: r.meanImprovement === null ? '' : `+${(100 * r.meanImprovement).toFixed(1)} pts`,
  }));
  const y = { field: 'kind', type: 'nominal' as const, title: 'kind of change' };
  const yOffset = { field: 'condition', type: 'nominal' as const, scale: { domain: conditions } };
  const x = { type: 'quantitative' as const, scale: { domain: [0, 1] }, axis: { format: '.0%' } };
  return {
    width: 420,
    height: { step: 14 * Math.max(1, conditions.length) } as never,
    data: { values },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y,
          yOffset,
          x: { ...x, field: 'share', title: 'share of replicates where it improved the champion' },
          color: color(conditions),
        },
      },
      { mark: { type: 'rule' }, encoding: { y, yOffset, x: { ...x, field: 'lo' }, x2: { field: 'hi' } } },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
        encoding: { y, yOffset, x: { ...x, field: 'hi' }, text: { field: 'label' } },
      },
    ],
  };
}

/** Each replicate's final champion on the held-out split minus the root's, with its paired 95% interval. */
export function heldoutSpec(conditions: string[], rows: HeldoutRow[]): TopLevelSpec {
  const values = rows.map((r) => ({ ...r, label: `${r.condition} r${r.replicate}` }));
  const y = { field: 'label', type: 'nominal' as const, title: 'replicate', sort: null };
  const x = {
    type: 'quantitative' as const,
    axis: { format: '+.0%' },
    title: 'held-out: final champion - root (paired by task)',
  };
  return {
    width: 420,
    height: { step: 18 } as never,
    data: { values },
    layer: [
      { mark: { type: 'rule', color: '#999' }, encoding: { x: { datum: 0, type: 'quantitative' } } },
      {
        mark: { type: 'rule' },
        encoding: { y, x: { ...x, field: 'lo' }, x2: { field: 'hi' }, color: color(conditions) },
      },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: { y, x: { ...x, field: 'diff' }, color: color(conditions) },
      },
    ],
  };
}

export interface TreeLayoutRow {
  id: string;
  x: number;
  y: number;
  onPath: boolean;
  status: string;
  score: number | null;
}

/** Leaves left to right in depth-first order, a parent above the middle of its children; generation downwards. */
export function layoutTree(
  tree: LineageTree,
  highlight: string | null,
): {
  nodes: TreeLayoutRow[];
  edges: Array<{ x: number; y: number; x2: number; y2: number; onPath: boolean; w: number }>;
} {
  const kids = new Map<string | null, LineageTree['nodes']>();
  for (const n of tree.nodes) kids.set(n.parentId, [...(kids.get(n.parentId) ?? []), n]);
  const path = new Set<string>();
  const parentOf = new Map(tree.nodes.map((n) => [n.id, n.parentId]));
  for (let id: string | null | undefined = highlight; id; id = parentOf.get(id)) path.add(id);
  const nodes: TreeLayoutRow[] = [];
  let leaf = 0;
  const place = (n: LineageTree['nodes'][number], depth: number): number => {
    const children = kids.get(n.id) ?? [];
    const xs = children.map((c) => place(c, depth + 1));
    const x = xs.length ? (Math.min(...xs) + Math.max(...xs)) / 2 : leaf++;
    nodes.push({
      id: n.id,
      x,
      y: depth,
      onPath: path.has(n.id),
      status: n.id === tree.championId ? 'champion' : n.status,
      score: n.score,
    });
    return x;
  };
  for (const root of kids.get(null) ?? []) place(root, 0);
  const at = new Map(nodes.map((n) => [n.id, n]));
  const edges = tree.nodes
    .filter((n) => n.parentId && at.has(n.parentId))
    .map((n) => {
      const a = at.get(n.parentId!)!;
      const b = at.get(n.id)!;
      return { x: a.x, y: a.y, x2: b.x, y2: b.y, onPath: a.onPath && b.onPath, w: a.onPath && b.onPath ? 3 : 1 };
    });
  return { nodes, edges };
}

export function treeSpec(layout: ReturnType<typeof layoutTree>): TopLevelSpec {
  const width = Math.max(240, 70 * (Math.max(0, ...layout.nodes.map((n) => n.x)) + 1));
  const height = Math.max(120, 70 * (Math.max(0, ...layout.nodes.map((n) => n.y)) + 1));
  const x = { field: 'x', type: 'quantitative' as const, axis: null, scale: { nice: false, padding: 30 } };
  const y = {
    field: 'y',
    type: 'quantitative' as const,
    axis: null,
    scale: { reverse: true, nice: false, padding: 24 },
  };
  const path = {
    field: 'onPath',
    type: 'nominal' as const,
    scale: { domain: [true, false], range: ['#d62728', '#bbbbbb'] },
    legend: null,
  };
  return {
    width,
    height,
    layer: [
      {
        data: { values: layout.edges },
        mark: { type: 'rule' },
        encoding: {
          x,
          y,
          x2: { field: 'x2' },
          y2: { field: 'y2' },
          color: path,
          strokeWidth: { field: 'w', type: 'quantitative', scale: null, legend: null },
        },
      },
      {
        data: { values: layout.nodes },
        mark: { type: 'circle', size: 160, opacity: 1 },
        encoding: { x, y, color: { field: 'status', type: 'nominal', title: 'status' }, stroke: path },
      },
      {
        data: { values: layout.nodes },
        mark: { type: 'text', dy: -14, fontSize: 10 },
        encoding: { x, y, text: { field: 'id' } },
      },
    ],
  };
}
