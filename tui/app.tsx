import { Box, type Key, Text, useApp, useInput } from 'ink';
import { type ReactElement, useEffect, useReducer } from 'react';
import type { TuiData } from './data.js';
import { type Action, type AppState, type View, initialState, reduce } from './state.js';
import { useTerminalSize } from './use-terminal-size.js';
import { ExperimentView } from './views/experiment-view.js';
import { FailuresView } from './views/failures-view.js';
import { LiveView } from './views/live-view.js';
import { StudiesView } from './views/studies-view.js';
import { TrajectoryView } from './views/trajectory-view.js';
import { TreeView } from './views/tree-view.js';

export interface AppProps {
  data: TuiData;
  color: boolean;
  /** Milliseconds between refreshes of the live view. */
  pollMs?: number;
  /** The clock (tests fix it so "last activity" does not drift). */
  now?: () => Date;
}

// Each fits 80 columns; the line under it names the command that prints the same in plain text.
const HELP: Record<View, string> = {
  tree: 'jk move  l/h open/close  o info  / filter  c champ  f/F fails  L live  S studies',
  experiment: 'jk/space/b scroll tasks  f failures  esc back  q quit',
  failures: 'jk move  enter open a representative trajectory  esc back  q quit',
  trajectory: 'jk line  space/b page  g/G ends  / search  n/N next/prev  z fold/unfold  esc  q',
  live: 'follows the database while a generation runs  esc back (reloads tree)  q quit',
  studies: 'jk/space/b scroll  esc back  q quit',
};

const KEY_OF: Record<string, Partial<Key>> = {
  '\r': { return: true },
  '\n': { return: true },
  '\u001b': { escape: true },
  '\u007f': { backspace: true },
  '\b': { backspace: true },
};

function fallback(s: AppState): string {
  switch (s.view) {
    case 'tree':
      return 'plain text: evolve tree · evolve status';
    case 'experiment':
      return `plain text: experiments/${s.detail?.data.id ?? '<id>'}/README.md · evolve export ${s.detail?.data.id ?? '<id>'}`;
    case 'failures': {
      const scope = s.failures?.scope.startsWith('exp-') ? `${s.failures.scope} ` : '';
      return `plain text: evolve failures ${scope}--cluster ${s.failures?.list[s.failures.selected]?.id ?? '<id>'}`;
    }
    case 'trajectory':
      return `file: ${s.traj?.read.path ?? ''}`;
    case 'live':
      return 'plain text: evolve status';
    case 'studies':
      return `plain text: evolve study status ${s.studies?.list[0]?.name ?? 'NAME'} · evolve report NAME --out report.html`;
  }
}

/** Carries out the state's request (one at a time; a newer request makes an older answer stale). */
function useRequests(data: TuiData, s: AppState, dispatch: (a: Action) => void): void {
  const r = s.request;
  useEffect(() => {
    if (!r) return;
    const failed = (e: unknown) =>
      dispatch({ type: 'failed', seq: r.seq, message: e instanceof Error ? e.message : String(e) });
    if (r.kind === 'tree') data.tree().then((t) => dispatch({ type: 'tree', seq: r.seq, data: t }), failed);
    else if (r.kind === 'experiment')
      data.experiment(r.id).then((d) => dispatch({ type: 'experiment', seq: r.seq, data: d }), failed);
    else if (r.kind === 'clusters')
      data
        .clusters(r.experimentId)
        .then(
          (list) => dispatch({ type: 'clusters', seq: r.seq, scope: r.experimentId ?? 'whole lineage', list }),
          failed,
        );
    else if (r.kind === 'studies')
      (data.studies?.() ?? Promise.resolve([])).then((list) => dispatch({ type: 'studies', seq: r.seq, list }), failed);
    else
      data
        .trajectory(r.path)
        .then((read) => dispatch({ type: 'trajectory', seq: r.seq, title: r.title, read }), failed);
  }, [r, data, dispatch]);
}

function useLivePolling(data: TuiData, active: boolean, pollMs: number, dispatch: (a: Action) => void): void {
  useEffect(() => {
    if (!active) return;
    let alive = true;
    const tick = () =>
      void data.live().then(
        (state) => alive && dispatch({ type: 'live', state, at: new Date().toLocaleTimeString() }),
        () => undefined,
      );
    tick();
    const timer = setInterval(tick, pollMs);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [active, data, pollMs, dispatch]);
}

export function App({ data, color, pollMs = 1000, now = () => new Date() }: AppProps) {
  const { exit } = useApp();
  const { columns, rows: termRows } = useTerminalSize();
  // Header and two footer lines; one row spare, since ink clears the whole screen on every frame that fills it.
  const bodyHeight = Math.max(3, termRows - 4);
  const [s, dispatch] = useReducer(reduce, bodyHeight, initialState);
  useEffect(() => dispatch({ type: 'resize', height: bodyHeight }), [bodyHeight]);
  useEffect(() => void (s.quit && exit()), [s.quit, exit]);
  useRequests(data, s, dispatch);
  useLivePolling(data, s.view === 'live', pollMs, dispatch);
  useInput(
    (input, key) => {
      // Keys sent together (a paste, tmux send-keys, a fast typist over ssh) arrive as one string: one key each.
      if (input.length > 1 && !key.ctrl && !key.meta)
        for (const ch of input) dispatch({ type: 'key', input: ch, key: KEY_OF[ch] ?? {} });
      else dispatch({ type: 'key', input, key });
    },
    { isActive: !s.quit },
  );

  const tree = s.tree?.data;
  let body: ReactElement;
  if (s.error) body = <Text color={color ? 'red' : undefined}>error: {s.error}</Text>;
  else if (!tree) body = <Text>Loading lineage…</Text>;
  else if (s.view === 'experiment' && s.detail)
    body = (
      <ExperimentView
        detail={s.detail.data}
        scroll={s.detail.scroll}
        width={columns}
        height={bodyHeight}
        color={color}
      />
    );
  else if (s.view === 'failures' && s.failures)
    body = (
      <FailuresView
        clusters={s.failures.list}
        selected={s.failures.selected}
        scope={s.failures.scope}
        width={columns}
        height={bodyHeight}
      />
    );
  else if (s.view === 'trajectory' && s.traj)
    body = (
      <TrajectoryView
        title={s.traj.title}
        lines={s.traj.lines}
        offset={s.traj.offset}
        height={bodyHeight}
        width={columns}
        search={s.traj.search}
        folded={s.traj.folded}
      />
    );
  else if (s.view === 'studies' && s.studies)
    body = <StudiesView studies={s.studies.list} scroll={s.studies.scroll} width={columns} height={bodyHeight} />;
  else if (s.view === 'live') {
    const last = s.live?.state.lastActivity;
    body = (
      <LiveView
        live={s.live?.state ?? null}
        updatedAt={s.live?.at ?? ''}
        idleSec={last ? Math.max(0, (now().getTime() - Date.parse(last)) / 1000) : null}
        width={columns}
        height={bodyHeight}
      />
    );
  } else
    body = (
      <TreeView
        rows={s.rows}
        selected={s.selected}
        height={bodyHeight}
        width={columns}
        championId={tree.championId}
        color={color}
        spendUsd={tree.spend.runs.dollars + Object.values(tree.spend.lineage).reduce((t, p) => t + p.dollars, 0)}
      />
    );

  const typed = s.typing === 'filter' ? s.filter : (s.traj?.search ?? '');
  return (
    <Box flexDirection="column" width={columns}>
      <Text bold wrap="truncate">
        evolve · {s.view}
        {tree ? ` · ${tree.nodes.length} experiments · champion ${tree.championId ?? 'none'}` : ''}
        {s.filter ? ` · filter "${s.filter}"` : ''}
      </Text>
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {body}
      </Box>
      <Text dimColor wrap="truncate">
        {s.typing ? `${s.typing}: ${typed}▏ (enter to apply, esc to clear)` : (s.notice ?? HELP[s.view])}
      </Text>
      <Text dimColor wrap="truncate">
        {fallback(s)}
      </Text>
    </Box>
  );
}
