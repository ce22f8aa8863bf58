import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent } from './loop.js';
import { summarizeRequest } from './models/call-record.js';
import { toolCall, type ScriptedStep } from './models/scripted.js';
import { ScriptedModel } from './models/scripted.js';
import { testGenome, testTask } from './testing/fixtures.js';
import { TempDirSandbox } from './testing/temp-sandbox.js';
import { readTrajectory, renderTranscript, TrajectoryWriter, type TrajectoryEvent } from './trajectory.js';

let sandbox: TempDirSandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await TempDirSandbox.create({ 'calc.py': 'def add(a, b):\n    return a - b\n' });
  dir = mkdtempSync(join(tmpdir(), 'evolve-traj-'));
});
afterAll(async () => {
  await sandbox.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('trajectory', () => {
  it('is written as the run goes: read back mid-run, it holds every step so far', async () => {
    const path = join(dir, 'midrun.jsonl');
    const seenMidRun: TrajectoryEvent[][] = [];
    const peek = (action: ScriptedStep) => () => {
      seenMidRun.push(readTrajectory(path));
      return action;
    };
    const writer = new TrajectoryWriter(path);
    const model = new ScriptedModel([
      peek(toolCall('bash', { command: 'echo one' })),
      peek(toolCall('str_replace', { path: 'calc.py', old_str: 'a - b', new_str: 'a + b' })),
      peek(toolCall('submit', {})),
    ]);
    const result = await runAgent({
      genome: testGenome(),
      task: testTask(sandbox.workdir),
      sandbox,
      model,
      trajectory: writer,
    });
    writer.close();
    expect(result.exitReason).toBe('submitted');
    expect(seenMidRun.map((events) => events.map((e) => e.type))).toEqual([
      ['run_start'],
      ['run_start', 'model_call', 'tool_call'],
      ['run_start', 'model_call', 'tool_call', 'model_call', 'tool_call'],
    ]);
    const events = readTrajectory(path);
    expect(events.at(-1)).toMatchObject({
      type: 'run_end',
      exitReason: 'submitted',
      steps: 3,
      diffChars: result.diff.length,
    });
    const run = events[0]!;
    expect(run.type === 'run_start' && run.genome).toEqual(testGenome());
    expect(run).toMatchObject({ taskId: 'demo__demo-1', tools: expect.arrayContaining(['bash', 'submit']) });
    const edit = events.find((e) => e.type === 'tool_call' && e.name === 'str_replace');
    expect(edit).toMatchObject({
      status: 'ok',
      args: { path: 'calc.py' },
      truncated: false,
      durationMs: expect.any(Number),
    });
    expect(events.find((e) => e.type === 'model_call')).toMatchObject({
      step: 1,
      request: { purpose: 'agent', toolNames: expect.arrayContaining(['view']) },
      usage: { inputTokens: 100 },
    });
  });

  it('keeps events already written when the process dies abruptly', () => {
    const path = join(dir, 'crash.jsonl');
    const script = `import { TrajectoryWriter } from ${JSON.stringify(new URL('./trajectory.ts', import.meta.url).pathname)};
      const w = new TrajectoryWriter(${JSON.stringify(path)});
      w.write({ type: 'memory', step: 1, op: 'a', detail: 'first' });
      w.write({ type: 'memory', step: 2, op: 'b', detail: 'second' });
      process.kill(process.pid, 'SIGKILL');`;
    try {
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'pipe' });
    } catch {
      /* killed, as intended */
    }
    expect(readTrajectory(path).map((e) => (e.type === 'memory' ? e.detail : ''))).toEqual(['first', 'second']);
  });

  it('skips a torn final line but reports a bad line elsewhere with its number', () => {
    const path = join(dir, 'torn.jsonl');
    const w = new TrajectoryWriter(path);
    w.write({ type: 'memory', step: 1, op: 'a', detail: 'ok' });
    w.close();
    appendFileSync(path, '{"type":"memory","st');
    expect(readTrajectory(path)).toHaveLength(1);
    appendFileSync(path, '\n{"type":"memory","step":2,"op":"b","detail":"x","ts":1}\n');
    expect(() => readTrajectory(path)).toThrow(/torn.jsonl:2: not valid JSON/);
  });

  it('accepts the gateway model_call record written into the same file', () => {
    const path = join(dir, 'gateway.jsonl');
    const w = new TrajectoryWriter(path);
    w.write({
      type: 'model_call',
      at: new Date(0).toISOString(),
      seq: 1,
      provider: 'openai',
      modelId: 'gpt-x',
      request: summarizeRequest({
        system: 's',
        messages: [{ role: 'user', content: 'hi' }],
        tools: [],
        maxTokens: 10,
        purpose: 'agent',
      }),
      usage: { inputTokens: 3 },
      latencyMs: 5,
      costUsd: 0.01,
      retries: [],
    });
    w.close();
    expect(readTrajectory(path)[0]).toMatchObject({ type: 'model_call', provider: 'openai', costUsd: 0.01 });
  });

  it('renders a readable transcript', async () => {
    const path = join(dir, 'transcript.jsonl');
    const writer = new TrajectoryWriter(path);
    const model = new ScriptedModel([
      toolCall('bash', { command: 'echo hello-transcript' }),
      toolCall('nope', {}),
      toolCall('submit', {}),
    ]);
    await runAgent({ genome: testGenome(), task: testTask(sandbox.workdir), sandbox, model, trajectory: writer });
    writer.close();
    const text = renderTranscript(readTrajectory(path));
    expect(text).toContain('# Run of task demo__demo-1');
    expect(text).toContain('Make `add(2, 3)`');
    expect(text).toContain('-> bash {"command":"echo hello-transcript"}');
    expect(text).toContain('$ bash (exit 0');
    expect(text).toContain('hello-transcript\n    [exit code 0]');
    expect(text).toContain('$ nope (unknown_tool)');
    expect(text).toMatch(/# Ended: submitted after 3 steps/);
    const partial = renderTranscript(readTrajectory(path).slice(0, 3));
    expect(partial).toContain('no run_end');
    expect(
      readFileSync(path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .every((line) => JSON.parse(line).ts > 0),
    ).toBe(true);
  });
});
