import { summarizeRequest, type ModelCallEvent } from '../../agent/models/call-record.js';
import type {
  GenerateOptions,
  Model,
  ModelRequest,
  ModelResponse,
  RetryNotice,
  Usage,
} from '../../agent/models/types.js';
import { ModelError } from '../../agent/models/types.js';
import { addSpend, emptySpend, type Budget, type ModelSpend } from './budget.js';
import { costOf, findPrice, type ModelPrice } from './prices.js';
import { createRedactor, secretsFromEnv, type Redactor } from './redact.js';

// Every model call of a run passes through here: budgets are checked before the call, tokens and dollars are
// metered after it, and a redacted record of it goes to the run's trajectory through `sink`. The agent gets
// this object as its Model and never sees the client (or key) behind it.

export type ModelCallSink = (event: ModelCallEvent) => void;

export interface GatewayOptions {
  /** Price overrides by model name (evolve.json `models.prices`), on top of the built-in table. */
  prices?: Record<string, ModelPrice>;
  /** Checked before and charged after every call, e.g. [runBudget, generationBudget]. */
  budgets?: Budget[];
  /** Receives one event per call (successful or not), already redacted. */
  sink?: ModelCallSink;
  /** Values of *_KEY/*_TOKEN/*SECRET* variables here are redacted from records (default process.env). */
  env?: Record<string, string | undefined>;
  /** More strings to redact. */
  secrets?: string[];
  /** Purpose recorded when a request has none. */
  defaultPurpose?: string;
  now?: () => number;
}

export class ModelGateway implements Model {
  readonly provider: string;
  readonly modelId: string;
  /** What this gateway's calls cost, by purpose ("agent", "summarize", "proposer", ...). */
  readonly spendByPurpose = new Map<string, ModelSpend>();
  private seq = 0;
  private readonly redact: Redactor;
  private readonly price: ModelPrice | undefined;
  private readonly now: () => number;

  constructor(
    private readonly inner: Model,
    private readonly options: GatewayOptions = {},
  ) {
    this.provider = inner.provider;
    this.modelId = inner.modelId;
    this.redact = createRedactor([...secretsFromEnv(options.env ?? process.env), ...(options.secrets ?? [])]);
    this.price = findPrice(`${inner.provider}/${inner.modelId}`, options.prices);
    this.now = options.now ?? Date.now;
  }

  async generate(request: ModelRequest, options: GenerateOptions = {}): Promise<ModelResponse> {
    const purpose = request.purpose ?? this.options.defaultPurpose ?? 'agent';
    const seq = ++this.seq;
    const startedAt = this.now();
    const retries: RetryNotice[] = [];
    const record = (outcome: { response?: ModelResponse; error?: ModelError; costUsd?: number }) =>
      this.record({ seq, startedAt, purpose, request, retries, ...outcome });

    try {
      for (const budget of this.options.budgets ?? []) budget.check(purpose);
    } catch (error) {
      record({ error: error as ModelError });
      throw error;
    }

    let response: ModelResponse;
    try {
      response = await this.inner.generate(request, {
        ...options,
        onRetry: (notice) => {
          retries.push(notice);
          options.onRetry?.(notice);
        },
      });
    } catch (error) {
      // A failed call still counts as a call; its tokens are unknown.
      this.charge(purpose, undefined, undefined);
      record({ error: asModelError(error) });
      throw error;
    }
    const costUsd = costOf(response.usage, this.price);
    this.charge(purpose, response.usage, costUsd);
    record({ response, costUsd });
    // The loop checks the genome's own dollar budget from this (agent/usage-meter.ts responseCost).
    return costUsd === undefined ? response : Object.assign({}, response, { costUsd });
  }

  /** Total spend of this gateway across purposes. */
  get spent(): ModelSpend {
    const total = emptySpend();
    for (const s of this.spendByPurpose.values()) {
      total.calls += s.calls;
      total.tokens += s.tokens;
      total.dollars += s.dollars;
      total.unpricedCalls += s.unpricedCalls;
    }
    return total;
  }

  private charge(purpose: string, usage: Usage | undefined, costUsd: number | undefined): void {
    let spend = this.spendByPurpose.get(purpose);
    if (!spend) this.spendByPurpose.set(purpose, (spend = emptySpend()));
    addSpend(spend, usage, costUsd);
    for (const budget of this.options.budgets ?? []) budget.charge(purpose, usage, costUsd);
  }

  private record(call: {
    seq: number;
    startedAt: number;
    purpose: string;
    request: ModelRequest;
    retries: RetryNotice[];
    response?: ModelResponse;
    error?: ModelError;
    costUsd?: number;
  }): void {
    if (!this.options.sink) return;
    const event: ModelCallEvent = {
      type: 'model_call',
      at: new Date(call.startedAt).toISOString(),
      seq: call.seq,
      provider: this.provider,
      modelId: this.modelId,
      request: { ...summarizeRequest(call.request), purpose: call.purpose },
      usage: call.response?.usage ?? {},
      latencyMs: this.now() - call.startedAt,
      retries: call.retries,
    };
    if (call.response) event.response = call.response;
    if (call.error) {
      event.error = { kind: call.error.kind, message: call.error.message };
      if (call.error.status !== undefined) event.error.status = call.error.status;
    }
    if (call.costUsd !== undefined) event.costUsd = call.costUsd;
    this.options.sink(this.redact(event));
  }
}

function asModelError(error: unknown): ModelError {
  if (error instanceof ModelError) return error;
  return new ModelError('server', error instanceof Error ? error.message : String(error));
}

export function createGateway(inner: Model, options: GatewayOptions = {}): ModelGateway {
  return new ModelGateway(inner, options);
}
