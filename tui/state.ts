import type { Key } from 'ink';
import type { ClusterSummary, ExperimentDetail, LineageTree } from '../lineage/read-api.js';
import type { LiveState } from '../lineage/read-api.js';
import type { StudyStatus, TrajectoryRead } from '../lineage/read-api.js';
import { handleKey } from './keys.js';
import { type TreeIndex, type TreeRow, filterMatches, indexTree, initialExpansion, visibleRows } from './tree-model.js';
import { trajectoryLines } from './trajectory-model.js';

// The whole screen state and a pure reducer over it. Every key goes through the reducer, so keys that arrive
// faster than frames (held keys, pastes, a test writing to stdin) each see the state the previous key left.
// Loading is a `request` the app's effect carries out; the answer comes back as an action with the same seq.

export type View = 'tree' | 'experiment' | 'failures' | 'trajectory' | 'live' | 'studies';

export type Request =
  | { kind: 'tree' }
  | { kind: 'experiment'; id: string }
  | { kind: 'clusters'; experimentId?: string }
  | { kind: 'trajectory'; path: string; title: string }
  | { kind: 'studies' };

export interface TrajectoryState {
  title: string;
  read: TrajectoryRead;
  folded: boolean;
  lines: string[];
  offset: number;
  search: string;
}

export interface AppState {
  view: View;
  /** Views to return to with esc. */
  back: View[];
  /** Rows the body may use. */
  height: number;
  tree: { data: LineageTree; index: TreeIndex } | null;
  expanded: ReadonlySet<string>;
  filter: string;
  rows: TreeRow[];
  selected: number;
  typing: 'filter' | 'search' | null;
  detail: { data: ExperimentDetail; scroll: number } | null;
  failures: { scope: string; list: ClusterSummary[]; selected: number } | null;
  traj: TrajectoryState | null;
  live: { state: LiveState; at: string } | null;
  studies: { list: StudyStatus[]; scroll: number } | null;
  request: (Request & { seq: number }) | null;
  seq: number;
  /** A one-line message for the footer (nothing to open, no match, loading); cleared by the next key. */
  notice: string | null;
  error: string | null;
  quit: boolean;
}

export type Action =
  | { type: 'key'; input: string; key: Partial<Key> }
  | { type: 'resize'; height: number }
  | { type: 'tree'; seq: number; data: LineageTree }
  | { type: 'experiment'; seq: number; data: ExperimentDetail | null }
  | { type: 'clusters'; seq: number; scope: string; list: ClusterSummary[] }
  | { type: 'trajectory'; seq: number; title: string; read: TrajectoryRead }
  | { type: 'live'; state: LiveState; at: string }
  | { type: 'studies'; seq: number; list: StudyStatus[] }
  | { type: 'failed'; seq: number; message: string };

export function initialState(height: number): AppState {
  return {
    view: 'tree',
    back: [],
    height,
    tree: null,
    expanded: new Set(),
    filter: '',
    rows: [],
    selected: 0,
    typing: null,
    detail: null,
    failures: null,
    traj: null,
    live: null,
    studies: null,
    request: { kind: 'tree', seq: 1 },
    seq: 1,
    notice: null,
    error: null,
    quit: false,
  };
}

/** Asks for something to be loaded; the view changes when it arrives. */
export function ask(s: AppState, request: Request, notice = 'loading…'): AppState {
  return { ...s, request: { ...request, seq: s.seq + 1 }, seq: s.seq + 1, notice };
}

export function go(s: AppState, view: View): AppState {
  return view === s.view ? s : { ...s, view, back: [...s.back, s.view] };
}

/** Recomputes the visible rows after the tree, the expansion or the filter changed, keeping the cursor's node. */
export function withRows(s: AppState, changes: Partial<AppState>): AppState {
  const next = { ...s, ...changes };
  if (!next.tree) return next;
  const keepId = s.rows[s.selected]?.node.id;
  const rows = visibleRows(next.tree.index, next.expanded, filterMatches(next.tree.index, next.filter));
  const at = changes.selected ?? (keepId ? rows.findIndex((r) => r.node.id === keepId) : -1);
  return { ...next, rows, selected: Math.max(0, Math.min(rows.length - 1, at < 0 ? 0 : at)) };
}

export function withTrajectory(t: TrajectoryState, changes: Partial<TrajectoryState>): TrajectoryState {
  const next = { ...t, ...changes };
  return changes.folded !== undefined && changes.folded !== t.folded
    ? { ...next, lines: trajectoryLines(next.read, next.folded) }
    : next;
}

export function reduce(s: AppState, a: Action): AppState {
  if (s.quit) return s;
  if (a.type === 'key') return handleKey({ ...s, notice: s.request ? s.notice : null }, a.input, a.key);
  if (a.type === 'resize') return { ...s, height: a.height };
  if (a.type === 'live') return { ...s, live: { state: a.state, at: a.at } };
  if (!s.request || a.seq !== s.request.seq) return s; // an answer to a request since replaced
  const done = { ...s, request: null, notice: null };
  switch (a.type) {
    case 'failed':
      return { ...done, error: s.tree ? null : a.message, notice: s.tree ? `error: ${a.message}` : null };
    case 'tree': {
      const index = indexTree(a.data.nodes);
      const expanded = s.tree ? s.expanded : initialExpansion(index, a.data.championId);
      const next = withRows(done, { tree: { data: a.data, index }, expanded });
      return s.tree
        ? next
        : {
            ...next,
            selected: Math.max(
              0,
              next.rows.findIndex((r) => r.node.id === a.data.championId),
            ),
          };
    }
    case 'experiment':
      return a.data
        ? go({ ...done, detail: { data: a.data, scroll: 0 } }, 'experiment')
        : { ...done, notice: 'that experiment is gone from the database' };
    case 'clusters':
      return go({ ...done, failures: { scope: a.scope, list: a.list, selected: 0 } }, 'failures');
    case 'studies':
      return go({ ...done, studies: { list: a.list, scroll: 0 } }, 'studies');
    case 'trajectory': {
      const folded = true;
      return go(
        {
          ...done,
          traj: { title: a.title, read: a.read, folded, lines: trajectoryLines(a.read, folded), offset: 0, search: '' },
        },
        'trajectory',
      );
    }
  }
}
