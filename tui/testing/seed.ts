import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { dialectOf } from '../../lineage/db/dialect.js';
import type { Db } from '../../lineage/db/open.js';

// Writes a synthetic but realistic lineage straight into a workspace database (already migrated), for the TUI's
// tests and bench/tui: seedLineage into a SQLite file with raw prepared statements in one transaction (a million runs
// take seconds, not minutes), seedLineageInto any open database (Postgres too) through kysely. Same rows either way.

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

type Row = Record<string, string | number | null>;

/** Every row of the seeded lineage, table by table, parents first (evaluation ids given, runs point at them). */
function seedRows(o: SeedOptions) {
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
  const rows = {
    failure_clusters: [] as Row[],
    experiments: [] as Row[],
    evaluations: [] as Row[],
    runs: [] as Row[],
    generations: [] as Row[],
    champions: [] as Row[],
  };
  const taskIds = JSON.stringify(Array.from({ length: o.tasks }, (_, t) => `task-${String(t).padStart(3, '0')}`));
  const clusters = [
    ['c-empty-patch', 'empty patch: submitted without changing code'],
    ['c-step-limit', 'step limit reached while re-running tests'],
    ['c-p2p-broken', 'fix broke PASS_TO_PASS tests'],
    ['c-loop', 'repeated identical command (loop)'],
  ] as const;
  const evaluating = o.live ? o.experiments - 2 : -1;
  const waiting = o.live ? o.experiments - 1 : -1;
  let liveParent: string | null = null;
  for (const [id, label] of clusters)
    rows.failure_clusters.push({
      id,
      label,
      signature: '{}',
      first_seen_experiment: 'exp-01',
      created_at: at,
      updated_at: at,
    });
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
    rows.experiments.push({
      id,
      parent_id: parent,
      generation: depth,
      genome: genome(n),
      genome_hash: `h${n}`,
      change: '{}',
      change_summary: n === 0 ? 'root: baseline genome' : `memory: full -> window{turns:${4 + (n % 5)}}`,
      hypothesis: 'A bounded window keeps the context focused.',
      status,
      proposer: 'systematic',
      authored_by: n % 11 === 3 ? 'exp-01' : null,
      score: scored ? score : null,
      score_lo: scored ? Math.max(0, score - 0.15) : null,
      score_hi: scored ? Math.min(1, score + 0.15) : null,
      cost_usd: scored ? 0.004 * o.tasks * o.repeats : null,
      flags: '[]',
      created_at: at,
    });
    if (isWaiting) continue;
    // Finished evaluations took ten minutes and ended twenty minutes before SEED_NOW; the live one began ten minutes ago.
    const evaluation = rows.evaluations.length + 1;
    rows.evaluations.push({
      id: evaluation,
      experiment_id: id,
      suite_id: 'builtin',
      split: 'train',
      stage: 'all',
      task_ids: taskIds,
      repeats: o.repeats,
      status: isLive ? 'running' : 'done',
      config: '{}',
      created_at: isLive ? iso(600) : iso(1800),
      finished_at: isLive ? null : iso(1200),
    });
    let k = 0;
    for (let t = 0; t < o.tasks; t++) {
      for (let r = 0; r < o.repeats; r++) {
        const pendingish = isLive && t >= o.tasks / 2;
        const resolved = rand() < score;
        const runStatus = pendingish ? (t === Math.floor(o.tasks / 2) ? 'running' : 'pending') : 'done';
        const started = isLive ? (runStatus === 'pending' ? null : iso(600 - k * 30)) : iso(1800);
        const finished = runStatus !== 'done' ? null : isLive ? iso(600 - k * 30 - 30) : iso(1200);
        k++;
        const done = runStatus === 'done';
        rows.runs.push({
          evaluation_id: evaluation,
          experiment_id: id,
          task_id: `task-${String(t).padStart(3, '0')}`,
          repeat: r,
          status: runStatus,
          outcome: done ? (resolved ? 'resolved' : 'unresolved') : null,
          exit_reason: done ? 'submitted' : null,
          attempts: 1,
          input_tokens: 1200,
          output_tokens: 300,
          cost_usd: done ? 0.004 : null,
          duration_ms: 20000,
          trajectory_path: o.trajectoryPath ?? `/nonexistent/${id}/${t}/${r}.jsonl`,
          cluster_id: done && !resolved ? clusters[(t + r) % clusters.length]![0] : null,
          started_at: started,
          finished_at: finished,
        });
      }
    }
  }
  if (liveParent) {
    const children = ids.filter(
      (id) => id.startsWith(`${liveParent}-`) && id.split('-').length === liveParent!.split('-').length + 1,
    );
    rows.generations.push({
      id: 1,
      parent_id: liveParent,
      proposer: 'systematic',
      selector: 'champion',
      rule: 'paired-significant',
      seed: 1,
      status: 'running',
      config: JSON.stringify({ children }),
      started_at: iso(2400),
    });
  }
  const champion = [...scores.entries()]
    .filter(([id]) => id !== ids[evaluating] && id !== ids[waiting])
    .sort((a, b) => b[1] - a[1])[0]![0];
  rows.champions.push({ experiment_id: 'exp-01', since: at }, { experiment_id: champion, since: at });
  return { ids, champion, rows };
}

/** Seeds a migrated SQLite file (bench/tui's million runs, the binary's test). */
export function seedLineage(file: string, o: SeedOptions): { ids: string[]; champion: string } {
  const { ids, champion, rows } = seedRows(o);
  const sqlite = new SQLite(file);
  sqlite.transaction(() => {
    for (const [table, list] of Object.entries(rows)) {
      if (list.length === 0) continue;
      const columns = Object.keys(list[0]!);
      const insert = sqlite.prepare(
        `insert into ${table} (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`,
      );
      for (const row of list) insert.run(row);
    }
  })();
  sqlite.close();
  return { ids, champion };
}

/** Seeds an open, migrated database of either dialect, in one transaction. */
export async function seedLineageInto(db: Db, o: SeedOptions): Promise<{ ids: string[]; champion: string }> {
  const { ids, champion, rows } = seedRows(o);
  await db.transaction().execute(async (trx) => {
    for (const [table, list] of Object.entries(rows)) {
      for (let i = 0; i < list.length; i += 500)
        await trx
          .insertInto(table as never)
          .values(list.slice(i, i + 500) as never)
          .execute();
    }
    // The evaluations and generation were given their ids: later inserts must number after them.
    if (dialectOf(trx) === 'postgres')
      for (const table of ['evaluations', 'generations'])
        await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select coalesce(max(id), 0) + 1 from ${sql.table(table)}), false)`.execute(
          trx,
        );
  });
  return { ids, champion };
}
