import { noiseFloor } from '../evaluator/stats/index.js';
import type { Db } from './db/open.js';
import { agentRuns } from './db/repos/runs.js';

// The A/A noise floor beside a decision: how far the champion's own score moves between repeats on the tasks the
// children were compared on (`evolve noise`, extra evidence rounds or --repeats give it those repeats). A child's
// difference under it is within what re-running the champion alone produces. Shown, never decided on: the rule's
// exact test already accounts for chance; the floor tells a reader how big the noise is in points.

export interface NoiseMargin {
  champion: string;
  /** Compared tasks the champion ran at least twice (the floor stands on these). */
  tasks: number;
  repeats: number;
  /** A difference under this many points (0-1) between two single-repeat evaluations is within the A/A spread (95%). */
  floor: number | null;
  /** Every repeat resolved the same tasks. */
  deterministic: boolean;
}

/** The champion's A/A floor on `taskKeys` (`suite/task`), from its own finished agent runs; floor null below 2 repeats. */
export async function noiseMargin(db: Db, champion: string, taskKeys: string[]): Promise<NoiseMargin> {
  const wanted = new Set(taskKeys);
  const rows = (await agentRuns(db, champion, { done: true })).filter((r) => wanted.has(`${r.suite_id}/${r.task_id}`));
  const perTask = new Map<string, Array<{ repeat: number; resolved: boolean }>>();
  for (const r of rows) {
    const key = `${r.suite_id}/${r.task_id}`;
    perTask.set(key, [...(perTask.get(key) ?? []), { repeat: r.repeat, resolved: r.outcome === 'resolved' }]);
  }
  const twice = [...perTask.entries()].filter(([, runs]) => runs.length >= 2);
  const repeats = twice.length ? Math.min(...twice.map(([, runs]) => runs.length)) : perTask.size ? 1 : 0;
  if (twice.length === 0) return { champion, tasks: 0, repeats, floor: null, deterministic: false };
  // Repeats 0..repeats-1 of every such task: each repeat a whole single-repeat evaluation of the same tasks.
  const runs = twice.flatMap(([taskId, rs]) =>
    rs.filter((r) => r.repeat < repeats).map((r) => ({ taskId, repeat: r.repeat, resolved: r.resolved })),
  );
  const floor = noiseFloor(runs);
  return {
    champion,
    tasks: twice.length,
    repeats,
    floor: floor.minDetectableDiff,
    deterministic: floor.flakyTasks.length === 0,
  };
}

const pts = (x: number) => `${(100 * x).toFixed(1)} points`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${pts(x)}`;

/** One clause for a decision's reason: the child's difference against the champion's A/A floor. */
export function describeNoiseMargin(m: NoiseMargin, diff: number | null): string {
  if (m.floor === null)
    return `A/A noise floor not measured (${m.champion} has one run per task here; \`evolve noise ${m.champion}\` measures it)`;
  const where = `${m.champion} over ${m.tasks} tasks x ${m.repeats} repeats`;
  if (m.deterministic)
    return `A/A noise floor 0 points (${where}: every repeat resolved the same tasks, so any difference is the change's)`;
  const vs =
    diff === null || Number.isNaN(diff)
      ? ''
      : Math.abs(diff) > m.floor
        ? `; this difference (${signed(diff)}) is beyond it`
        : `; this difference (${signed(diff)}) is within it`;
  return `A/A noise floor ${pts(m.floor)} (${where})${vs}`;
}
