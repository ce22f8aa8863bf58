import { ModelPrice } from '../agent/models/price.js';
import { SANDBOX_KINDS } from '../evaluator/sandbox/providers.js';
import { z } from 'zod';
import { ImagesConfig } from '../evaluator/images/stand-ins.js';
import { SuiteEntry } from '../tasks/suite.js';
import { SweConfig } from '../tasks/swebench-env.js';
import { KEEP_OPEN } from './more-evidence.js';
import { RULES } from './promote.js';
import { PROPOSERS } from './proposers.js';
import { SELECTORS } from './select.js';

// The workspace config file (evolve.json). Every section has defaults, so `{}` is a valid config.

/** A name from a fixed list; a wrong one is reported with the value given and every known name. */
const oneOf = <T extends readonly [string, ...string[]]>(names: T, what: string) =>
  z.enum(names, { error: (iss) => `${JSON.stringify(iss.input)} is not a known ${what} (known: ${names.join(', ')})` });

export { ModelPrice };

export const Config = z.strictObject({
  version: z.literal(1).default(1),
  /**
   * The lineage database: a postgres://USER:PASSWORD@HOST:PORT/DATABASE URL. Absent: the workspace's own SQLite file
   * (evolve.db). EVOLVE_DATABASE_URL overrides it (keeps the password out of the file).
   */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//i, 'must be a postgres:// URL (leave it out for the SQLite file evolve.db)')
    .optional(),
  /**
   * The database to use on the server of databaseUrl / EVOLVE_DATABASE_URL instead of the one the URL names. A study
   * writes it into each root's and replicate's evolve.json, so each has a lineage database of its own on the study's
   * server whichever way the URL is given. Ignored on SQLite (no URL): the workspace's own evolve.db is already its own.
   */
  databaseName: z
    .string()
    .regex(/^[a-z0-9_]{1,63}$/, 'must be a Postgres database name: 1-63 of a-z, 0-9 and _')
    .optional(),
  defaults: z
    .strictObject({
      suite: z.string().default('builtin'),
      split: z.enum(['train', 'heldout']).default('train'),
      repeats: z.number().int().positive().default(1),
      /** Parallel runs; default derives from cores and memory. */
      concurrency: z.number().int().positive().optional(),
      sandbox: z.enum(SANDBOX_KINDS).default('docker'),
    })
    .prefault({}),
  models: z
    .strictObject({
      /** Price overrides per model name, on top of the built-in table. */
      prices: z.record(z.string(), ModelPrice).default({}),
    })
    .prefault({}),
  budgets: z
    .strictObject({
      runDollars: z.number().positive().optional(),
      runTokens: z.number().int().positive().optional(),
      runCalls: z.number().int().positive().optional(),
      generationDollars: z.number().positive().optional(),
      generationTokens: z.number().int().positive().optional(),
      generationCalls: z.number().int().positive().optional(),
      /** The champion's authoring of code children, per generation (all its authoring runs together). */
      authorDollars: z.number().positive().optional(),
      authorTokens: z.number().int().positive().optional(),
      authorCalls: z.number().int().positive().optional(),
    })
    .prefault({}),
  lineage: z
    .strictObject({
      children: z.number().int().positive().default(3),
      proposer: oneOf(PROPOSERS, 'proposer').default('systematic'),
      /** The model the `model` proposer asks, e.g. "anthropic/claude-haiku-4-5" (falls back to systematic when unset). */
      proposerModel: z.string().min(1).optional(),
      select: oneOf(SELECTORS, 'parent selection strategy').default('champion'),
      rule: oneOf(RULES, 'promotion rule').default('paired-significant'),
      margin: z.number().default(0),
      /** Constraint: a child costing more dollars per run than this is discarded, whatever its score. */
      maxCostPerTask: z.number().nonnegative().optional(),
      /** pareto/lexicographic: cost (dollars per run) and token differences up to these count as equal. */
      tolerance: z
        .strictObject({ cost: z.number().nonnegative().default(0), tokens: z.number().nonnegative().default(0) })
        .prefault({}),
      /** Adaptive evidence: when the best child looks better but is inconclusive, up to this many extra rounds run it
       * and the champion at double the repeats each, then the rule decides on the pooled runs (0 = off). */
      evidenceRounds: z.number().int().nonnegative().default(4),
      /** Evidence pooled across generations: a child's looks (its first, then one per doubling of its repeats, in its
       * generation or later ones) go up to this many doublings; the level of its generation is spent over them. */
      maxLooks: z.number().int().nonnegative().default(8),
      /** How many open children (inconclusive, looked better, against the same champion) a generation re-offers one
       * look higher, their runs kept, before proposing new ones (0 = a child is decided in its own generation only). */
      reoffer: z.number().int().nonnegative().default(2),
      /** Which children not promoted stay open for re-offers: those that looked better, or every one not refuted
       * (lineage/more-evidence.ts staysOpen). */
      keepOpen: oneOf(KEEP_OPEN, 'keepOpen value').default('not-refuted'),
      /** Held-out confirmation (a one-sided superiority test on the whole held-out split): its level, and repeats per
       * held-out task when the model is stochastic (a deterministic one runs 1). */
      heldoutAlpha: z.number().gt(0).lt(1).default(0.05),
      heldoutRepeats: z.number().int().positive().default(2),
      /** Offer first the changes that looked better (kept siblings' changes on the parent, pairs of kept children). */
      combine: z.boolean().default(false),
      /** The order a parent's untried one-change variants are offered in: 'fixed' (the proposer's own), or 'evidence'
       * (changes that looked better from any parent first, then untried ones, then those that looked no better:
       * lineage/change-evidence.ts). */
      order: z.enum(['fixed', 'evidence']).default('evidence'),
      /** Keep every Nth child regardless of the rule (0 = never). */
      exploreEvery: z.number().int().nonnegative().default(0),
      /** Paths a code variant may change. */
      mutableSurface: z.array(z.string()).default(['agent/policies/**', 'agent/prompts/**']),
    })
    .prefault({}),
  /**
   * Extra suites: name -> path of a SWE-bench instance file, a Terminal-Bench checkout or a Harbor dataset folder;
   * or { path, agentUser?, agentTimeoutSec?, testTimeoutSec? } to run its tasks under those settings.
   */
  suites: z.record(z.string(), SuiteEntry).default({}),
  /** Base images: pattern -> local stand-in recipe (a name or a Dockerfile path), and whether to try a pull first. */
  images: ImagesConfig,
  /** SWE-bench environments beyond the upstream instance images: repo -> local clone, "repo@version" -> image/recipe. */
  swebench: SweConfig,
  /**
   * Distributed evaluation: when set, eval / next-generation / run / study run queue their runs on this Postgres
   * (pg-boss) for `evolve worker` processes, and follow them in the workspace database.
   */
  cluster: z
    .strictObject({
      /** The queue's Postgres (postgres://USER:PASSWORD@HOST:PORT/DB); absent: the workspace's own Postgres database
       * (databaseUrl / EVOLVE_DATABASE_URL). EVOLVE_CLUSTER_URL overrides it. */
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//i, { error: 'must be a postgres:// or postgresql:// URL' })
        .optional(),
      /** A folder every worker and the orchestrator mount at the same path: trajectories, patches and logs go there. */
      storage: z.string().min(1),
      /** A worker renews its hold on a run every third of this; a dead worker's run goes to another within it. */
      leaseSeconds: z.number().int().min(2).default(60),
      /** How many times a run whose worker died is handed out again. */
      retries: z.number().int().nonnegative().default(3),
      /** How often lapsed leases are looked for, and how often the orchestrator reads progress. */
      maintenanceSeconds: z.number().int().positive().default(5),
      pollMs: z.number().int().positive().default(500),
      /** Suite (or `tag:T`, the tasks tagged T; a tag wins over the suite) -> worker label: those runs go only to
       * workers started with `--labels LABEL`; the rest to workers serving `default` (no --labels). */
      labels: z.record(z.string(), z.string().regex(/^[A-Za-z0-9_]+$/)).default({}),
    })
    .optional(),
  grading: z
    .strictObject({
      /** A run flagged for tampering with its grader (shadowing files, rewritten tests, a replaced interpreter) counts
       * as unresolved for every rule; false keeps the tests' verdict (the flag stays on the run and experiment). */
      flaggedRunsUnresolved: z.boolean().default(true),
    })
    .prefault({}),
});
export type Config = z.infer<typeof Config>;
