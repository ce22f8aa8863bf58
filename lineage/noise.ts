import { type NoiseFloor, noiseFloor } from '../evaluator/stats/index.js';
import { type EvaluateExperimentOptions, evaluateExperiment } from './evaluate-experiment.js';
import type { Workspace } from './workspace.js';

// `evolve noise EXP`: an A/A run. The same experiment is evaluated K times on the same tasks (each repeat is its own
// run with its own seed, so a stochastic agent varies); the spread between repeats is the noise floor a child's
// improvement has to clear before it means anything. Finished repeats are reused, so asking again is cheap.

export interface NoiseOptions extends Omit<EvaluateExperimentOptions, 'repeats' | 'screen'> {
  repeats: number;
}

export interface NoiseReport extends NoiseFloor {
  experimentId: string;
  tasks: number;
  repeats: number;
  /** The runs the report stands on (done, graded). */
  runs: number;
  /** Every repeat resolved exactly the same tasks: the agent is deterministic here, and repeats add nothing. */
  deterministic: boolean;
}

export async function measureNoise(ws: Workspace, options: NoiseOptions): Promise<NoiseReport> {
  if (!Number.isInteger(options.repeats) || options.repeats < 2)
    throw new Error(`--repeats must be at least 2 for an A/A comparison (got ${options.repeats})`);
  const result = await evaluateExperiment(ws, { ...options });
  const done = result.runs.filter((r) => r.status === 'done' && r.outcome !== null);
  const runs = done.map((r) => ({ taskId: r.taskId, repeat: r.repeat, resolved: r.outcome === 'resolved' }));
  const floor = noiseFloor(runs);
  const byRepeat = new Map<number, string>();
  for (const r of [...runs].sort((a, b) => a.taskId.localeCompare(b.taskId)))
    byRepeat.set(r.repeat, `${byRepeat.get(r.repeat) ?? ''}${r.resolved ? 1 : 0}`);
  return {
    experimentId: options.experimentId,
    tasks: new Set(runs.map((r) => r.taskId)).size,
    repeats: new Set(runs.map((r) => r.repeat)).size,
    runs: runs.length,
    deterministic: new Set(byRepeat.values()).size <= 1,
    ...floor,
  };
}

const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(1)}%`);

export function describeNoise(r: NoiseReport): string {
  const lines = [
    `${r.experimentId}: A/A over ${r.tasks} tasks x ${r.repeats} repeats (${r.runs} runs)`,
    `  per-repeat scores   ${r.repeatScores.map(pct).join('  ')}`,
    `  spread (sd)         ${pct(r.sd)} across repeats, ${pct(r.analyticSd)} from per-task flips`,
    `  noise floor         a difference under ${pct(r.minDetectableDiff)} between two single-repeat evaluations is within the A/A spread (95%)`,
    `  flaky tasks         ${r.flakyTasks.length === 0 ? 'none' : r.flakyTasks.join(', ')}`,
  ];
  if (r.deterministic)
    lines.push(
      '  deterministic       every repeat resolved the same tasks: more repeats of this genome add no evidence',
    );
  return `${lines.join('\n')}\n`;
}
