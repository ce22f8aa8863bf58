import { type Kysely, sql } from 'kysely';
import type {
  EvaluationSpec,
  EvaluationStatus,
  RunKey,
  RunOwner,
  RunResult,
  RunStatus,
  RunStore,
  StaleCheck,
  StoredRun,
} from '../../../evaluator/store.js';
import { dialectOf } from '../dialect.js';
import { type Db, now } from '../open.js';
import type { Database, Run } from '../schema.js';

// The evaluator's RunStore on the workspace database. Each method is one short statement or transaction, so
// several processes can share the database (WAL, busy timeout) and a kill at any point leaves rows that the
// next run can repair: `running` rows of dead workers go back to pending, done rows are never touched again.

/** The advisory lock that stands for SQLite's write lock on Postgres (any fixed number; 'evolv' in ASCII). */
const WRITE_LOCK = 0x65766f6c76;

/**
 * A write transaction that takes the write lock up front (BEGIN IMMEDIATE). A deferred transaction that reads
 * then writes fails at once with SQLITE_BUSY when another process wrote in between; this one waits its turn. On
 * Postgres the same turn-taking is a transaction-scoped advisory lock, so a read-then-insert never races another.
 */
async function immediate<T>(db: Db, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (dialectOf(db) === 'postgres')
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${WRITE_LOCK})`.execute(trx);
      return fn(trx);
    });
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const value = await fn(conn);
      await sql`commit`.execute(conn);
      return value;
    } catch (error) {
      await sql`rollback`.execute(conn);
      throw error;
    }
  });
}

const keyOf = (k: RunKey) => `${k.suiteId}\u0000${k.taskId}\u0000${k.content}\u0000${k.repeat}`;

/** Restricts a runs query to one owner's rows. */
function ownedBy<Q extends { where: (...args: any[]) => Q }>(q: Q, owner: RunOwner): Q {
  return q
    .where('experiment_id', '=', owner.experimentId)
    .where('actor', '=', owner.actor)
    .where('genome_hash', '=', owner.genomeHash)
    .where('code', '=', owner.code);
}

function toStored(r: Run): StoredRun {
  return {
    id: r.id,
    evaluationId: r.evaluation_id,
    experimentId: r.experiment_id,
    actor: r.actor,
    genomeHash: r.genome_hash,
    code: r.code,
    suiteId: r.suite_id,
    taskId: r.task_id,
    content: r.task_content,
    repeat: r.repeat,
    status: r.status,
    outcome: r.outcome,
    exitReason: r.exit_reason,
    infraError: r.infra_error ? (JSON.parse(r.infra_error) as StoredRun['infraError']) : null,
    attempts: r.attempts,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    costUsd: r.cost_usd,
    durationMs: r.duration_ms,
    steps: r.steps,
    trajectoryPath: r.trajectory_path,
    patchPath: r.patch_path,
    report: r.report ? (JSON.parse(r.report) as unknown) : null,
    worker: r.worker,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** Every column of a run but its report (a grading report can be large; progress needs none of it). */
const PROGRESS_COLUMNS = [
  'id',
  'evaluation_id',
  'experiment_id',
  'actor',
  'genome_hash',
  'code',
  'suite_id',
  'task_id',
  'task_content',
  'repeat',
  'status',
  'outcome',
  'exit_reason',
  'infra_error',
  'attempts',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cost_usd',
  'duration_ms',
  'steps',
  'trajectory_path',
  'patch_path',
  'worker',
  'started_at',
  'finished_at',
] as const satisfies readonly (keyof Run)[];

export function kyselyRunStore(db: Db): RunStore {
  return {
    async openEvaluation(spec: EvaluationSpec): Promise<number> {
      const taskIds = JSON.stringify(spec.taskIds);
      const config = JSON.stringify(spec.config);
      return immediate(db, async (trx) => {
        const open = await ownedBy(trx.selectFrom('evaluations').select('id'), spec.owner)
          .where('suite_id', '=', spec.suiteId)
          .where('stage', '=', spec.stage)
          .where('task_ids', '=', taskIds)
          .where('repeats', '=', spec.repeats)
          .where('status', 'in', ['running', 'stopped', 'failed'])
          .orderBy('id', 'desc')
          .executeTakeFirst();
        if (open) {
          await trx
            .updateTable('evaluations')
            .set({ status: 'running', config, finished_at: null })
            .where('id', '=', open.id)
            .execute();
          return open.id;
        }
        const row = await trx
          .insertInto('evaluations')
          .values({
            experiment_id: spec.owner.experimentId,
            actor: spec.owner.actor,
            genome_hash: spec.owner.genomeHash,
            code: spec.owner.code,
            suite_id: spec.suiteId,
            split: spec.split,
            stage: spec.stage,
            task_ids: taskIds,
            repeats: spec.repeats,
            status: 'running',
            config,
            created_at: now(),
            finished_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        return row.id;
      });
    },

    async finishEvaluation(
      evaluationId: number,
      status: EvaluationStatus,
      extra: Record<string, unknown>,
    ): Promise<void> {
      await immediate(db, async (trx) => {
        const row = await trx
          .selectFrom('evaluations')
          .select('config')
          .where('id', '=', evaluationId)
          .executeTakeFirstOrThrow();
        const config = { ...(JSON.parse(row.config) as Record<string, unknown>), ...extra };
        await trx
          .updateTable('evaluations')
          .set({ status, config: JSON.stringify(config), finished_at: status === 'running' ? null : now() })
          .where('id', '=', evaluationId)
          .execute();
      });
    },

    async ensureRuns(evaluationId: number, owner: RunOwner, keys: RunKey[]): Promise<void> {
      await immediate(db, async (trx) => {
        for (const k of keys) {
          await trx
            .insertInto('runs')
            .values({
              evaluation_id: evaluationId,
              experiment_id: owner.experimentId,
              actor: owner.actor,
              genome_hash: owner.genomeHash,
              code: owner.code,
              suite_id: k.suiteId,
              task_id: k.taskId,
              task_content: k.content,
              repeat: k.repeat,
              status: 'pending',
              attempts: 0,
            })
            .onConflict((oc) =>
              oc
                .columns([
                  'experiment_id',
                  'actor',
                  'genome_hash',
                  'code',
                  'suite_id',
                  'task_id',
                  'task_content',
                  'repeat',
                ])
                .doNothing(),
            )
            .execute();
          await ownedBy(trx.updateTable('runs').set({ evaluation_id: evaluationId }), owner)
            .where('suite_id', '=', k.suiteId)
            .where('task_id', '=', k.taskId)
            .where('task_content', '=', k.content)
            .where('repeat', '=', k.repeat)
            .where('status', 'in', ['pending', 'cancelled', 'error'])
            .execute();
        }
      });
    },

    async resetStale(experimentId: string, check: StaleCheck): Promise<number> {
      const running = await db
        .selectFrom('runs')
        .select(['id', 'worker', 'started_at'])
        .where('experiment_id', '=', experimentId)
        .where('status', '=', 'running')
        .execute();
      let reset = 0;
      for (const r of running.filter((r) => check.isStale(r.worker, r.started_at))) {
        // Guarded on the worker seen, so a row claimed again in between is left alone.
        const res = await db
          .updateTable('runs')
          .set({ status: 'pending', worker: null })
          .where('id', '=', r.id)
          .where('status', '=', 'running')
          .where((eb) => (r.worker === null ? eb('worker', 'is', null) : eb('worker', '=', r.worker)))
          .executeTakeFirst();
        reset += Number(res.numUpdatedRows);
      }
      const back: RunStatus[] = check.retryErrors ? ['cancelled', 'error'] : ['cancelled'];
      const res = await db
        .updateTable('runs')
        .set({ status: 'pending', worker: null })
        .where('experiment_id', '=', experimentId)
        .where('status', 'in', back)
        .executeTakeFirst();
      return reset + Number(res.numUpdatedRows);
    },

    async claim(evaluationId: number, worker: string): Promise<StoredRun | undefined> {
      // One UPDATE ... WHERE id = (SELECT ... LIMIT 1): atomic in SQLite, so two workers never take the same row. On
      // Postgres the inner select skips rows another claim has locked, so a concurrent claim takes the next pending
      // row instead of finding its pick gone and reporting none left.
      const postgres = dialectOf(db) === 'postgres';
      const row = await db
        .updateTable('runs')
        .set({ status: 'running', worker, attempts: sql<number>`attempts + 1`, started_at: now(), finished_at: null })
        .where('id', '=', (eb) => {
          const next = eb
            .selectFrom('runs')
            .select('id')
            .where('evaluation_id', '=', evaluationId)
            .where('status', '=', 'pending')
            .orderBy('repeat')
            .orderBy('id')
            .limit(1);
          return postgres ? next.forUpdate().skipLocked() : next;
        })
        .where('status', '=', 'pending')
        .returningAll()
        .executeTakeFirst();
      return row ? toStored(row) : undefined;
    },

    async complete(
      runId: number,
      worker: string,
      status: Exclude<RunStatus, 'running'>,
      result: RunResult,
    ): Promise<void> {
      await db
        .updateTable('runs')
        .set({
          status,
          outcome: result.outcome,
          exit_reason: result.exitReason,
          infra_error: result.infraError ? JSON.stringify(result.infraError) : null,
          input_tokens: result.inputTokens ?? null,
          output_tokens: result.outputTokens ?? null,
          cache_read_tokens: result.cacheReadTokens ?? null,
          cache_write_tokens: result.cacheWriteTokens ?? null,
          cost_usd: result.costUsd ?? null,
          duration_ms: Math.round(result.durationMs),
          steps: result.steps ?? null,
          trajectory_path: result.trajectoryPath ?? null,
          patch_path: result.patchPath ?? null,
          report: result.report === undefined ? null : JSON.stringify(result.report),
          worker: status === 'pending' ? null : worker,
          finished_at: status === 'pending' ? null : now(),
        })
        .where('id', '=', runId)
        .where('status', '=', 'running')
        .where('worker', '=', worker)
        .execute();
    },

    async listEvaluation(evaluationId: number): Promise<StoredRun[]> {
      // Read every poll of a queued evaluation: everything but the grading report, which progress never needs.
      const rows = await db
        .selectFrom('runs')
        .select(PROGRESS_COLUMNS)
        .select(sql<null>`null`.as('report'))
        .where('evaluation_id', '=', evaluationId)
        .orderBy('id')
        .execute();
      return rows.map((r) => toStored(r as Run));
    },

    async claimRun(runId: number, worker: string, job: string): Promise<StoredRun | undefined> {
      const row = await db
        .updateTable('runs')
        .set({ status: 'running', worker, attempts: sql<number>`attempts + 1`, started_at: now(), finished_at: null })
        .where('id', '=', runId)
        .where((eb) =>
          eb.or([
            eb('status', '=', 'pending'),
            eb.and([eb('status', '=', 'running'), eb('worker', 'like', `%#${job}`)]),
          ]),
        )
        .returningAll()
        .executeTakeFirst();
      return row ? toStored(row) : undefined;
    },

    async list(owner: RunOwner, keys?: RunKey[]): Promise<StoredRun[]> {
      const rows = await ownedBy(db.selectFrom('runs').selectAll(), owner)
        .orderBy('repeat')
        .orderBy('task_id')
        .execute();
      if (!keys) return rows.map(toStored);
      const wanted = new Set(keys.map(keyOf));
      return rows
        .filter((r) =>
          wanted.has(keyOf({ suiteId: r.suite_id, taskId: r.task_id, content: r.task_content, repeat: r.repeat })),
        )
        .map(toStored);
    },
  };
}

/** The experiment's own runs (actor `agent`: its genome, not a solver or a model override), in key order. */
export async function agentRunsOf(db: Db, experimentId: string): Promise<StoredRun[]> {
  const rows = await db
    .selectFrom('runs')
    .selectAll()
    .where('experiment_id', '=', experimentId)
    .where('actor', '=', 'agent')
    .orderBy('repeat')
    .orderBy('suite_id')
    .orderBy('task_id')
    .execute();
  return rows.map(toStored);
}
