// bench/agent: the agent loop's own overhead per step, and context size per step under each memory policy.
//   npx tsx bench/agent.ts [--steps 200]
// The model answers instantly (no cloning, no I/O) and the sandbox returns canned output at once, so the time
// measured is the loop's: policies, context building, argument parsing, trajectory writes (to a real file).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Genome } from '../agent/genome.js';
import { runAgent } from '../agent/loop.js';
import type { Message, Model, ModelRequest, ModelResponse } from '../agent/models/types.js';
import { InstantSandbox } from '../agent/testing/instant-sandbox.js';
import { TrajectoryWriter } from '../agent/trajectory.js';

const argSteps = process.argv.indexOf('--steps');
const STEPS = argSteps > 0 ? Number(process.argv[argSteps + 1]) : 200;
const OUTPUT_CHARS = 2_000; // per tool result: a typical file view or test log after truncation

function contextChars(request: ModelRequest): number {
  const part = (m: Message): number =>
    typeof m.content === 'string'
      ? m.content.length
      : m.content.reduce(
          (n, p) =>
            n +
            (p.type === 'text'
              ? p.text.length
              : p.type === 'tool_result'
                ? p.content.length
                : JSON.stringify(p.input).length + p.name.length),
          0,
        );
  return request.system.length + request.messages.reduce((n, m) => n + part(m), 0);
}

/** Zero-latency model: bash calls until the last step, then submit; policy calls get a fixed-size reply. */
class InstantModel implements Model {
  readonly provider = 'bench';
  readonly modelId = 'instant';
  agentCalls = 0;
  readonly contextByStep: number[] = [];
  constructor(private readonly measure: boolean) {}
  async generate(request: ModelRequest): Promise<ModelResponse> {
    if ((request.purpose ?? 'agent') !== 'agent')
      return {
        content: [{ type: 'text', text: 'S'.repeat(1_500) }],
        stopReason: 'end_turn',
        usage: { inputTokens: 1, outputTokens: 1 },
        modelId: this.modelId,
      };
    if (this.measure) this.contextByStep.push(contextChars(request));
    const step = ++this.agentCalls;
    const call =
      step >= STEPS
        ? { name: 'submit', input: {} }
        : step % 3 === 0
          ? { name: 'view', input: { path: 'src/file.py', start_line: 1, end_line: 40 } }
          : { name: 'bash', input: { command: `grep -rn thing src | head -${step}` } };
    return {
      content: [
        { type: 'text', text: 'Looking at the next thing.' },
        { type: 'tool_call', id: `c${step}`, ...call },
      ],
      stopReason: 'tool_use',
      usage: { inputTokens: 1, outputTokens: 1 },
      modelId: this.modelId,
    };
  }
}

const memories: Array<{ label: string; memory: { name: string; params: Record<string, unknown> } }> = [
  { label: 'full', memory: { name: 'full', params: {} } },
  { label: 'window{turns:8}', memory: { name: 'window', params: { turns: 8 } } },
  { label: 'summarize{keep:6,batch:4}', memory: { name: 'summarize', params: {} } },
  { label: 'notes{keep:10}', memory: { name: 'notes', params: {} } },
];

async function runOnce(memory: { name: string; params: Record<string, unknown> }, measure: boolean, dir: string) {
  const genome = Genome.parse({
    model: 'bench',
    planning: { name: 'none' },
    tools: { name: 'editor' },
    memory,
    prompt: { name: 'detailed' },
    budgets: { steps: STEPS, wallClockSec: 3600 },
  });
  const model = new InstantModel(measure);
  const sandbox = new InstantSandbox(() => 'x'.repeat(OUTPUT_CHARS - 1) + '\n');
  const writer = new TrajectoryWriter(join(dir, `${memory.name}-${measure}.jsonl`));
  const started = performance.now();
  const result = await runAgent({
    genome,
    task: { id: 'bench', statement: 'Fix the bug in src/file.py.', workdir: '/work' },
    sandbox,
    model,
    trajectory: writer,
  });
  const ms = performance.now() - started;
  writer.close();
  if (result.exitReason !== 'submitted')
    throw new Error(`bench run ended with ${result.exitReason}: ${result.error ?? ''}`);
  return { msPerStep: ms / result.steps, contextByStep: model.contextByStep };
}

const dir = mkdtempSync(join(tmpdir(), 'evolve-bench-agent-'));
try {
  for (const m of memories) await runOnce(m.memory, false, dir); // warm-up (JIT, module loading)
  console.log(
    `agent loop overhead per step (${STEPS}-step run, instant model and sandbox, trajectory to a file; target < 5 ms)`,
  );
  for (const m of memories) {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push((await runOnce(m.memory, false, dir)).msPerStep);
    runs.sort((a, b) => a - b);
    console.log(
      `  ${m.label.padEnd(28)} median ${runs[1]!.toFixed(3)} ms/step   (min ${runs[0]!.toFixed(3)}, max ${runs[2]!.toFixed(3)})`,
    );
  }
  const at = [1, 10, 25, 50, 100, 150, STEPS].filter((s, i, a) => s <= STEPS && a.indexOf(s) === i);
  console.log(
    `\ncontext size per step (chars of system prompt + messages; ~tokens = chars / 4; ${OUTPUT_CHARS}-char tool outputs)`,
  );
  console.log(
    `  ${'memory'.padEnd(28)} ${at.map((s) => `step ${s}`.padStart(11)).join('')}  ${'max'.padStart(9)}  bounded?`,
  );
  for (const m of memories) {
    const { contextByStep } = await runOnce(m.memory, true, dir);
    const max = Math.max(...contextByStep);
    const secondHalfMax = Math.max(...contextByStep.slice(Math.floor(contextByStep.length / 2)));
    const firstHalfMax = Math.max(...contextByStep.slice(0, Math.floor(contextByStep.length / 2)));
    const bounded = secondHalfMax <= firstHalfMax * 1.05;
    console.log(
      `  ${m.label.padEnd(28)} ${at.map((s) => String(contextByStep[s - 1]).padStart(11)).join('')}  ${String(max).padStart(9)}  ${bounded ? 'yes' : 'no (grows)'}   ~${Math.round(max / 4)} tokens max`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
