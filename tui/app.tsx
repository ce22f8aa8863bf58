import { Box, Text, useApp, useInput } from 'ink';
import { type ReactElement, useEffect, useMemo, useRef, useState } from 'react';
import type { ClusterSummary, ExperimentDetail, LineageTree, LiveProgress } from '../lineage/read.js';
import type { TuiData } from './data.js';
import { filterMatches, indexTree, initialExpansion, visibleRows } from './tree-model.js';
import { useTerminalSize } from './use-terminal-size.js';
import { ExperimentView } from './views/experiment-view.js';
import { FailuresView } from './views/failures-view.js';
import { LiveView } from './views/live-view.js';
import { TrajectoryView, findLine } from './views/trajectory-view.js';
import { TreeView } from './views/tree-view.js';

type View = 'tree' | 'experiment' | 'failures' | 'trajectory' | 'live';

export interface AppProps {
  data: TuiData;
  color: boolean;
  /** Milliseconds between refreshes of the live view (and of the tree while it is shown). */
  pollMs?: number;
}

const HELP: Record<View, string> = {
  tree: '↑↓/jk move  enter/l/h expand·collapse  o open  / filter  g/G ends  f failures  F all failures  L live  q quit',
  experiment: 'f failures  esc back  q quit',
  failures: '↑↓/jk move  enter open trajectory  esc back  q quit',
  trajectory: '↑↓/jk line  space/b page  g/G ends  / search  n next  esc back  q quit',
  live: 'esc back  q quit',
};

export function App({ data, color, pollMs = 1000 }: AppProps) {
  const { exit } = useApp();
  const { columns, rows: termRows } = useTerminalSize();
  const bodyHeight = Math.max(3, termRows - 3);
  const [view, setView] = useState<View>('tree');
  const [tree, setTree] = useState<LineageTree | null>(null);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [selected, setSelectedState] = useState(0);
  // Keys can arrive faster than renders (held keys, pastes); the ref lets each key see the previous key's move.
  const selectedRef = useRef(0);
  const setSelected = (to: number) => {
    selectedRef.current = to;
    setSelectedState(to);
  };
  const [filter, setFilter] = useState('');
  const [typing, setTyping] = useState<null | 'filter' | 'search'>(null);
  const [detail, setDetail] = useState<ExperimentDetail | null>(null);
  const [clusters, setClusters] = useState<{ scope: string; list: ClusterSummary[]; selected: number } | null>(null);
  const [traj, setTraj] = useState<{ title: string; lines: string[]; offset: number; search: string } | null>(null);
  const [live, setLive] = useState<{ progress: LiveProgress[]; at: string }>({ progress: [], at: '' });
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void data.tree().then((t) => {
      setTree(t);
      setExpanded(initialExpansion(indexTree(t.nodes), t.championId));
    }, (e: unknown) => setError(String(e)));
  }, [data]);

  useEffect(() => {
    if (view !== 'live') return;
    let alive = true;
    const tick = () => void data.live().then((p) => alive && setLive({ progress: p, at: new Date().toLocaleTimeString() }));
    tick();
    const timer = setInterval(tick, pollMs);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [view, data, pollMs]);

  const index = useMemo(() => (tree ? indexTree(tree.nodes) : null), [tree]);
  const keep = useMemo(() => (index ? filterMatches(index, filter) : null), [index, filter]);
  const rows = useMemo(() => (index ? visibleRows(index, expanded, keep) : []), [index, expanded, keep]);

  const openExperiment = (id: string) => void data.experiment(id).then((d) => d && (setDetail(d), setView('experiment')));
  const openFailures = (experimentId?: string) =>
    void data.clusters(experimentId).then((list) => (setClusters({ scope: experimentId ?? 'whole lineage', list, selected: 0 }), setView('failures')));

  useInput((input, key) => {
    if (typing) {
      const set = typing === 'filter' ? setFilter : (fn: (s: string) => string) => setTraj((t) => t && { ...t, search: fn(t.search) });
      if (key.return || key.escape) {
        if (typing === 'search' && traj) setTraj({ ...traj, offset: Math.max(0, findLine(traj.lines, traj.search, traj.offset)) });
        if (key.escape && typing === 'filter') setFilter('');
        setTyping(null);
      } else if (key.backspace || key.delete) set((s) => s.slice(0, -1));
      else if (input && !key.ctrl && !key.meta) set((s) => s + input);
      if (typing === 'filter') setSelected(0);
      return;
    }
    if (input === 'q' || (key.ctrl && input === 'c')) return exit();
    if (key.escape || (view !== 'tree' && view !== 'trajectory' && input === 'h')) {
      setView(view === 'trajectory' ? 'failures' : 'tree');
      return;
    }
    if (view === 'tree') {
      const at = Math.min(selectedRef.current, rows.length - 1);
      const current = rows[at];
      const move = (to: number) => setSelected(Math.max(0, Math.min(rows.length - 1, to)));
      if (key.downArrow || input === 'j') move(at + 1);
      else if (key.upArrow || input === 'k') move(at - 1);
      else if (input === 'g') move(0);
      else if (input === 'G') move(rows.length - 1);
      else if (key.pageDown) move(at + bodyHeight);
      else if (key.pageUp) move(at - bodyHeight);
      else if (input === '/') setTyping('filter');
      else if (input === 'L') setView('live');
      else if (input === 'F') openFailures();
      else if (current) {
        const id = current.node.id;
        const toggle = (open: boolean) => setExpanded((s) => { const n = new Set(s); if (open) n.add(id); else n.delete(id); return n; });
        if (input === 'l' || key.rightArrow) toggle(true);
        else if (input === 'h' || key.leftArrow) {
          if (current.expanded) toggle(false);
          else { const p = rows.findIndex((r) => r.node.id === current.node.parentId); if (p >= 0) move(p); }
        } else if (key.return) current.hasChildren ? toggle(!current.expanded) : openExperiment(id);
        else if (input === 'o') openExperiment(id);
        else if (input === 'f') openFailures(id);
      }
    } else if (view === 'experiment') {
      if (input === 'f' && detail) openFailures(detail.id);
    } else if (view === 'failures' && clusters) {
      const n = clusters.list.length;
      if (key.downArrow || input === 'j') setClusters({ ...clusters, selected: Math.min(n - 1, clusters.selected + 1) });
      else if (key.upArrow || input === 'k') setClusters({ ...clusters, selected: Math.max(0, clusters.selected - 1) });
      else if (key.return) {
        const rep = clusters.list[clusters.selected]?.representatives.find((r) => r.trajectoryPath);
        if (rep?.trajectoryPath)
          void data.trajectory(rep.trajectoryPath).then((lines) => (setTraj({ title: `${rep.experimentId} · ${rep.taskId} · run ${rep.runId}`, lines, offset: 0, search: '' }), setView('trajectory')));
      }
    } else if (view === 'trajectory' && traj) {
      const page = bodyHeight - 1;
      const max = Math.max(0, traj.lines.length - page);
      const to = (o: number) => setTraj({ ...traj, offset: Math.max(0, Math.min(max, o)) });
      if (key.downArrow || input === 'j') to(traj.offset + 1);
      else if (key.upArrow || input === 'k') to(traj.offset - 1);
      else if (input === ' ' || key.pageDown) to(traj.offset + page);
      else if (input === 'b' || key.pageUp) to(traj.offset - page);
      else if (input === 'g') to(0);
      else if (input === 'G') to(max);
      else if (input === '/') setTraj({ ...traj, search: '' }), setTyping('search');
      else if (input === 'n') { const i = findLine(traj.lines, traj.search, traj.offset + 1); if (i >= 0) to(i); }
      else if (input === 'h') setView('failures');
    }
  });

  let body: ReactElement;
  if (error) body = <Text color={color ? 'red' : undefined}>error: {error}</Text>;
  else if (!tree) body = <Text>Loading lineage…</Text>;
  else if (view === 'experiment' && detail) body = <ExperimentView detail={detail} width={columns} height={bodyHeight} color={color} />;
  else if (view === 'failures' && clusters) body = <FailuresView clusters={clusters.list} selected={clusters.selected} scope={clusters.scope} width={columns} height={bodyHeight} />;
  else if (view === 'trajectory' && traj) body = <TrajectoryView title={traj.title} lines={traj.lines} offset={traj.offset} height={bodyHeight} width={columns} search={traj.search} />;
  else if (view === 'live') body = <LiveView progress={live.progress} updatedAt={live.at} />;
  else body = <TreeView rows={rows} selected={Math.min(selected, Math.max(0, rows.length - 1))} height={bodyHeight} width={columns} championId={tree.championId} color={color} />;

  return (
    <Box flexDirection="column" width={columns}>
      <Text bold wrap="truncate">
        evolve · {view}
        {tree ? ` · ${tree.nodes.length} experiments · champion ${tree.championId ?? 'none'}` : ''}
        {filter ? ` · filter "${filter}"` : ''}
      </Text>
      {body}
      <Text dimColor wrap="truncate">{typing ? `${typing}: ${typing === 'filter' ? filter : traj?.search ?? ''}▏ (enter to apply, esc to clear)` : HELP[view]}</Text>
    </Box>
  );
}
