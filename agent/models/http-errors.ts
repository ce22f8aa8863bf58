import { ModelError } from './types.js';

// Maps a provider's HTTP failure to a typed ModelError. Both SDKs throw errors with the same shape
// (status, headers, parsed body), so one classifier serves every adapter.

export interface HttpFailure {
  provider: string;
  modelId: string;
  status: number | undefined;
  message: string;
  headers: Headers | undefined;
  /** Provider error type/code from the body, e.g. "overloaded_error", "context_length_exceeded". */
  codes: Array<string | null | undefined>;
  /** Name of the env variable holding the key, for hints. */
  keyVariable?: string;
}

// Wordings servers use when the prompt does not fit: Anthropic, OpenAI, vLLM, llama.cpp, TGI.
const contextOverflowPattern =
  /prompt is too long|context length|context window|context size|context limit|maximum context|too many tokens|exceed_context_size|input is too long/i;
const refusalPattern = /content_policy|content_filter|content management policy/i;

export function classifyHttpFailure(f: HttpFailure): ModelError {
  const codes = f.codes.filter((c): c is string => typeof c === 'string');
  const has = (code: string) => codes.includes(code);
  const retryAfterMs = parseRetryAfter(f.headers);
  const where = `${f.provider}/${f.modelId}`;
  const text = `${where}: ${f.status ?? 'no status'} ${f.message}`;
  const status = f.status;

  if (
    status === 401 ||
    status === 403 ||
    has('authentication_error') ||
    has('permission_error') ||
    has('invalid_api_key')
  ) {
    return new ModelError('auth', text, status, false, {
      hint: f.keyVariable
        ? `Check ${f.keyVariable}: the server rejected the key.`
        : 'Check the API key for this server.',
    });
  }
  if (status === 404 || has('not_found_error') || has('model_not_found')) {
    return new ModelError('not_found', text, status, false, {
      hint: `Check the model name "${where}" (and the base URL): the server does not know it.`,
    });
  }
  if (has('overloaded_error') || status === 529) {
    return new ModelError('overloaded', text, status, true, { retryAfterMs });
  }
  if (status === 429 || has('rate_limit_error')) {
    // OpenAI answers 429 when the account has no credit left: waiting does not help.
    if (has('insufficient_quota')) {
      return new ModelError('rate_limited', text, status, false, {
        hint: 'The account is out of quota; add credit or use another key.',
      });
    }
    return new ModelError('rate_limited', text, status, true, { retryAfterMs });
  }
  if (contextOverflowPattern.test(f.message) || has('context_length_exceeded') || status === 413) {
    return new ModelError('context_overflow', text, status, false, {
      hint: 'The conversation no longer fits the model context; a memory policy that trims history avoids this.',
    });
  }
  if (refusalPattern.test(f.message) || has('content_policy_violation') || has('content_filter')) {
    return new ModelError('refusal', text, status, false);
  }
  if (status === 408 || has('timeout_error')) return new ModelError('timeout', text, status, true, { retryAfterMs });
  if (status !== undefined && status >= 500) return new ModelError('server', text, status, true, { retryAfterMs });
  return new ModelError('bad_request', text, status, false, {
    hint: 'The provider rejected the request; the message above says which part.',
  });
}

/** retry-after-ms (OpenAI), retry-after in seconds, or retry-after as an HTTP date. */
export function parseRetryAfter(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && Number.isFinite(Number.parseFloat(ms))) return Math.max(0, Number.parseFloat(ms));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Shared handling of what SDKs throw that is not an HTTP status: connection failures and aborts. */
export function classifyTransportFailure(provider: string, modelId: string, error: Error): ModelError {
  const name = error.constructor?.name ?? error.name;
  if (/Timeout/.test(name))
    return new ModelError('timeout', `${provider}/${modelId}: ${error.message}`, undefined, true, { cause: error });
  if (/Abort/.test(name))
    return new ModelError('timeout', `${provider}/${modelId}: request aborted`, undefined, false, { cause: error });
  return new ModelError('network', `${provider}/${modelId}: ${error.message}`, undefined, true, {
    cause: error,
    hint: 'Could not reach the model server; check the base URL and the network.',
  });
}
