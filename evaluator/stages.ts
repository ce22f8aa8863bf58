import { summarize } from './stats/index.js';
import type { StoredRun } from './store.js';

// Staged evaluation: a small subset first, the rest only when the experiment clears a gate on what it has run
// so far (e.g. at least the parent's score on the same tasks minus a margin). Cheap losers stop early.

export interface StageSpec {
  name: string;
  /** How many more tasks this stage adds (from the front of the task list); the last stage takes the rest. */
  tasks?: number;
}

export interface StageGate {
  /** Allowed shortfall below the reference. */
  margin?: number;
  /** An absolute floor, used with or without a reference. */
  minScore?: number;
}

export interface StagePlan {
  stages: StageSpec[];
  gate?: StageGate;
  /** Reference score on exactly these tasks (e.g. the parent's mean resolve rate there); undefined when unknown. */
  reference?: (taskIds: string[]) => Promise<number | undefined> | number | undefined;
}

export interface GateResult {
  tasks: number;
  score: number;
  reference: number | null;
  margin: number;
  minScore: number | null;
  threshold: number;
  passed: boolean;
}

export interface PlannedStage {
  name: string;
  taskIds: string[];
}

export function splitStages(taskIds: string[], plan?: StagePlan): PlannedStage[] {
  if (!plan || plan.stages.length === 0) return [{ name: 'full', taskIds }];
  const out: PlannedStage[] = [];
  let at = 0;
  for (const [i, s] of plan.stages.entries()) {
    const last = i === plan.stages.length - 1;
    const n = last ? taskIds.length - at : Math.max(0, Math.min(s.tasks ?? 0, taskIds.length - at));
    out.push({ name: s.name, taskIds: taskIds.slice(at, at + n) });
    at += n;
  }
  // A stage with no tasks left (a tiny subset) is dropped rather than run empty.
  return out.filter((s, i) => s.taskIds.length > 0 || i === 0);
}

export async function gateStage(plan: StagePlan, taskIds: string[], runs: StoredRun[]): Promise<GateResult> {
  const done = runs.filter((r) => r.status === 'done');
  const score = summarize(
    done.map((r) => ({ taskId: r.taskId, repeat: r.repeat, resolved: r.outcome === 'resolved' })),
  ).resolveRate;
  const reference = (await plan.reference?.(taskIds)) ?? null;
  const margin = plan.gate?.margin ?? 0;
  const minScore = plan.gate?.minScore ?? null;
  const threshold = Math.max(
    reference === null ? Number.NEGATIVE_INFINITY : reference - margin,
    minScore ?? Number.NEGATIVE_INFINITY,
  );
  // A stage where nothing finished (score NaN) does not pass: there is no evidence to go on.
  const passed = !Number.isNaN(score) && score >= threshold - 1e-12;
  return {
    tasks: taskIds.length,
    score,
    reference,
    margin,
    minScore,
    threshold: Number.isFinite(threshold) ? threshold : 0,
    passed,
  };
}
