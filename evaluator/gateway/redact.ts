// Removes secrets from whatever the gateway records. Two nets: the exact values of secret-looking environment
// variables (so a key is caught wherever it shows up, even echoed by a tool), and patterns of well-known key
// formats (so a key that never was in our environment is caught too).

export const redactedMarker = '[REDACTED]';

const secretVariable = /(_KEY|_TOKEN|SECRET|PASSWORD)/i;
/** Values shorter than this are not treated as secrets: redacting "1" or "true" would shred the record. */
const minimumSecretLength = 8;

const keyPatterns: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{16,}/g, // OpenAI, Anthropic (sk-ant-...), most OpenAI-compatible hosts
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub tokens
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bxox[abpr]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bBearer\s+[A-Za-z0-9._~+/=-]{16,}/g,
];

export type Redactor = <T>(value: T) => T;

export function secretsFromEnv(env: Record<string, string | undefined>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => secretVariable.test(name) && value !== undefined && value.length >= minimumSecretLength)
    .map(([, value]) => value as string);
}

export function createRedactor(secrets: string[]): Redactor {
  // Longest first, so a secret that contains another is removed whole.
  const exact = [...new Set(secrets.filter((s) => s.length >= minimumSecretLength))].sort(
    (a, b) => b.length - a.length,
  );
  const redactString = (text: string): string => {
    let out = text;
    for (const secret of exact) out = out.split(secret).join(redactedMarker);
    for (const pattern of keyPatterns) out = out.replace(pattern, redactedMarker);
    return out;
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return redactString(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactString(k), walk(v)]));
    }
    return value;
  };
  return <T>(value: T) => walk(value) as T;
}

/**
 * Redacts by the values of the environment's secret variables (read now, so a key set later is covered) and by the
 * key patterns: for everything evolve writes outside the gateway (run results, patches, folders, exports).
 */
export function redactSecrets<T>(value: T, env: Record<string, string | undefined> = process.env): T {
  return createRedactor(secretsFromEnv(env))(value);
}
