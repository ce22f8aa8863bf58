import { z } from 'zod';
import { RULES } from '../promote.js';
import { PROPOSERS } from '../proposers.js';
import { SELECTORS } from '../select.js';

// A study's conditions: `NAME: key=value, key=value`, each an independent setting of the loop (proposer, selection,
// promotion rule, model, the proposer's model, suite, budget, ...). Replicates of a condition differ only in seed.

const oneOf = <T extends readonly [string, ...string[]]>(names: T, what: string) =>
  z.enum(names, { error: (iss) => `${JSON.stringify(iss.input)} is not a known ${what} (known: ${names.join(', ')})` });
const wholeNumber = (min: number) => z.coerce.number().int().min(min);
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** What a condition may set; every key is optional (the study's, then the workspace's, settings fill the rest). */
export const ConditionSettings = z.strictObject({
  proposer: oneOf(PROPOSERS, 'proposer').optional(),
  proposerModel: z.string().min(1).optional(),
  /** `champion`: the champion writes the children (lineage/authoring), as code or as genome children (authorMode). */
  author: z.enum(['champion']).optional(),
  authorMode: z.enum(['code', 'genome']).optional(),
  select: oneOf(SELECTORS, 'parent selection strategy').optional(),
  rule: oneOf(RULES, 'promotion rule').optional(),
  margin: z.coerce.number().optional(),
  /** The root genome's model: every replicate of the condition starts from exp-01 with this model. */
  model: z.string().min(1).optional(),
  suite: z.string().min(1).optional(),
  /** Dollars per replicate (all its generations, proposer calls included). */
  budget: z.coerce.number().positive().optional(),
  children: wholeNumber(1).optional(),
  evidenceRounds: wholeNumber(0).optional(),
  combine: z.union([z.boolean(), flag]).optional(),
  subset: wholeNumber(1).optional(),
  repeats: wholeNumber(1).optional(),
});
export type ConditionSettings = z.infer<typeof ConditionSettings>;

export const Condition = z.object({
  name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/),
  settings: ConditionSettings,
});
export type Condition = z.infer<typeof Condition>;

/** What `evolve study create` stores: the conditions and what every condition shares. */
export const StudyConfig = z.object({
  conditions: z.array(Condition).min(1),
  replicates: z.number().int().positive(),
  generations: z.number().int().positive(),
  /** Replicate k of the i-th condition gets seed + 1000 * k (the same seeds across conditions: paired replicates). */
  seed: z.number().int(),
  /** Shared settings (a condition's own override them). */
  shared: ConditionSettings,
  concurrency: z.number().int().positive().optional(),
  sandbox: z.enum(['docker', 'local']).optional(),
});
export type StudyConfig = z.infer<typeof StudyConfig>;

export class ConditionError extends Error {
  override readonly name = 'ConditionError';
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly hint = 'Write a condition as "NAME: key=value, key=value", e.g. "random: proposer=random".',
  ) {
    super(message);
  }
}

/** Parses `--condition "random: proposer=random, children=2"`; an error names the flag, the condition and the key. */
export function parseCondition(text: string): Condition {
  const where = `--condition ${JSON.stringify(text)}`;
  const colon = text.indexOf(':');
  const name = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name))
    throw new ConditionError(`${where}: the name ${JSON.stringify(name)} must be letters, digits, '.', '_' or '-'`);
  const raw: Record<string, string> = {};
  const body = colon < 0 ? '' : text.slice(colon + 1);
  for (const pair of body.split(/[,\s]+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConditionError(`${where}: ${JSON.stringify(pair)} is not key=value`);
    raw[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { name, settings: parseSettings(raw, where) };
}

export function parseSettings(raw: Record<string, unknown>, where: string): ConditionSettings {
  const parsed = ConditionSettings.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.');
    const known = Object.keys(ConditionSettings.shape).join(', ');
    throw new ConditionError(
      issue.code === 'unrecognized_keys'
        ? `${where}: unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (known: ${known})`
        : `${where}: ${key}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** The settings a replicate of `condition` runs under: the condition's own over the study's shared ones. */
export function settingsOf(config: StudyConfig, condition: string): ConditionSettings {
  const c = config.conditions.find((x) => x.name === condition);
  if (!c) throw new ConditionError(`no condition ${JSON.stringify(condition)} in this study`);
  return { ...config.shared, ...c.settings };
}

export function replicateSeed(config: StudyConfig, replicate: number): number {
  return config.seed + 1000 * replicate;
}
