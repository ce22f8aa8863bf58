import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { RemoteRuns } from '../evaluator/cluster/queued-pool.js';
import { RunQueue } from '../evaluator/cluster/queue.js';
import type { RunPayload } from '../evaluator/cluster/payload.js';
import { serveRuns, type WorkerEvent, type WorkerRuns } from '../evaluator/cluster/serve.js';
import { DirectoryStorage } from '../evaluator/cluster/storage.js';
import { SANDBOX_KINDS, type SandboxKind } from '../evaluator/sandbox/providers.js';
import type { Wiring } from '../evaluator/wiring.js';
import type { Task } from '../tasks/schema.js';
import type { Config } from './config.js';
import { workspaceWiring } from './evaluate-experiment.js';
import { kyselyRunStore } from './db/repos/run-store.js';
import { databaseTarget, openWorkspace, type Workspace, WorkspaceError } from './workspace.js';

// A cluster (evolve.json `cluster`): the orchestrator's queue for an evaluation, and `evolve worker`, which serves
// runs of any workspace on the shared volume with that workspace's own settings and database.

export type ClusterConfig = NonNullable<Config['cluster']>;

/**
 * The queue's Postgres: EVOLVE_CLUSTER_URL, else cluster.url, else the workspace's own database when that is Postgres
 * (so a lab on Postgres needs only `"cluster": {"storage": ...}`).
 */
export function clusterUrl(ws: Pick<Workspace, 'paths' | 'config'>, env: NodeJS.ProcessEnv = process.env): string {
  const url = env.EVOLVE_CLUSTER_URL?.trim() || ws.config.cluster?.url;
  if (url) return url;
  // The URL's own database, not a study replicate's (databaseName): one queue for the study and all its replicates.
  const { databaseName: _replicate, ...config } = ws.config;
  const own = databaseTarget(ws.paths, config, env);
  if (/^postgres(ql)?:\/\//i.test(own)) return own;
  throw new WorkspaceError(
    `${ws.paths.config}: cluster has no url and the workspace's database is the SQLite file ${own}`,
    'Set cluster.url (or EVOLVE_CLUSTER_URL) to a postgres:// URL, or put the workspace on Postgres (databaseUrl).',
  );
}

function queueOptions(url: string, cluster: ClusterConfig) {
  return {
    url,
    leaseSeconds: cluster.leaseSeconds,
    retries: cluster.retries,
    maintenanceSeconds: cluster.maintenanceSeconds,
  };
}

/** A workspace's key in the shared storage: its folder name and a hash of its path, so two labs never collide. */
export function storageKeyOf(root: string): string {
  const safe = basename(root).replace(/[^A-Za-z0-9_.-]/g, '_');
  return `${safe}-${createHash('sha256').update(root).digest('hex').slice(0, 8)}/runs`;
}

/**
 * The worker label a task's runs need: `cluster.labels["tag:T"]` for the first of its tags that has one (a task that
 * needs a GPU, an arm64 machine, a large disk), else `cluster.labels[suite]`; undefined: any worker.
 */
export function labelFor(labels: ClusterConfig['labels'], task: Pick<Task, 'suite' | 'tags'>): string | undefined {
  for (const tag of task.tags) {
    const label = labels[`tag:${tag}`];
    if (label) return label;
  }
  return labels[task.suite];
}

/** The queue an evaluation of this workspace hands its runs to. */
export async function openRemote(ws: Workspace, sandbox: SandboxKind): Promise<RemoteRuns> {
  const cluster = ws.config.cluster!;
  const queue = await RunQueue.open(queueOptions(clusterUrl(ws), cluster), (e) =>
    process.stderr.write(`cluster queue: ${e.message}\n`),
  );
  return {
    queue,
    workspace: ws.paths.root,
    sandbox,
    storageKey: storageKeyOf(ws.paths.root),
    labelOf: (task) => labelFor(cluster.labels, task),
    pollMs: cluster.pollMs,
  };
}

export interface WorkerOptions {
  /** The workspace the worker was started in: its cluster section names the queue and the storage. */
  home: Pick<Workspace, 'paths' | 'config'>;
  concurrency: number;
  labels?: string[];
  signal: AbortSignal;
  onEvent?(event: WorkerEvent): void;
}

/** `evolve worker`: serves queued runs until `signal` aborts, then closes every workspace and wiring it opened. */
export async function serveWorker(options: WorkerOptions): Promise<{ finished: number }> {
  const cluster = options.home.config.cluster;
  if (!cluster)
    throw new WorkspaceError(
      `${options.home.paths.config} has no "cluster" section: nothing to serve`,
      'Add {"cluster": {"storage": "/shared/dir"}} (and "url" unless the workspace database is Postgres).',
    );
  const storage = new DirectoryStorage(cluster.storage);
  const queue = await RunQueue.open(queueOptions(clusterUrl(options.home), cluster), (e) =>
    process.stderr.write(`cluster queue: ${e.message}\n`),
  );
  const workspaces = new Map<string, Promise<Workspace>>();
  const wirings = new Map<string, Promise<Wiring>>();
  const resolve = async (payload: RunPayload): Promise<WorkerRuns> => {
    let opening = workspaces.get(payload.workspace);
    if (!opening) {
      opening = openWorkspace(payload.workspace);
      workspaces.set(payload.workspace, opening);
      opening.catch(() => workspaces.delete(payload.workspace));
    }
    const ws = await opening;
    if (!(SANDBOX_KINDS as readonly string[]).includes(payload.sandbox))
      throw new WorkspaceError(
        `a queued run asks for sandbox ${payload.sandbox}, which this worker does not know`,
        `Known: ${SANDBOX_KINDS.join(', ')}.`,
      );
    const key = `${payload.workspace}\u0000${payload.sandbox}\u0000${payload.storageKey}`;
    let wiring = wirings.get(key);
    if (!wiring) {
      wiring = workspaceWiring(ws, payload.sandbox as SandboxKind, storage.runsDir(payload.storageKey));
      wirings.set(key, wiring);
    }
    return { store: kyselyRunStore(ws.db), runOne: (await wiring).runOne };
  };
  try {
    return await serveRuns({
      queue,
      concurrency: options.concurrency,
      ...(options.labels ? { labels: options.labels } : {}),
      resolve,
      signal: options.signal,
      idleMs: Math.min(cluster.pollMs, 500),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
  } finally {
    for (const w of wirings.values()) await (await w.catch(() => undefined))?.dispose?.();
    for (const w of workspaces.values()) await (await w.catch(() => undefined))?.close();
    await queue.close();
  }
}
