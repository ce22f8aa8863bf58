// The model gateway: metering, budgets, redaction and trajectory recording around any Model.
export { createGateway, ModelGateway, type GatewayOptions, type ModelCallSink } from './gateway.js';
export { Budget, budgetLimitsFromConfig, type BudgetLimits, type BudgetOptions, type ModelSpend } from './budget.js';
export { builtinPrices, costOf, findPrice, ModelPrice } from './prices.js';
export { createRedactor, redactedMarker, redactSecrets, secretsFromEnv } from './redact.js';
export type { ModelCallEvent } from '../../agent/models/call-record.js';
export {
  generationBudget,
  openRunGateway,
  type GatewayConfig,
  type RunGateway,
  type RunGatewayOptions,
} from './for-run.js';
