import SQLite from 'better-sqlite3';

// Writes a synthetic but realistic lineage straight into a workspace database (already migrated), for the TUI's
// tests and bench/tui. Raw prepared statements in one transaction: a million runs take seconds, not minutes.

export interface SeedOptions {
  experiments: number;
  /** Children per node; the tree is filled breadth-first. */
  branching: number;
  tasks: number;
  repeats: number;
  /**
   * A generation in progress, as `evolve next-generation` leaves it mid-way: the last experiment's parent has a
   * running generation; its children are evaluated, except the second-to-last (half its runs done, one task
   * running, the rest pending) and the last (proposed, waiting its turn, no runs yet).
   */
  live?: boolean;
  /** Every run's trajectory_path (write one with writeTrajectoryFixture); a path that does not exist otherwise. */
  trajectoryPath?: string;
  seed?: number;
}

/** The clock the live generation was seeded against: pass it as `now` to read ETAs that do not drift. */
export const SEED_NOW = new Date('2026-11-01T12:00:00.000Z');
const iso = (secBeforeNow: number) => new Date(SEED_NOW.getTime() - secBeforeNow * 1000).toISOString();

const letters = 'abcdefghijklmnopqrstuvwxyz';

export function seedLineage(file: string, o: SeedOptions): { ids: string[]; champion: string } {
  const sqlite = new SQLite(file);
  let state = o.seed ?? 7;
  const rand = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const at = '2026-11-01T10:00:00.000Z';
  const genome = (k: number) =>
    JSON.stringify({
      model: 'offline',
      planning: { name: 'none', params: {} },
      tools: { name: 'editor', params: {} },
      memory: { name: k % 2 ? 'window' : 'full', params: k % 2 ? { turns: 4 + (k % 5) } : {} },
      prompt: { name: 'detailed', params: {} },
      budgets: { steps: 30, wallClockSec: 600 },
    });
  const ids: string[] = [];
  const scores = new Map<string, number>();
  const insExp =
    sqlite.prepare(`insert into experiments (id, parent_id, generation, genome, genome_hash, change, change_summary, hypothesis, status, proposer, authored_by, score, score_lo, score_hi, cost_usd, flags, created_at)
    values (?, ?, ?, ?, ?, '{}', ?, ?, ?, 'systematic', ?, ?, ?, ?, ?, '[]', ?)`);
  const insEval = sqlite.prepare(
    `insert into evaluations (experiment_id, suite_id, split, stage, task_ids, repeats, status, config, created_at, finished_at) values (?, 'builtin', 'train', 'all', ?, ?, ?, '{}', ?, ?)`,
  );
  const taskIds = JSON.stringify(Array.from({ length: o.tasks }, (_, t) => `task-${String(t).padStart(3, '0')}`));
  const insRun =
    sqlite.prepare(`insert into runs (evaluation_id, experiment_id, task_id, repeat, status, outcome, exit_reason, attempts, input_tokens, output_tokens, cost_usd, duration_ms, trajectory_path, cluster_id, started_at, finished_at)
    values (?, ?, ?, ?, ?, ?, ?, 1, 1200, 300, ?, 20000, ?, ?, ?, ?)`);
  const insCluster = sqlite.prepare(
    `insert or ignore into failure_clusters (id, label, signature, first_seen_experiment, created_at, updated_at) values (?, ?, '{}', ?, ?, ?)`,
  );
  const clusters = [
    ['c-empty-patch', 'empty patch: submitted without changing code'],
    ['c-step-limit', 'step limit reached while re-running tests'],
    ['c-p2p-broken', 'fix broke PASS_TO_PASS tests'],
    ['c-loop', 'repeated identical command (loop)'],
  ] as const;
  const evaluating = o.live ? o.experiments - 2 : -1;
  const waiting = o.live ? o.experiments - 1 : -1;
  let liveParent: string | null = null;
  sqlite.transaction(() => {
    for (const [id, label] of clusters) insCluster.run(id, label, 'exp-01', at, at);
    const queue: Array<{ id: string; depth: number }> = [];
    const childName = (parent: string, i: number) => `${parent}-${letters[i % 26]}${i >= 26 ? Math.floor(i / 26) : ''}`;
    for (let n = 0; n < o.experiments; n++) {
      let id: string;
      let parent: string | null = null;
      let depth = 0;
      if (n === 0) id = 'exp-01';
      else {
        const p = queue[Math.floor((n - 1) / o.branching)]!;
        parent = p.id;
        depth = p.depth + 1;
        id = childName(p.id, (n - 1) % o.branching);
      }
      const base = parent ? scores.get(parent)! : 0.4;
      const score = Math.max(0, Math.min(1, base + (rand() - 0.45) * 0.1));
      scores.set(id, score);
      queue.push({ id, depth });
      ids.push(id);
      const isLive = n === evaluating;
      const isWaiting = n === waiting;
      if (isWaiting) liveParent = parent;
      const status = isWaiting ? 'proposed' : isLive ? 'evaluating' : n % 7 === 0 ? 'promoted' : 'evaluated';
      const scored = !isLive && !isWaiting;
      insExp.run(
        id,
        parent,
        depth,
        genome(n),
        `h${n}`,
        n === 0 ? 'root: baseline genome' : `memory: full -> window{turns:${4 + (n % 5)}}`,
        'A bounded window keeps the context focused.',
        status,
        n % 11 === 3 ? 'exp-01' : null,
        scored ? score : null,
        scored ? Math.max(0, score - 0.15) : null,
        scored ? Math.min(1, score + 0.15) : null,
        scored ? 0.004 * o.tasks * o.repeats : null,
        at,
      );
      if (isWaiting) continue;
      // Finished evaluations took ten minutes and ended twenty minutes before SEED_NOW; the live one began ten minutes ago.
      const evaluation = Number(
        insEval.run(
          id,
          taskIds,
          o.repeats,
          isLive ? 'running' : 'done',
          isLive ? iso(600) : iso(1800),
          isLive ? null : iso(1200),
        ).lastInsertRowid,
      );
      let k = 0;
      for (let t = 0; t < o.tasks; t++) {
        for (let r = 0; r < o.repeats; r++) {
          const pendingish = isLive && t >= o.tasks / 2;
          const resolved = rand() < score;
          const runStatus = pendingish ? (t === Math.floor(o.tasks / 2) ? 'running' : 'pending') : 'done';
          const started = isLive ? (runStatus === 'pending' ? null : iso(600 - k * 30)) : iso(1800);
          const finished = runStatus !== 'done' ? null : isLive ? iso(600 - k * 30 - 30) : iso(1200);
          k++;
          insRun.run(
            evaluation,
            id,
            `task-${String(t).padStart(3, '0')}`,
            r,
            runStatus,
            runStatus === 'done' ? (resolved ? 'resolved' : 'unresolved') : null,
            runStatus === 'done' ? 'submitted' : null,
            runStatus === 'done' ? 0.004 : null,
            o.trajectoryPath ?? `/nonexistent/${id}/${t}/${r}.jsonl`,
            runStatus === 'done' && !resolved ? clusters[(t + r) % clusters.length]![0] : null,
            started,
            finished,
          );
        }
      }
    }
    if (liveParent) {
      const children = ids.filter(
        (id) => id.startsWith(`${liveParent}-`) && id.split('-').length === liveParent!.split('-').length + 1,
      );
      sqlite
        .prepare(
          `insert into generations (id, parent_id, proposer, selector, rule, seed, status, config, started_at) values (1, ?, 'systematic', 'champion', 'paired-significant', 1, 'running', ?, ?)`,
        )
        .run(liveParent, JSON.stringify({ children }), iso(2400));
    }
    sqlite.prepare(`insert into champions (experiment_id, since) values ('exp-01', ?)`).run(at);
  })();
  const champion = [...scores.entries()]
    .filter(([id]) => id !== ids[evaluating] && id !== ids[waiting])
    .sort((a, b) => b[1] - a[1])[0]![0];
  sqlite.prepare(`insert into champions (experiment_id, since) values (?, ?)`).run(champion, at);
  sqlite.close();
  return { ids, champion };
}
