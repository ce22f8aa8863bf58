import { RunQueue } from '../../evaluator/cluster/queue.js';
import { serveRuns } from '../../evaluator/cluster/serve.js';
import { kyselyRunStore } from '../db/repos/run-store.js';
import { openWorkspace, type Workspace } from '../workspace.js';
import { scriptedRunOne } from './scripted-runs.js';

// A cluster worker process whose runs are scripted (lineage/testing/scripted-runs.ts): the real queue, claim path and
// store, without sandboxes. Usage: node --import tsx scripted-worker.ts URL CONCURRENCY RUN_MS LEASE_S [LOG [LABELS
// [TEARDOWN_MS]]] (LABELS comma-separated, as `evolve worker --labels`; TEARDOWN_MS: how long a cancelled run takes
// to wind down). Prints "ready" once it serves; SIGINT or SIGTERM stops it (runs in flight go back to pending).

const [url, concurrency, ms, lease, log, labels, teardown] = process.argv.slice(2);
const queue = await RunQueue.open({ url: url!, leaseSeconds: Number(lease), retries: 5, maintenanceSeconds: 1 });
const workspaces = new Map<string, Promise<Workspace>>();
const stop = new AbortController();
process.on('SIGTERM', () => stop.abort());
process.on('SIGINT', () => stop.abort());
const runOne = scriptedRunOne(Number(ms), log || undefined, Number(teardown ?? 0));
process.stdout.write('ready\n');
const { finished } = await serveRuns({
  queue,
  concurrency: Number(concurrency),
  ...(labels ? { labels: labels.split(',') } : {}),
  signal: stop.signal,
  idleMs: 100,
  resolve: async (payload) => {
    let ws = workspaces.get(payload.workspace);
    if (!ws) workspaces.set(payload.workspace, (ws = openWorkspace(payload.workspace)));
    return { store: kyselyRunStore((await ws).db), runOne };
  },
});
for (const ws of workspaces.values()) await (await ws).close();
await queue.close();
process.stdout.write(`finished ${finished}\n`);
