import type { Key } from 'ink';
import { type AppState, ask, go, withRows, withTrajectory } from './state.js';
import { findLine, trajectoryLines } from './trajectory-model.js';

// What each key does in each view: pure functions of the state. Keys follow less(1) and vim where they can.

type K = Partial<Key>;
const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));
const down = (input: string, k: K) => k.downArrow || input === 'j';
const up = (input: string, k: K) => k.upArrow || input === 'k';
const pageDown = (input: string, k: K) => k.pageDown || input === ' ' || (k.ctrl && input === 'd');
const pageUp = (input: string, k: K) => k.pageUp || input === 'b' || (k.ctrl && input === 'u');

export function handleKey(s: AppState, input: string, k: K): AppState {
  if (s.typing) return typing(s, input, k);
  if (input === 'q' || (k.ctrl && input === 'c')) return { ...s, quit: true };
  if (k.escape || (input === 'h' && s.view !== 'tree')) {
    if (s.view === 'tree') return s.filter ? withRows(s, { filter: '' }) : s;
    const back = { ...s, view: s.back.at(-1) ?? 'tree', back: s.back.slice(0, -1) };
    // The tree may have grown while the live view was up.
    return s.view === 'live' ? ask(back, { kind: 'tree' }, 'reloading…') : back;
  }
  switch (s.view) {
    case 'tree':
      return treeKey(s, input, k);
    case 'experiment': {
      if (!s.detail) return s;
      const tasks = new Set(
        s.detail.data.runs.map((r) => r.taskId).concat(s.detail.data.parentRuns.map((r) => r.taskId)),
      ).size;
      const scroll = (to: number) => ({ ...s, detail: { ...s.detail!, scroll: clamp(to, 0, Math.max(0, tasks - 1)) } });
      if (down(input, k)) return scroll(s.detail.scroll + 1);
      if (up(input, k)) return scroll(s.detail.scroll - 1);
      if (pageDown(input, k)) return scroll(s.detail.scroll + Math.max(1, s.height - 8));
      if (pageUp(input, k)) return scroll(s.detail.scroll - Math.max(1, s.height - 8));
      if (input === 'f') return ask(s, { kind: 'clusters', experimentId: s.detail.data.id });
      return s;
    }
    case 'failures': {
      const f = s.failures;
      if (!f) return s;
      if (down(input, k)) return { ...s, failures: { ...f, selected: clamp(f.selected + 1, 0, f.list.length - 1) } };
      if (up(input, k)) return { ...s, failures: { ...f, selected: clamp(f.selected - 1, 0, f.list.length - 1) } };
      if (k.return || input === 'l' || k.rightArrow) {
        const cluster = f.list[f.selected];
        const rep = cluster?.representatives.find((r) => r.trajectoryPath);
        if (!cluster) return s;
        if (!rep?.trajectoryPath) return { ...s, notice: `no trajectory recorded for the runs of ${cluster.id}` };
        return ask(s, {
          kind: 'trajectory',
          path: rep.trajectoryPath,
          title: `${cluster.id} · ${rep.experimentId} · ${rep.taskId} · run ${rep.runId}`,
        });
      }
      return s;
    }
    case 'trajectory':
      return trajectoryKey(s, input, k);
    case 'live':
      return s;
    case 'studies': {
      const st = s.studies;
      if (!st) return s;
      const lines = st.list.reduce((n, x) => n + x.replicates.length + 2, 0);
      const scroll = (to: number) => ({ ...s, studies: { ...st, scroll: clamp(to, 0, Math.max(0, lines - 1)) } });
      if (down(input, k)) return scroll(st.scroll + 1);
      if (up(input, k)) return scroll(st.scroll - 1);
      if (pageDown(input, k)) return scroll(st.scroll + Math.max(1, s.height - 2));
      if (pageUp(input, k)) return scroll(st.scroll - Math.max(1, s.height - 2));
      return s;
    }
  }
}

function treeKey(s: AppState, input: string, k: K): AppState {
  const n = s.rows.length;
  const move = (to: number) => ({ ...s, selected: clamp(to, 0, Math.max(0, n - 1)) });
  if (down(input, k)) return move(s.selected + 1);
  if (up(input, k)) return move(s.selected - 1);
  if (input === 'g' || k.home) return move(0);
  if (input === 'G' || k.end) return move(n - 1);
  if (pageDown(input, k)) return move(s.selected + s.height - 1);
  if (pageUp(input, k)) return move(s.selected - (s.height - 1));
  if (input === '/') return { ...s, typing: 'filter' };
  if (input === 'L') return go(s, 'live');
  if (input === 'S') return ask(s, { kind: 'studies' });
  if (input === 'F') return ask(s, { kind: 'clusters' });
  if (input === 'r') return ask(s, { kind: 'tree' }, 'reloading…');
  if (input === 'c' && s.tree?.data.championId) {
    const id = s.tree.data.championId;
    const shown = withRows(s, { expanded: new Set([...s.expanded, ...ancestors(s, id)]), filter: '' });
    return {
      ...shown,
      selected: Math.max(
        0,
        shown.rows.findIndex((r) => r.node.id === id),
      ),
    };
  }
  const row = s.rows[s.selected];
  if (!row) return s;
  const id = row.node.id;
  const toggle = (open: boolean) => {
    const expanded = new Set(s.expanded);
    if (open) expanded.add(id);
    else expanded.delete(id);
    return withRows(s, { expanded });
  };
  if (input === 'l' || k.rightArrow) return row.hasChildren && !row.expanded ? toggle(true) : s;
  if (input === 'h' || k.leftArrow) {
    if (row.expanded && !s.filter) return toggle(false);
    const parent = s.rows.findIndex((r) => r.node.id === row.node.parentId);
    return parent >= 0 ? move(parent) : s;
  }
  if (k.return) return row.hasChildren && !s.filter ? toggle(!row.expanded) : ask(s, { kind: 'experiment', id });
  if (input === 'o') return ask(s, { kind: 'experiment', id });
  if (input === 'f') return ask(s, { kind: 'clusters', experimentId: id });
  return s;
}

function ancestors(s: AppState, id: string): string[] {
  const out: string[] = [];
  for (let n = s.tree?.index.byId.get(id); n?.parentId; n = s.tree?.index.byId.get(n.parentId)) out.push(n.parentId);
  return out;
}

function trajectoryKey(s: AppState, input: string, k: K): AppState {
  const t = s.traj;
  if (!t) return s;
  const page = Math.max(1, s.height - 1);
  const max = Math.max(0, t.lines.length - page);
  const to = (offset: number) => ({ ...s, traj: { ...t, offset: clamp(offset, 0, max) } });
  if (down(input, k)) return to(t.offset + 1);
  if (up(input, k)) return to(t.offset - 1);
  if (pageDown(input, k)) return to(t.offset + page);
  if (pageUp(input, k)) return to(t.offset - page);
  if (input === 'g' || k.home) return to(0);
  if (input === 'G' || k.end) return to(max);
  if (input === 'z') return { ...s, traj: withTrajectory(t, { folded: !t.folded, offset: 0 }) };
  if (input === '/') return { ...s, typing: 'search', traj: { ...t, search: '' } };
  if (input === 'n' || input === 'N')
    return search(s, input === 'n' ? t.offset + 1 : t.offset - 1, input === 'n' ? 1 : -1);
  return s;
}

/** Moves to the next match (or the previous, dir -1); a match only inside folded output unfolds it. */
function search(s: AppState, from: number, dir: 1 | -1): AppState {
  const t = s.traj!;
  if (!t.search) return { ...s, notice: 'type / and a word to search' };
  const find = (lines: string[]) => (dir === 1 ? findLine(lines, t.search, from) : findPrevious(lines, t.search, from));
  const page = Math.max(1, s.height - 1);
  const place = (tr: typeof t, i: number) => ({
    ...s,
    traj: { ...tr, offset: clamp(i, 0, Math.max(0, tr.lines.length - page)) },
  });
  const i = find(t.lines);
  if (i >= 0) return place(t, i);
  if (t.folded) {
    const unfolded = { ...t, folded: false, lines: trajectoryLines(t.read, false) };
    const j = findLine(unfolded.lines, t.search, 0);
    if (j >= 0) return { ...place(unfolded, j), notice: `"${t.search}" is in folded output: unfolded (z folds)` };
  }
  return { ...s, notice: `no match for "${t.search}"` };
}

function findPrevious(lines: string[], needle: string, from: number): number {
  const n = needle.toLowerCase();
  for (let k = 0; k < lines.length; k++) {
    const i = (((from - k) % lines.length) + lines.length) % lines.length;
    if (lines[i]!.toLowerCase().includes(n)) return i;
  }
  return -1;
}

function typing(s: AppState, input: string, k: K): AppState {
  const edit = (text: string) =>
    k.backspace || k.delete
      ? text.slice(0, -1)
      : input && !k.ctrl && !k.meta && !k.return && !k.escape
        ? text + input
        : text;
  if (s.typing === 'filter') {
    if (k.escape) return withRows({ ...s, typing: null }, { filter: '' });
    if (k.return) return { ...s, typing: null };
    return withRows(s, { filter: edit(s.filter), selected: 0 });
  }
  const t = s.traj!;
  if (k.escape) return { ...s, typing: null, traj: { ...t, search: '' } };
  if (k.return) return search({ ...s, typing: null }, t.offset, 1);
  return { ...s, traj: { ...t, search: edit(t.search) } };
}
