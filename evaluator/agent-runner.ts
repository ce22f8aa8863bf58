import { dirname, resolve } from 'node:path';
import { createModel, type CreateModelOptions } from '../agent/models/registry.js';
import type { Model } from '../agent/models/types.js';
import { TrajectoryWriter } from '../agent/trajectory.js';
import { agentView } from '../tasks/schema.js';
import { type AgentBundle, bundleAgent } from './agent-process/bundle.js';
import { INSTALLED_AGENT } from './agent-code.js';
import { runConfinedAgent } from './agent-process/host.js';
import {
  Budget,
  type BudgetLimits,
  createGateway,
  createRedactor,
  type ModelPrice,
  secretsFromEnv,
} from './gateway/index.js';
import type { AgentRunOutcome, RunDeps } from './run-one.js';

// The agent side of a run: the genome's model from the registry, wrapped in the gateway (per-run budget, the
// evaluation's shared budget, prices, redaction), then the agent loop on the task's agent view only, in its own
// confined process (agent-process/): no key, no task folder, no database, no Docker socket within its reach.

export { INSTALLED_AGENT };

export interface AgentRunnerOptions {
  /** Per-run limits (evolve.json budgets.run*); the genome's own budgets apply inside the loop as well. */
  runLimits?: BudgetLimits;
  /** Budgets shared across runs, e.g. the generation's. */
  shared?: Budget[];
  prices?: Record<string, ModelPrice>;
  /** Overrides the genome's model name (`evolve agent run --model`). */
  model?: string;
  modelOptions?: CreateModelOptions;
  /** Builds the model instead of the registry (tests: a ScriptedModel). */
  createModel?: (name: string) => Promise<Model> | Model;
  /** The folder holding the agent/ to run (a code variant's worktree); default this installation. */
  agentSource?: string;
  /** Same, named by its loop file (`<worktree>/agent/loop.ts`); kept for callers that name the module. */
  agentModule?: string;
  /** More strings to redact from every record, beyond the environment's keys. */
  secrets?: string[];
  /** After a stop (a cancellation, the time limit), how long the agent has to end by itself before it is killed. */
  graceMs?: number;
}

/**
 * How long past its time limit an agent may take to stop by itself. The limit (the genome's wall clock, or the task's
 * agent timeout where that is shorter) is kept by the loop, which is the agent's own code, and between its model
 * calls only: a tool or policy that runs on would have all the time it liked, so the evaluator stops the process too.
 */
const DEADLINE_SLACK_MS = 5_000;

export function agentRunner(options: AgentRunnerOptions = {}): RunDeps['runAgent'] {
  const fallback =
    options.agentSource ?? (options.agentModule ? resolve(dirname(options.agentModule), '..') : INSTALLED_AGENT);
  // One bundle per agent source, made on its first run. Which source is the job's data (a code variant's `code`).
  const bundles = new Map<string, Promise<AgentBundle>>();
  const redact = createRedactor([
    ...secretsFromEnv(process.env),
    ...secretsFromEnv(options.modelOptions?.env ?? {}),
    ...(options.secrets ?? []),
  ]);
  return async ({ genome, code, task, sandbox, trajectoryPath, signal, repeat }): Promise<AgentRunOutcome> => {
    const source = code?.dir ?? fallback;
    let bundle = bundles.get(source);
    if (!bundle) {
      bundle = bundleAgent(source);
      bundles.set(source, bundle);
      bundle.catch(() => bundles.delete(source));
    }
    const name = options.model ?? genome.model;
    const inner = options.createModel ? await options.createModel(name) : await createModel(name, options.modelOptions);
    const runBudget = new Budget(`run ${task.id}`, options.runLimits ?? {});
    // Every event is redacted on its way to the file: the gateway's model_call records, and whatever the agent
    // sends (an echoed key in a tool_call, a provider's message in an error or run_end).
    const writer = new TrajectoryWriter(trajectoryPath);
    const trajectory = { write: (event: Parameters<TrajectoryWriter['write']>[0]) => writer.write(redact(event)) };
    const model = createGateway(inner, {
      prices: options.prices,
      budgets: [runBudget, ...(options.shared ?? [])],
      sink: (event) => trajectory.write(event),
      defaultPurpose: 'agent',
      secrets: [...secretsFromEnv(options.modelOptions?.env ?? {}), ...(options.secrets ?? [])],
    });
    try {
      const ready = await bundle;
      // The loop stops itself at the genome's clock (the slack lets it); it does not know the task's timeout. The
      // clock starts with the agent's process, as the loop's does: bundling is the evaluator's time.
      const limitMs = Math.min(
        genome.budgets.wallClockSec * 1000 + DEADLINE_SLACK_MS,
        task.limits.agentTimeoutSec * 1000,
      );
      const deadline = AbortSignal.timeout(limitMs);
      const result = await runConfinedAgent({
        bundle: ready,
        genome: name === genome.model ? genome : { ...genome, model: name },
        task: agentView(task),
        sandbox,
        model,
        trajectory,
        redact,
        signal: AbortSignal.any([signal, deadline]),
        ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
        ...(repeat === undefined ? {} : { seed: repeat }),
      });
      const spent = model.spent;
      return {
        exitReason: result.exitReason,
        inputTokens: result.usage.inputTokens,
        outputTokens: result.usage.outputTokens,
        cacheReadTokens: result.usage.cacheReadTokens,
        cacheWriteTokens: result.usage.cacheWriteTokens,
        // Unknown price stays unknown: dollars only when every call was priced.
        costUsd: spent.unpricedCalls === 0 ? spent.dollars : result.usage.costUsd,
        steps: result.steps,
        sandboxFailed: result.sandboxFailed,
      };
    } finally {
      writer.close();
    }
  };
}
