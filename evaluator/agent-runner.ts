import { pathToFileURL } from 'node:url';
import { runAgent } from '../agent/loop.js';
import { createModel, type CreateModelOptions } from '../agent/models/registry.js';
import type { Model } from '../agent/models/types.js';
import { TrajectoryWriter } from '../agent/trajectory.js';
import { agentView } from '../tasks/schema.js';
import { Budget, type BudgetLimits, createGateway, type ModelPrice } from './gateway/index.js';
import type { AgentRunOutcome, RunDeps } from './run-one.js';

// The agent side of a run: the genome's model from the registry, wrapped in the gateway (per-run budget, the
// evaluation's shared budget, prices, redaction), then the agent loop on the task's agent view only.

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
  /** A code variant's `<worktree>/agent/loop.ts`: its runAgent runs instead of this installation's (self-repair hook). */
  agentModule?: string;
}

export function agentRunner(options: AgentRunnerOptions = {}): RunDeps['runAgent'] {
  return async ({ genome, task, sandbox, trajectoryPath, signal }): Promise<AgentRunOutcome> => {
    const name = options.model ?? genome.model;
    const inner = options.createModel ? await options.createModel(name) : await createModel(name, options.modelOptions);
    const runBudget = new Budget(`run ${task.id}`, options.runLimits ?? {});
    // The gateway writes the (redacted) model_call records into the trajectory; the loop writes none of its own,
    // so no unredacted request or response ever reaches the file.
    const trajectory = new TrajectoryWriter(trajectoryPath);
    const model = createGateway(inner, {
      prices: options.prices,
      budgets: [runBudget, ...(options.shared ?? [])],
      sink: (event) => trajectory.write(event),
      defaultPurpose: 'agent',
    });
    try {
      const run: typeof runAgent = options.agentModule
        ? ((await import(pathToFileURL(options.agentModule).href)) as { runAgent: typeof runAgent }).runAgent
        : runAgent;
      const result = await run({
        genome: name === genome.model ? genome : { ...genome, model: name },
        task: agentView(task),
        sandbox,
        model,
        trajectory,
        signal,
        recordModelCalls: false,
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
      };
    } finally {
      trajectory.close();
    }
  };
}
