import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTrajectory } from '../../agent/trajectory.js';
import { Task } from '../../tasks/schema.js';
import type { Db } from '../db/open.js';
import { hiddenStrings, mask, reportTestNames } from '../../tasks/hidden.js';
import { recentChildren } from '../db/repos/experiments.js';
import { decisionsOf } from '../db/repos/decisions.js';
import { trainRunsWithSpec } from '../db/repos/runs.js';

// The raw material an author (the champion writing code children, or a model proposer) may grep and read: full
// trajectories of failed and passed train-split runs, each run's task statement and own diff, grader outputs with
// hidden test names and expected values masked, and earlier children's changes and verdicts. Written on the host
// from the database; nothing of the held-out split, no test patch, no gold patch, no hidden test file goes in. Every
// file is masked with the hidden strings of every task it could mention (a second guard: the agent's own record
// should hold none of them in the first place).

export interface RawMaterialOptions {
  /** Whose runs are shown: the parent being changed and the champion (train split only). */
  experiments: string[];
  /** At most this many runs, failed ones first (default 60). */
  maxRuns?: number;
  /** At most this many earlier children, newest first (default 100). */
  maxChildren?: number;
  /** The workspace's experiments folder (code children's change.patch); optional. */
  experimentsDir?: string;
}

export interface RawMaterial {
  dir: string;
  runs: number;
  children: number;
  /** Every file written, relative to `dir`. */
  files: string[];
}

const HIDDEN_KEY = '[hidden]';

/** String literals inside hidden test lines: the expected values a grader's log would echo. */
function literals(lines: string[]): string[] {
  const out = new Set<string>();
  for (const line of lines)
    for (const m of line.matchAll(/(["'])((?:(?!\1).){4,200})\1/g)) if (m[2]!.trim().length >= 4) out.add(m[2]!);
  return [...out];
}

/** Hidden strings of every task (test ids, test and gold patch lines, the expected values in them), longest first. */
function hiddenOf(tasks: Task[], reports: Map<string, string[]>): string[] {
  const all = new Set<string>();
  for (const t of tasks) {
    const h = hiddenStrings(t, reports.get(t.id) ?? []);
    for (const s of h) all.add(s);
    for (const s of literals(h)) all.add(s);
  }
  return [...all].sort((a, b) => b.length - a.length);
}

/** A grader report as JSON with hidden names (keys too) and values masked; the test patch itself is dropped. */
export function maskReport(report: unknown, hidden: string[]): unknown {
  if (typeof report === 'string') return mask(report, hidden);
  if (Array.isArray(report)) return report.map((r) => maskReport(r, hidden));
  if (report && typeof report === 'object') {
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const [k, v] of Object.entries(report)) {
      if (k === 'test_patch' || k === 'gold_patch') continue;
      let key = mask(k, hidden);
      if (key !== k || out[key] !== undefined) key = `${HIDDEN_KEY} #${++n}`;
      out[key] = maskReport(v, hidden);
    }
    return out;
  }
  return report;
}

const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
/** Held-out results are not the authors' to see: sentences about them are cut from verdicts and reasons. */
const trainOnly = (text: string | null) => (text ?? '').replace(/;?\s*held-out[^;]*/gi, '').trim();

export async function buildRawMaterial(db: Db, dir: string, o: RawMaterialOptions): Promise<RawMaterial> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (rel: string, text: string) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
    files.push(rel);
  };

  const runs = await trainRunsWithSpec(db, o.experiments);
  // Failed runs first (what needs fixing), then passed ones (what must keep working).
  const shown = [
    ...runs.filter((r) => r.outcome !== 'resolved'),
    ...runs.filter((r) => r.outcome === 'resolved'),
  ].slice(0, o.maxRuns ?? 60);
  const tasks = new Map<string, Task>();
  const reportNames = new Map<string, string[]>();
  for (const r of runs) {
    const key = `${r.suite_id}/${r.task_id}`;
    if (!tasks.has(key)) tasks.set(key, Task.parse(JSON.parse(r.spec)));
    reportNames.set(r.task_id, [...(reportNames.get(r.task_id) ?? []), ...reportTestNames(r.report)]);
  }
  const hidden = hiddenOf([...tasks.values()], reportNames);
  const m = (text: string) => mask(text, hidden);

  const index: string[] = [];
  for (const r of shown) {
    const outcome = r.outcome === 'resolved' ? 'passed' : 'failed';
    const folder = join(
      'runs',
      slug(r.experiment_id),
      `${slug(r.suite_id)}__${slug(r.task_id)}__r${r.repeat}-${outcome}`,
    );
    const task = tasks.get(`${r.suite_id}/${r.task_id}`)!;
    write(join(folder, 'task.md'), `${m(task.statement)}\n`);
    if (r.trajectory_path && existsSync(r.trajectory_path)) {
      let events: unknown[] = [];
      try {
        events = readTrajectory(r.trajectory_path);
      } catch {
        events = []; // a truncated trajectory is left out
      }
      // Masked per event, so a masked string never breaks a line's JSON.
      write(join(folder, 'trajectory.jsonl'), events.map((e) => JSON.stringify(maskReport(e, hidden))).join('\n'));
    }
    if (r.patch_path && existsSync(r.patch_path))
      write(join(folder, 'agent.diff'), m(readFileSync(r.patch_path, 'utf8')));
    if (r.report) {
      let report: unknown;
      try {
        report = JSON.parse(r.report);
      } catch {
        report = { unreadable: true };
      }
      write(join(folder, 'grader.json'), `${JSON.stringify(maskReport(report, hidden), null, 2)}\n`);
    }
    index.push(
      `| ${r.experiment_id} | ${m(r.task_id)} | ${r.repeat} | ${outcome} | ${r.exit_reason ?? ''} | ${r.steps ?? ''} | ${folder} |`,
    );
  }

  const children = await recentChildren(db, o.maxChildren ?? 100);
  for (const c of children) {
    const decisions = await decisionsOf(db, c.id);
    const folder = join('children', slug(c.id));
    write(
      join(folder, 'verdict.md'),
      [
        `# ${c.id} (child of ${c.parent_id})`,
        '',
        `- change: ${c.change_summary}`,
        `- hypothesis: ${c.hypothesis}`,
        `- proposer: ${c.proposer ?? 'unknown'}`,
        `- status: ${c.status}; verdict: ${c.verdict ?? 'none yet'}`,
        `- learned: ${trainOnly(c.learned) || 'nothing recorded'}`,
        '',
        '## Decisions',
        '',
        ...(decisions.length
          ? decisions.map((d) => `- ${d.action} (${d.rule}): ${m(trainOnly(d.reason))}`)
          : ['- none yet']),
        '',
      ].join('\n'),
    );
    const patch = o.experimentsDir ? join(o.experimentsDir, c.id, 'change.patch') : '';
    if (patch && existsSync(patch)) write(join(folder, 'change.patch'), m(readFileSync(patch, 'utf8')));
    else write(join(folder, 'change.json'), `${JSON.stringify(JSON.parse(c.change), null, 2)}\n`);
  }

  write(
    'README.md',
    [
      '# Raw material',
      '',
      'Read-only. What the agent itself saw and did on train tasks, how each run was graded (pass/fail, with hidden',
      `test names and expected values replaced by \`${HIDDEN_KEY}\`), and earlier children's changes and verdicts.`,
      '',
      `## Runs (${shown.length} of ${runs.length}, failed first)`,
      '',
      'Each folder: `task.md` (the statement the agent got), `trajectory.jsonl` (every model call and tool call),',
      "`agent.diff` (the agent's final diff), `grader.json` (the grading report).",
      '',
      '| experiment | task | repeat | outcome | ended | steps | folder |',
      '|---|---|---|---|---|---|---|',
      ...index,
      '',
      `## Earlier children (${children.length})`,
      '',
      'Each folder under `children/`: `verdict.md`, and `change.patch` (code) or `change.json` (genome).',
      '',
    ].join('\n'),
  );
  return { dir, runs: shown.length, children: children.length, files: files.sort() };
}
