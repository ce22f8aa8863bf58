import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';

// The cluster's job queue: pg-boss on Postgres. One queue per worker label (`runs`, `runs-gpu`, ...). A job is
// fetched with FOR UPDATE SKIP LOCKED (no two workers take it), leased for `leaseSeconds` (pg-boss's expireIn):
// a worker renews the lease while the run lives (renew()); one that dies stops renewing, and at the next
// maintenance pass after the lease lapses the job is handed out again.
// Job ids are derived from what they run, so enqueueing the same run twice inserts one job.

export const QUEUE_SCHEMA = 'evolve_queue';

export interface QueueOptions {
  url: string;
  /** How long a fetched job is held before it is handed out again (longer than any run takes). */
  leaseSeconds: number;
  /** How many times an expired job is handed out again before pg-boss gives up on it. */
  retries: number;
  /** How often lapsed leases are looked for (any process with the queue open may do it; one at a time does). */
  maintenanceSeconds?: number;
}

export interface Job<T> {
  id: string;
  queue: string;
  data: T;
}

export function queueName(label?: string): string {
  return label ? `runs-${label}` : 'runs';
}

/** A stable uuid for a string, so a job's id names what it runs. */
export function jobId(of: string): string {
  const h = createHash('sha256').update(of).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class RunQueue {
  private readonly known = new Set<string>();
  private constructor(
    private readonly boss: PgBoss,
    private readonly options: QueueOptions,
  ) {}

  static async open(options: QueueOptions, onError?: (error: Error) => void): Promise<RunQueue> {
    const boss = new PgBoss({
      connectionString: options.url,
      schema: QUEUE_SCHEMA,
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: options.maintenanceSeconds ?? 5,
      max: 4,
    });
    // pg-boss reports background failures (a lost connection) as events; an unheard 'error' would crash the process.
    boss.on('error', (error) => onError?.(error));
    await boss.start();
    return new RunQueue(boss, options);
  }

  private async ensure(queue: string): Promise<void> {
    if (this.known.has(queue)) return;
    await this.boss.createQueue(queue, {
      name: queue,
      expireInSeconds: this.options.leaseSeconds,
      retryLimit: this.options.retries,
      retryDelay: 0,
    });
    this.known.add(queue);
  }

  /** Inserts the jobs; one whose id is already there (queued, running or finished) is left as it is. */
  async enqueue<T extends object>(jobs: Job<T>[]): Promise<void> {
    for (const queue of new Set(jobs.map((j) => j.queue))) await this.ensure(queue);
    if (jobs.length === 0) return;
    await this.boss.insert(
      jobs.map((j) => ({
        id: j.id,
        name: j.queue,
        data: j.data,
        expireInSeconds: this.options.leaseSeconds,
        retryLimit: this.options.retries,
        retryDelay: 0,
      })),
    );
  }

  /** Takes up to `max` jobs from the queue, each leased to this process. */
  async fetch<T>(queue: string, max: number): Promise<Job<T>[]> {
    await this.ensure(queue);
    const jobs = await this.boss.fetch<T>(queue, { batchSize: max });
    return jobs.map((j) => ({ id: j.id, queue, data: j.data }));
  }

  /**
   * Renews the lease of jobs this process is running (pg-boss has no heartbeat of its own: a job's lease runs from
   * its start). A worker renews every third of the lease; one that died stops, and its jobs lapse within a lease.
   */
  async renew(queue: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.boss
      .getDb()
      .executeSql(
        `UPDATE ${QUEUE_SCHEMA}.job SET started_on = now() WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active'`,
        [queue, ids],
      );
  }

  get leaseSeconds(): number {
    return this.options.leaseSeconds;
  }

  async complete(queue: string, id: string): Promise<void> {
    await this.boss.complete(queue, id);
  }

  async fail(queue: string, id: string, message: string): Promise<void> {
    await this.boss.fail(queue, id, { message });
  }

  /** Takes queued jobs back (an interrupted or stopped evaluation); a job already running is left to finish. */
  async cancel(queue: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.ensure(queue);
    await this.boss.getDb().executeSql(
      `UPDATE ${QUEUE_SCHEMA}.job SET state = 'cancelled', completed_on = now()
       WHERE name = $1 AND id = ANY($2::uuid[]) AND state IN ('created', 'retry')`,
      [queue, ids],
    );
  }

  /** Counts of the queue's jobs by state (for the bench and tests). */
  async states(queue: string): Promise<Record<string, number>> {
    const { rows } = await this.boss
      .getDb()
      .executeSql(`SELECT state, count(*)::int AS n FROM ${QUEUE_SCHEMA}.job WHERE name = $1 GROUP BY state`, [queue]);
    return Object.fromEntries(rows.map((r: { state: string; n: number }) => [r.state, r.n]));
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true, close: true });
  }
}
