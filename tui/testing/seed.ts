import SQLite from 'better-sqlite3';

// Writes a synthetic but realistic lineage straight into a workspace database (already migrated), for the TUI's
// tests and bench/tui. Raw prepared statements in one transaction: a million runs take seconds, not minutes.

export interface SeedOptions {
  experiments: number;
  /** Children per node; the tree is filled breadth-first. */
  branching: number;
  tasks: number;
  repeats: number;
  /** Leave the last experiment's runs half pending/running, as during a live generation. */
  live?: boolean;
  seed?: number;
}

const letters = 'abcdefghijklmnopqrstuvwxyz';

export function seedLineage(file: string, o: SeedOptions): { ids: string[]; champion: string } {
  const sqlite = new SQLite(file);
  let state = o.seed ?? 7;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const at = '2026-11-01T10:00:00.000Z';
  const genome = (k: number) => JSON.stringify({ model: 'offline', planning: { name: 'none', params: {} }, tools: { name: 'editor', params: {} }, memory: { name: k % 2 ? 'window' : 'full', params: k % 2 ? { turns: 4 + (k % 5) } : {} }, prompt: { name: 'detailed', params: {} }, budgets: { steps: 30, wallClockSec: 600 } });
  const ids: string[] = [];
  const scores = new Map<string, number>();
  const insExp = sqlite.prepare(`insert into experiments (id, parent_id, generation, genome, genome_hash, change, change_summary, hypothesis, status, proposer, authored_by, score, score_lo, score_hi, cost_usd, flags, created_at)
    values (?, ?, ?, ?, ?, '{}', ?, ?, ?, 'systematic', ?, ?, ?, ?, ?, '[]', ?)`);
  const insEval = sqlite.prepare(`insert into evaluations (experiment_id, suite_id, split, stage, task_ids, repeats, status, config, created_at) values (?, 'builtin', 'train', 'all', '[]', ?, 'done', '{}', ?)`);
  const insRun = sqlite.prepare(`insert into runs (evaluation_id, experiment_id, task_id, repeat, status, outcome, exit_reason, attempts, input_tokens, output_tokens, cost_usd, duration_ms, trajectory_path, cluster_id, started_at, finished_at)
    values (?, ?, ?, ?, ?, ?, ?, 1, 1200, 300, 0.004, 20000, ?, ?, ?, ?)`);
  const insCluster = sqlite.prepare(`insert or ignore into failure_clusters (id, label, signature, first_seen_experiment, created_at, updated_at) values (?, ?, '{}', ?, ?, ?)`);
  const clusters = [
    ['c-empty-patch', 'empty patch: submitted without changing code'],
    ['c-step-limit', 'step limit reached while re-running tests'],
    ['c-p2p-broken', 'fix broke PASS_TO_PASS tests'],
    ['c-loop', 'repeated identical command (loop)'],
  ] as const;
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
      const isLive = o.live && n === o.experiments - 1;
      insExp.run(id, parent, depth, genome(n), `h${n}`, n === 0 ? 'root: baseline genome' : `memory: full -> window{turns:${4 + (n % 5)}}`, 'A bounded window keeps the context focused.', isLive ? 'evaluating' : n % 7 === 0 ? 'promoted' : 'evaluated', n % 11 === 3 ? 'exp-01' : null, isLive ? null : score, isLive ? null : Math.max(0, score - 0.15), isLive ? null : Math.min(1, score + 0.15), 0.004 * o.tasks * o.repeats, at);
      const evaluation = Number(insEval.run(id, o.repeats, at).lastInsertRowid);
      for (let t = 0; t < o.tasks; t++) {
        for (let r = 0; r < o.repeats; r++) {
          const pendingish = isLive && t >= o.tasks / 2;
          const resolved = rand() < score;
          const status = pendingish ? (t === Math.floor(o.tasks / 2) ? 'running' : 'pending') : 'done';
          insRun.run(evaluation, id, `task-${String(t).padStart(3, '0')}`, r, status, status === 'done' ? (resolved ? 'resolved' : 'unresolved') : null, status === 'done' ? 'submitted' : null, `/nonexistent/${id}/${t}/${r}.jsonl`, status === 'done' && !resolved ? clusters[(t + r) % clusters.length]![0] : null, at, status === 'done' ? at : null);
        }
      }
    }
    sqlite.prepare(`insert into champions (experiment_id, since) values ('exp-01', ?)`).run(at);
  })();
  const champion = [...scores.entries()].filter(([id]) => !o.live || id !== ids.at(-1)).sort((a, b) => b[1] - a[1])[0]![0];
  sqlite.prepare(`insert into champions (experiment_id, since) values (?, ?)`).run(champion, at);
  sqlite.close();
  return { ids, champion };
}
