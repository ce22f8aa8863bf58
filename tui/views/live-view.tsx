import { Box, Text } from 'ink';
import type { ExperimentProgress, LiveState } from '../../lineage/read-api.js';
import { dollars, duration, truncate } from '../format.js';

export interface LiveViewProps {
  live: LiveState | null;
  /** Wall-clock time of the last refresh, shown so a person sees the view is following. */
  updatedAt: string;
  /** Seconds since the newest run activity, to flag an evaluation whose process has died. */
  idleSec: number | null;
  width: number;
  height: number;
}

const MARK: Record<ExperimentProgress['role'], string> = { champion: '★', parent: '▲', child: ' ', eval: ' ' };

function progressBar(p: ExperimentProgress, width = 8): string {
  if (p.total === null || p.total === 0) return '·'.repeat(width);
  const done = Math.round((p.done / p.total) * width);
  const running = Math.min(width - done, Math.ceil((p.running / p.total) * width));
  return '█'.repeat(done) + '▒'.repeat(running) + '░'.repeat(width - done - running);
}

/** Progress per experiment of the generation (or evaluation) running now, refreshed from the database. */
export function LiveView({ live, updatedAt, idleSec, width, height }: LiveViewProps) {
  if (!live) return <Text>Reading the database…</Text>;
  if (live.experiments.length === 0)
    return (
      <Text>
        Nothing is running. Start `evolve next-generation` or `evolve eval` in another terminal; this view follows it.
      </Text>
    );
  const g = live.generation;
  // A cluster evaluation: its pending runs wait in the queue, and the view says which workers hold the running ones.
  const queued = live.experiments.filter((p) => p.queued);
  const cluster = queued.length > 0;
  const list = live.experiments.slice(0, Math.max(1, height - (cluster ? 5 : 4)));
  const stale = idleSec !== null && idleSec > 600;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {truncate(
          `${g ? `generation ${g.id} from ${g.parentId}` : 'evaluation'} · ${dollars(live.costUsd)} so far · ETA ${duration(live.etaSec)}${cluster ? ` · cluster: ${queued.reduce((n, p) => n + p.pending, 0)} queued, ${queued.reduce((n, p) => n + p.running, 0)} running on ${live.workers.length} worker${live.workers.length === 1 ? '' : 's'}` : ''}`,
          width,
        )}
      </Text>
      <Text
        bold
      >{`${'experiment'.padEnd(18)} ${'progress'.padEnd(8)} ${'done'.padStart(9)} ${'ok'.padStart(5)} ${'run'.padStart(4)} ${'fail'.padStart(4)} ${'left'.padStart(5)} ${'ETA'.padStart(7)} ${'spent'.padStart(8)}`}</Text>
      {list.map((p) => (
        <Text key={p.experimentId} wrap="truncate">
          {`${MARK[p.role]}${truncate(p.experimentId, 17).padEnd(17)} ${progressBar(p)} `}
          {p.total === null
            ? `${'waiting'.padStart(9)}   (${p.status}, not started)`
            : `${`${p.done}/${p.total}`.padStart(9)} ${String(p.resolved).padStart(5)} ${String(p.running).padStart(4)} ${String(p.failed).padStart(4)} ${String(p.pending).padStart(5)} ${(p.pending + p.running ? duration(p.etaSec) : 'done').padStart(7)} ${dollars(p.costUsd).padStart(8)}`}
        </Text>
      ))}
      {live.experiments.length > list.length ? (
        <Text dimColor>… {live.experiments.length - list.length} more</Text>
      ) : null}
      {cluster ? (
        <Text wrap="truncate">
          {truncate(
            `workers: ${live.workers.length ? live.workers.map((w) => `${w.worker} ${w.running} running`).join(' · ') : 'none holds a run (is any `evolve worker` serving this queue?)'}`,
            width,
          )}
        </Text>
      ) : null}
      <Text dimColor wrap="truncate">
        {truncate(
          `★ champion ▲ parent  updated ${updatedAt}${idleSec !== null ? ` · last run activity ${duration(idleSec)} ago${stale ? ' (stalled? is the evaluating process still alive?)' : ''}` : ''}`,
          width,
        )}
      </Text>
    </Box>
  );
}
