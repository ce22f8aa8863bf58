import { z } from 'zod';
import { ModelNameError } from '../provider.js';
import { ModelError } from '../types.js';

const modelId = z.string().min(1, 'the model id after "/" is empty').regex(/^\S+$/, 'the model id contains spaces');

/** The model id after `<provider>/`, checked. */
export function readModelId(rest: string | undefined, name: string): string {
  if (rest === undefined) throw new ModelNameError(`model "${name}": no model id; expected "<provider>/<model>"`);
  const parsed = modelId.safeParse(rest);
  if (!parsed.success) throw new ModelNameError(`model "${name}": ${parsed.error.issues[0]?.message} (got "${rest}")`);
  return parsed.data;
}

export function requireKey(env: Record<string, string | undefined>, variable: string, name: string): string {
  const key = env[variable];
  if (key) return key;
  throw new ModelError('auth', `model "${name}" needs ${variable}, which is not set`, undefined, false, {
    hint: `Export ${variable}, or run with --model offline to work without a key.`,
  });
}
