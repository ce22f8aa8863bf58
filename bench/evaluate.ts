// bench/evaluate: the oracle solver on the whole built-in suite through evolve's real evaluation path, against the
// same grading work done directly with `docker run`, side by side in one run, at concurrency 1 and 2.
//   npx tsx bench/evaluate.ts [--tasks N]   (N: only the first N tasks, for a quick look)
// Targets: the framework within 1.25x of the direct runs at the same concurrency; concurrency 2 at least 1.6x faster
// than 1 (framework side). Exit 1 when a target is missed.
//
// Framework side, per concurrency, in a fresh temporary workspace (`evolve init`: database, exp-01), what
// `evolve eval exp-01 --solver oracle` does: refresh the suite into the database, then evaluateExperiment() with the
// real wiring (DockerProvider, prepareWorkspace, solve, gradeTask), one database row per run. Both splits are
// evaluated in one call (loadTasks reads train + heldout from the database), so the pool stays full to the end.
//   SWE task: the gold patch as the submission (knownPatch), graded in a fresh container (copy the prepared repo
//   in, apply the patch and the test patch, run the tests).
//   TB task: one container (commit /app as the base, run solution.sh, take the diff, copy tests in, run them).
// Direct side, per task, one `docker run --rm -i` of the same image with the same limits, fed one tar on stdin:
//   SWE task: the repo + gold.patch + test.patch; it untars the repo into the workdir, `git apply`s both patches
//   and runs the task's test command. TB task: tests/ + solution.sh + run-tests.sh; it runs the solution in the
//   workdir, then the tests. Each side's output must show every task resolved (pytest passing), else it aborts.
// What the direct side leaves out is exactly the framework's bookkeeping: the base commit (and for Terminal-Bench
// the diff), log parsing, database rows, trajectories and patches. The oracle's SWE-bench answer is its gold patch,
// so, as upstream's harness grades gold predictions, the framework makes no agent container for it: one grading
// container per task on both sides. CPU-seconds (machine-wide, and dockerd's, containerd's and this process's) are
// reported per side at concurrency 2, where the two cores are the limit.
// Images are built before anything is timed. The machine is shared, so load drifts: at each concurrency the suite
// is split into two halves (every other task) timed in the order direct A, framework A, framework B, direct B, and
// each side's time is the sum of its halves. Both framework halves run in the same workspace (two `evolve eval`s).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { ensureImage } from '../evaluator/images/build.js';
import { DEFAULT_LIMITS, DockerProvider, DockerSandbox } from '../evaluator/sandbox/docker.js';
import { taskImage } from '../evaluator/task-image.js';
import { evaluateExperiment, loadTasksFromDb } from '../lineage/evaluate-experiment.js';
import { seedRoot } from '../lineage/experiments.js';
import { refreshSuite } from '../lineage/suites.js';
import { initWorkspace, openWorkspace } from '../lineage/workspace.js';
import { failed, getParser } from '../tasks/parsers/index.js';
import type { Task } from '../tasks/schema.js';
import { loadSuite } from '../tasks/suite.js';

const argTasks = process.argv.indexOf('--tasks');
const LIMIT = argTasks > 0 ? Number(process.argv[argTasks + 1]) : undefined;
const scratch = mkdtempSync(join(tmpdir(), 'evolve-bench-eval-'));

interface DirectJob {
  task: Task;
  image: string;
  /** Host folders/files tar packs, in order: [dir to -C into, member]. */
  members: Array<[string, string]>;
  /** tar --transform rules putting the repo under the workdir. */
  transform?: string;
  script: string;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Stages each task's direct job (patches and scripts written to files) outside the timed region. */
function directJob(task: Task, image: string): DirectJob {
  const stage = join(scratch, 'direct', task.id);
  mkdirSync(join(stage, 'in'), { recursive: true });
  const workdir = task.environment.workdir;
  if (task.grader.kind === 'swebench') {
    if (task.workspace.kind !== 'dir' || task.gold?.kind !== 'patch')
      throw new Error(`${task.id}: expected a folder workspace and a gold patch`);
    writeFileSync(
      join(stage, 'in', 'gold.patch'),
      task.gold.patch.endsWith('\n') ? task.gold.patch : `${task.gold.patch}\n`,
    );
    writeFileSync(
      join(stage, 'in', 'test.patch'),
      task.grader.testPatch.endsWith('\n') ? task.grader.testPatch : `${task.grader.testPatch}\n`,
    );
    return {
      task,
      image,
      members: [
        [task.workspace.path, '.'],
        [stage, 'in'],
      ],
      transform: `s,^\\./,${workdir.slice(1)}/,`,
      script: `set -e; tar -x -C /; cd ${q(workdir)}; git apply /in/gold.patch; git apply /in/test.patch; ${task.grader.testCommand}`,
    };
  }
  if (task.gold?.kind !== 'script') throw new Error(`${task.id}: expected a solution script`);
  writeFileSync(join(stage, 'in', 'solution.sh'), task.gold.script);
  writeFileSync(join(stage, 'in', 'run-tests.sh'), task.grader.testScript);
  return {
    task,
    image,
    members: [
      [task.grader.testsDir, '.'],
      [stage, 'in'],
    ],
    transform: 's,^\\./,tests/,',
    script: `set -e; tar -x -C /; cd ${q(workdir)}; bash /in/solution.sh; bash /in/run-tests.sh`,
  };
}

/** Host tar of the job's members piped into one `docker run --rm -i` of the task's image with the sandbox's limits. */
function dockerRun(job: DirectJob): Promise<{ code: number | null; out: string }> {
  const { members, script } = job;
  const l = DEFAULT_LIMITS;
  const tar = [
    'tar',
    '-c',
    ...(job.transform ? [`--transform=${job.transform}`] : []),
    ...members.flatMap(([dir, m]) => ['-C', dir, m]),
  ]
    .map(q)
    .join(' ');
  const docker = [
    'docker',
    'run',
    '--rm',
    '-i',
    '--init',
    '--network',
    job.task.environment.network ? 'bridge' : 'none',
    `--memory=${l.memoryMb}m`,
    `--memory-swap=${l.memoryMb}m`,
    `--cpus=${l.cpus}`,
    `--pids-limit=${l.pids}`,
    '--security-opt=no-new-privileges',
    job.image,
    'bash',
    '-c',
    script,
  ]
    .map(q)
    .join(' ');
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `set -o pipefail; ${tar} | ${docker}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

function checkPassed(job: DirectJob, code: number | null, out: string, what: string): void {
  const map = getParser(job.task.grader.logParser)(out);
  const bad = [...map.keys()].filter((k) => failed(map, k));
  if (code !== 0 || map.size === 0 || bad.length)
    throw new Error(`${what} of ${job.task.id} did not pass (exit ${code}): ${out.slice(-800)}`);
}

/** One direct run: the grading work in a single container. */
async function runDirect(job: DirectJob): Promise<number> {
  const t = performance.now();
  const r = await dockerRun(job);
  checkPassed(job, r.code, r.out, 'direct run');
  return performance.now() - t;
}

/** Time spent in each sandbox call during the framework runs (wraps the real methods; adds no work). */
const phases = new Map<string, { ms: number; calls: number }>();
let timing = false;
function instrument(): void {
  const wrap = (proto: object, name: string, label: string) => {
    const target = proto as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const original = target[name]!;
    target[name] = async function (this: unknown, ...args: unknown[]) {
      const t = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        if (timing) {
          const p = phases.get(label) ?? { ms: 0, calls: 0 };
          p.ms += performance.now() - t;
          p.calls++;
          phases.set(label, p);
        }
      }
    };
  };
  wrap(DockerProvider.prototype, 'create', 'create');
  for (const name of ['exec', 'writeFile', 'copyIn', 'diff', 'dispose']) wrap(DockerSandbox.prototype, name, name);
}

/** CPU-seconds used: machine-wide (/proc/stat), by the engine's two daemons, and by this process. */
interface Cpu {
  total: number;
  dockerd: number;
  containerd: number;
  self: number;
}
const cpuZero = (): Cpu => ({ total: 0, dockerd: 0, containerd: 0, self: 0 });
const TICK = 100; // USER_HZ on Linux

function cpuNow(): Cpu {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 8).map(Number);
  const busy = fields.reduce((a, b) => a + b, 0) - fields[3]! - fields[4]!; // all but idle and iowait
  const daemon = (name: string) => {
    let ticks = 0;
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== name) continue;
        const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(rest[11]) + Number(rest[12]);
      } catch {
        // gone meanwhile
      }
    }
    return ticks / TICK;
  };
  const self = process.cpuUsage();
  return {
    total: busy / TICK,
    dockerd: daemon('dockerd'),
    containerd: daemon('containerd'),
    self: (self.user + self.system) / 1e6,
  };
}

function addCpu(into: Cpu, before: Cpu, after: Cpu): void {
  for (const k of Object.keys(into) as Array<keyof Cpu>) into[k] += after[k] - before[k];
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

async function direct(jobs: DirectJob[], concurrency: number): Promise<number> {
  const t = performance.now();
  await pool(jobs, concurrency, runDirect);
  return performance.now() - t;
}

/** `evolve init` (once per concurrency) + `evolve eval exp-01 --solver oracle --concurrency C` over both splits. */
async function framework(taskIds: string[], concurrency: number): Promise<{ ms: number; runMs: number[] }> {
  const root = join(scratch, `ws-c${concurrency}`);
  await initWorkspace(root, async (ws) => ((await seedRoot(ws.db)) ? ['exp-01'] : []));
  const ws = await openWorkspace(root);
  try {
    timing = concurrency === 1;
    const t = performance.now();
    await refreshSuite(ws, 'builtin');
    const loadTasks = async (suite: string) => {
      const all = [
        ...(await loadTasksFromDb(ws.db, suite, 'train')),
        ...(await loadTasksFromDb(ws.db, suite, 'heldout')),
      ];
      return all.filter((task) => taskIds.includes(task.id));
    };
    const r = await evaluateExperiment(ws, {
      experimentId: 'exp-01',
      suite: 'builtin',
      solver: 'oracle',
      sandbox: 'docker',
      concurrency,
      loadTasks,
    });
    const ms = performance.now() - t;
    timing = false;
    const unresolved = r.runs.filter((x) => x.outcome !== 'resolved');
    if (
      r.status !== 'done' ||
      r.runs.length !== taskIds.length ||
      unresolved.length ||
      r.runs.some((x) => x.attempts !== 1)
    ) {
      throw new Error(
        `framework c${concurrency}: ${r.status}, ${r.runs.length} runs, not resolved: ${unresolved.map((x) => `${x.taskId} (${x.infraError?.message ?? x.outcome})`).join('; ')}`,
      );
    }
    return { ms, runMs: r.runs.map((x) => x.durationMs ?? 0) };
  } finally {
    await ws.close();
  }
}

async function main(): Promise<number> {
  const benchStart = performance.now();
  instrument();
  const suite = loadSuite('builtin');
  const tasks = suite.tasks.slice(0, LIMIT);
  // Both sides use these images, built (or found in the cache) before anything is timed.
  const docker = new Docker();
  const images = new Map<string, string>();
  for (const task of tasks) {
    const image = taskImage(task);
    images.set(
      task.id,
      typeof image === 'string'
        ? image
        : await ensureImage(image, { docker, onProgress: (l) => process.stderr.write(`  … ${l}\n`) }),
    );
  }
  const jobs = tasks.map((t) => directJob(t, images.get(t.id)!));
  const ids = tasks.map((t) => t.id);
  console.log(
    `${tasks.length} tasks (${tasks.filter((t) => t.kind === 'swebench').length} SWE-bench, ${tasks.filter((t) => t.kind === 'terminal-bench').length} Terminal-Bench), oracle solver, ${new Set(images.values()).size} images`,
  );
  await runDirect(jobs[0]!); // warm-up: page cache, image layers
  console.log(`images and warm-up: ${((performance.now() - benchStart) / 1000).toFixed(1)} s`);

  const half = <T>(xs: T[], parity: number) => xs.filter((_, i) => i % 2 === parity);
  const cpu = { direct: cpuZero(), framework: cpuZero() };
  const side = async (concurrency: number) => {
    const counted = async <T>(into: Cpu, work: () => Promise<T>): Promise<T> => {
      const before = cpuNow();
      const r = await work();
      if (concurrency === 2) addCpu(into, before, cpuNow());
      return r;
    };
    const dA = await counted(cpu.direct, () => direct(half(jobs, 0), concurrency));
    const fA = await counted(cpu.framework, () => framework(half(ids, 0), concurrency));
    const fB = await counted(cpu.framework, () => framework(half(ids, 1), concurrency));
    const dB = await counted(cpu.direct, () => direct(half(jobs, 1), concurrency));
    return { d: dA + dB, f: { ms: fA.ms + fB.ms, runMs: [...fA.runMs, ...fB.runMs] } };
  };
  const { d: d1, f: f1 } = await side(1);
  const { d: d2, f: f2 } = await side(2);

  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const r1 = f1.ms / d1;
  const r2 = f2.ms / d2;
  const speedup = f1.ms / f2.ms;
  const ok = (met: boolean) => (met ? 'met' : 'MISSED');
  console.log(`direct    c1 ${s(d1)}   c2 ${s(d2)}   (speedup ${(d1 / d2).toFixed(2)}x)`);
  console.log(
    `framework c1 ${s(f1.ms)}   c2 ${s(f2.ms)}   (sum of run durations: c1 ${s(sum(f1.runMs))}, c2 ${s(sum(f2.runMs))})`,
  );
  const perRun = (ms: number) => `${(ms / tasks.length).toFixed(0)} ms/run`;
  console.log(
    `  framework c1, time inside sandbox calls: ${[...phases].map(([k, p]) => `${k} ${perRun(p.ms)} (${(p.calls / tasks.length).toFixed(1)}/run)`).join(', ')}`,
  );
  console.log(`  direct c1 per run ${perRun(d1)}; framework c1 per run ${perRun(f1.ms)}`);
  const cpuLine = (c: Cpu) =>
    `${c.total.toFixed(1)} (dockerd ${c.dockerd.toFixed(1)}, containerd ${c.containerd.toFixed(1)}, this process ${c.self.toFixed(1)})`;
  console.log(
    `CPU-seconds at c2, machine-wide: direct ${cpuLine(cpu.direct)}; framework ${cpuLine(cpu.framework)}; framework/direct ${(cpu.framework.total / cpu.direct.total).toFixed(2)}x`,
  );
  console.log(`overhead c1: ${r1.toFixed(2)}x   target <= 1.25x   ${ok(r1 <= 1.25)}`);
  console.log(`overhead c2: ${r2.toFixed(2)}x   target <= 1.25x   ${ok(r2 <= 1.25)}`);
  console.log(`framework speedup c2 over c1: ${speedup.toFixed(2)}x   target >= 1.6x   ${ok(speedup >= 1.6)}`);
  console.log(`bench total (in process): ${((performance.now() - benchStart) / 1000).toFixed(1)} s`);
  return r1 <= 1.25 && r2 <= 1.25 && speedup >= 1.6 ? 0 : 1;
}

try {
  process.exitCode = await main();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
