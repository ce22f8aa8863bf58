// bench/agent-process: what running the agent in its own confined process costs per run.
//   npx tsx bench/agent-process.ts [--steps 20] [--runs 5]
// The same agent, model and sandbox (both instant) run in-process (the loop imported, as evolve did before) and
// through agentRunner (bundled once per agent source, then one confined node process per run, IPC per call).
// Reported: the one-off bundle time, the median run time each way for a 1-step and an N-step run, their
// difference (the per-run cost: process start + IPC) and the per-step cost of the channel.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Genome } from '../agent/genome.js';
import { runAgent } from '../agent/loop.js';
import type { Model, ModelRequest, ModelResponse } from '../agent/models/types.js';
import { InstantSandbox } from '../agent/testing/instant-sandbox.js';
import { TrajectoryWriter } from '../agent/trajectory.js';
import { bundleAgent } from '../evaluator/agent-process/bundle.js';
import { agentRunner } from '../evaluator/agent-runner.js';
import { createGateway } from '../evaluator/gateway/index.js';
import { Task } from '../tasks/schema.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const STEPS = arg('steps', 20);
const RUNS = arg('runs', 5);

class InstantModel implements Model {
  readonly provider = 'bench';
  readonly modelId = 'instant';
  private calls = 0;
  constructor(private readonly steps: number) {}
  async generate(_request: ModelRequest): Promise<ModelResponse> {
    const step = ++this.calls;
    const call =
      step >= this.steps
        ? { name: 'submit', input: {} }
        : { name: 'bash', input: { command: `grep -rn x src | head -${step}` } };
    return {
      content: [{ type: 'tool_call', id: `c${step}`, ...call }],
      stopReason: 'tool_use',
      usage: { inputTokens: 1, outputTokens: 1 },
      modelId: this.modelId,
    };
  }
}

const genome = (steps: number) =>
  Genome.parse({
    model: 'bench',
    planning: { name: 'none' },
    tools: { name: 'editor' },
    memory: { name: 'full' },
    prompt: { name: 'detailed' },
    budgets: { steps: steps + 5, wallClockSec: 3600 },
  });
const task = Task.parse({
  id: 'bench',
  suite: 'bench',
  kind: 'swebench',
  statement: 'Fix the bug in src/file.py.',
  environment: { image: 'x', workdir: '/work' },
  workspace: { kind: 'image' },
  grader: { kind: 'swebench', testPatch: '', testCommand: 'true', failToPass: [], passToPass: [] },
});
const sandbox = () => new InstantSandbox(() => `${'x'.repeat(1999)}\n`);

async function inProcess(steps: number, dir: string, i: number): Promise<number> {
  const t0 = performance.now();
  const writer = new TrajectoryWriter(join(dir, `in-${steps}-${i}.jsonl`));
  const model = createGateway(new InstantModel(steps), { sink: (e) => writer.write(e) });
  const r = await runAgent({
    genome: genome(steps),
    task: { id: 'bench', statement: task.statement, workdir: '/work' },
    sandbox: sandbox(),
    model,
    trajectory: writer,
    recordModelCalls: false,
  });
  writer.close();
  if (r.exitReason !== 'submitted') throw new Error(`in-process run ended with ${r.exitReason}`);
  return performance.now() - t0;
}

function confinedRunner(steps: number) {
  return agentRunner({ createModel: () => new InstantModel(steps) });
}

async function confined(run: ReturnType<typeof confinedRunner>, steps: number, dir: string, i: number) {
  const t0 = performance.now();
  const r = await run({
    genome: genome(steps),
    task,
    sandbox: sandbox(),
    trajectoryPath: join(dir, `out-${steps}-${i}.jsonl`),
    signal: new AbortController().signal,
  });
  if (r.exitReason !== 'submitted') throw new Error(`confined run ended with ${r.exitReason}`);
  return performance.now() - t0;
}

/** CPU milliseconds used so far by this process and its waited-for children (/proc/self/stat utime..cstime). */
function cpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const ticks = [11, 12, 13, 14].reduce((n, i) => n + Number(fields[i]), 0); // utime stime cutime cstime
  return ticks * 10; // USER_HZ is 100 on Linux
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const dir = mkdtempSync(join(tmpdir(), 'evolve-bench-proc-'));
try {
  const bundle = await bundleAgent(join(import.meta.dirname, '..'));
  rmSync(bundle.dir, { recursive: true, force: true });
  console.log(`bundle of the agent (once per agent source and evaluation): ${bundle.ms} ms`);
  const rows: Record<number, { inside: number; outside: number }> = {};
  for (const steps of [1, STEPS]) {
    const run = confinedRunner(steps);
    await confined(run, steps, dir, -1); // warm-up: bundling, JIT
    await inProcess(steps, dir, -1);
    const inside: number[] = [];
    const outside: number[] = [];
    let cpuIn = 0;
    let cpuOut = 0;
    for (let i = 0; i < RUNS; i++) {
      let c = cpuMs();
      inside.push(await inProcess(steps, dir, i));
      cpuIn += cpuMs() - c;
      c = cpuMs();
      outside.push(await confined(run, steps, dir, i));
      cpuOut += cpuMs() - c;
    }
    rows[steps] = { inside: median(inside), outside: median(outside) };
    console.log(
      `${String(steps).padStart(3)}-step run: in-process ${rows[steps]!.inside.toFixed(1)} ms wall, ${(cpuIn / RUNS).toFixed(0)} ms CPU; confined process ${rows[steps]!.outside.toFixed(1)} ms wall, ${(cpuOut / RUNS).toFixed(0)} ms CPU (wall: median of ${RUNS}; CPU: mean, evaluator + agent process)`,
    );
  }
  const perRun = rows[1]!.outside - rows[1]!.inside;
  const perStep = (rows[STEPS]!.outside - rows[STEPS]!.inside - perRun) / (STEPS - 1);
  console.log(
    `per-run cost of the process boundary: ${perRun.toFixed(0)} ms; per extra step: ${perStep.toFixed(2)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
