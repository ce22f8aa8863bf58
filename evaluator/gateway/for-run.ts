import { createModel, type CreateModelOptions } from '../../agent/models/registry.js';
import { Budget, budgetLimitsFromConfig } from './budget.js';
import { createGateway, type ModelCallSink, type ModelGateway } from './gateway.js';
import type { ModelPrice } from './prices.js';

// The usual wiring for one run: the genome's model name -> client -> gateway with the run's own budget and the
// generation's shared one, recording into the run's trajectory. The agent receives the returned gateway.

/** The parts of evolve.json this needs (lineage/config.ts Config fits). */
export interface GatewayConfig {
  models: { prices: Record<string, ModelPrice> };
  budgets: {
    runDollars?: number;
    runTokens?: number;
    runCalls?: number;
    generationDollars?: number;
    generationTokens?: number;
    generationCalls?: number;
  };
}

export interface RunGatewayOptions extends Pick<CreateModelOptions, 'timeoutMs' | 'maxRetries' | 'script' | 'offline'> {
  /** The genome's model name, e.g. "anthropic/claude-haiku-4-5" or "offline". */
  model: string;
  config: GatewayConfig;
  /** Names the run in budget errors, e.g. "run exp-03-a/task-7#1". */
  runLabel: string;
  /** Shared by all runs of the generation; make it once with generationBudget(config). */
  generationBudget?: Budget;
  sink?: ModelCallSink;
  /** Keys, base URLs, and what to redact; default process.env. */
  env?: Record<string, string | undefined>;
}

export interface RunGateway {
  model: ModelGateway;
  runBudget: Budget;
}

export async function openRunGateway(options: RunGatewayOptions): Promise<RunGateway> {
  const env = options.env ?? process.env;
  const inner = await createModel(options.model, {
    env,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    script: options.script,
    offline: options.offline,
  });
  const runBudget = new Budget(options.runLabel, budgetLimitsFromConfig(options.config.budgets, 'run'));
  const budgets = options.generationBudget ? [runBudget, options.generationBudget] : [runBudget];
  const model = createGateway(inner, { prices: options.config.models.prices, budgets, sink: options.sink, env });
  return { model, runBudget };
}

export function generationBudget(config: GatewayConfig, label: string): Budget {
  return new Budget(label, budgetLimitsFromConfig(config.budgets, 'generation'));
}
