import type { GenerateOptions, Model, ModelRequest, ModelResponse, RetryNotice } from './types.js';
import { ModelError } from './types.js';

// The one place model calls are retried and timed out. The SDKs' own retries are switched off (maxRetries: 0)
// so every attempt is visible here, reported through `onRetry`, and recorded by the gateway.

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server's retry-after longer than this is cut to it. */
  maxRetryAfterMs: number;
  /** Per attempt. */
  timeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  timeoutMs: 600_000,
};

export interface RetryDeps {
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
}

/** Exponential with "equal jitter": half the step is fixed, half random, so delays never collapse to 0. */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

export class RetryingModel implements Model {
  readonly provider: string;
  readonly modelId: string;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly inner: Model,
    policy: Partial<RetryPolicy> = {},
    private readonly deps: RetryDeps = { sleep: abortableSleep, random: Math.random },
  ) {
    this.provider = inner.provider;
    this.modelId = inner.modelId;
    this.policy = { ...defaultRetryPolicy, ...definedOnly(policy) };
  }

  async generate(request: ModelRequest, options: GenerateOptions = {}): Promise<ModelResponse> {
    for (let attempt = 1; ; attempt++) {
      let error: ModelError;
      try {
        return await this.attempt(request, options);
      } catch (thrown) {
        if (!(thrown instanceof ModelError)) throw thrown;
        error = thrown;
      }
      if (!error.retryable || attempt > this.policy.maxRetries || options.signal?.aborted) throw error;
      const delayMs = backoffDelay(attempt, this.policy, this.deps.random, error.retryAfterMs);
      const notice: RetryNotice = { attempt, kind: error.kind, message: error.message, delayMs };
      if (error.status !== undefined) notice.status = error.status;
      options.onRetry?.(notice);
      await this.deps.sleep(delayMs, options.signal);
      if (options.signal?.aborted) throw cancelled(this);
    }
  }

  /** One attempt under its own deadline; a deadline that fires becomes a retryable `timeout`. */
  private async attempt(request: ModelRequest, options: GenerateOptions): Promise<ModelResponse> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error('timeout')), this.policy.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
    try {
      return await this.inner.generate(request, { ...options, signal });
    } catch (error) {
      if (deadline.signal.aborted) {
        throw new ModelError(
          'timeout',
          `${this.provider}/${this.modelId}: no response within ${this.policy.timeoutMs} ms`,
          undefined,
          true,
          {
            cause: error,
          },
        );
      }
      if (options.signal?.aborted) throw cancelled(this);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

function cancelled(model: Model): ModelError {
  return new ModelError(
    'timeout',
    `${model.provider}/${model.modelId}: call cancelled by the caller`,
    undefined,
    false,
  );
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
