import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent } from '../loop.js';
import type { Message, ModelRequest } from '../models/types.js';
import { say, toolCall, type ScriptedStep } from '../models/scripted.js';
import { policyAwareModel, testGenome, testTask } from '../testing/fixtures.js';
import { TempDirSandbox } from '../testing/temp-sandbox.js';
import { MemoryTrajectory } from '../trajectory.js';
import type { Genome } from '../genome.js';
import { renderTemplate, templatePolicy } from './prompt/template.js';

let sandbox: TempDirSandbox;
beforeAll(async () => {
  sandbox = await TempDirSandbox.create({ 'calc.py': 'def add(a, b):\n    return a - b\n' });
});
afterAll(async () => sandbox.dispose());

const echo = (n: number): ScriptedStep => toolCall('bash', { command: `echo step-${n}` });

async function run(
  genome: Partial<Record<keyof Genome, unknown>>,
  actions: ScriptedStep[],
  policyReply?: (purpose: string, n: number) => ScriptedStep,
  visibleTestCommand?: string,
) {
  const script = policyAwareModel(actions, policyReply);
  const trajectory = new MemoryTrajectory();
  const result = await runAgent({
    genome: testGenome(genome),
    task: testTask(sandbox.workdir, visibleTestCommand ? { visibleTestCommand } : {}),
    sandbox,
    model: script.model,
    trajectory,
  });
  return { ...script, trajectory, result };
}

const text = (messages: Message[]) => JSON.stringify(messages);
const firstUser = (r: ModelRequest) => r.messages[0]!.content as string;

describe('planning', () => {
  it('none makes no plan call', async () => {
    const { model, result } = await run({}, [echo(1), toolCall('submit', {})]);
    expect(result.exitReason).toBe('submitted');
    expect(model.requests.map((r) => r.purpose)).toEqual(['agent', 'agent']);
  });

  it('plan-first writes a plan before the first step and keeps it in context', async () => {
    const { model, trajectory, agentRequests } = await run(
      { planning: { name: 'plan-first' } },
      [echo(1), echo(2), toolCall('submit', {})],
      () => say('1. read calc.py\n2. fix add'),
    );
    expect(model.requests.map((r) => r.purpose)).toEqual(['plan', 'agent', 'agent', 'agent']);
    for (const r of agentRequests()) expect(firstUser(r)).toContain('## Your plan\n1. read calc.py');
    expect(trajectory.events.filter((e) => e.type === 'plan')).toMatchObject([
      { reason: 'initial', plan: '1. read calc.py\n2. fix add' },
    ]);
  });

  it('replan revisits the plan every N steps', async () => {
    const { model, trajectory, agentRequests } = await run(
      { planning: { name: 'replan', params: { everySteps: 2 } } },
      [echo(1), echo(2), echo(3), echo(4), toolCall('submit', {})],
      (_p, n) => say(`plan v${n}`),
    );
    expect(model.requests.map((r) => r.purpose)).toEqual([
      'plan',
      'agent',
      'agent',
      'plan',
      'agent',
      'agent',
      'plan',
      'agent',
    ]);
    expect(trajectory.events.flatMap((e) => (e.type === 'plan' ? [`${e.step}:${e.reason}`] : []))).toEqual([
      '1:initial',
      '3:periodic',
      '5:periodic',
    ]);
    expect(firstUser(agentRequests()[2]!)).toContain('plan v2');
    // A revision sees what happened since.
    expect(firstUser(model.requests[3]!)).toContain('step-2');
  });

  it('replan revisits the plan after a failed test run', async () => {
    const { trajectory } = await run(
      { planning: { name: 'replan', params: { everySteps: 100 } } },
      [toolCall('run_tests', {}), echo(2), toolCall('submit', {})],
      undefined,
      'exit 1',
    );
    expect(trajectory.events.flatMap((e) => (e.type === 'plan' ? [`${e.step}:${e.reason}`] : []))).toEqual([
      '1:initial',
      '2:test_failure',
    ]);
  });
});

describe('memory', () => {
  const six = [echo(1), echo(2), echo(3), echo(4), echo(5), echo(6), toolCall('submit', {})];

  it('full keeps every turn', async () => {
    const { agentRequests } = await run({}, six);
    expect(agentRequests().map((r) => r.messages.length)).toEqual([1, 3, 5, 7, 9, 11, 13]);
  });

  it('window keeps the task plus the last N turns, and records what it drops', async () => {
    const { agentRequests, trajectory } = await run({ memory: { name: 'window', params: { turns: 2 } } }, six);
    const requests = agentRequests();
    expect(requests.map((r) => r.messages.length)).toEqual([1, 3, 5, 5, 5, 5, 5]);
    expect(text(requests[6]!.messages)).toContain('step-6');
    expect(text(requests[6]!.messages)).not.toContain('step-4');
    expect(firstUser(requests[6]!)).toContain('Make `add(2, 3)`');
    expect(trajectory.events.filter((e) => e.type === 'memory' && e.op === 'window_drop').length).toBe(4);
  });

  it('summarize folds older turns into a model-written summary kept in context', async () => {
    const { agentRequests, requestsFor, trajectory } = await run(
      { memory: { name: 'summarize', params: { keepTurns: 2, foldBatch: 2 } } },
      six,
      (_p, n) => say(`summary v${n}`),
    );
    const requests = agentRequests();
    expect(requestsFor('summarize')).toHaveLength(2);
    expect(requestsFor('summarize')[0]!.messages[0]!.content).toContain('step-1');
    // Between keepTurns and keepTurns + foldBatch - 1 turns stay verbatim.
    expect(requests.map((r) => r.messages.length)).toEqual([1, 3, 5, 7, 5, 7, 5]);
    expect(firstUser(requests[6]!)).toContain('## Summary of earlier steps\nsummary v2');
    expect(trajectory.events.filter((e) => e.type === 'memory' && e.op === 'summarize')).toHaveLength(2);
  });

  it('summarize falls back to a mechanical summary when the model returns no text', async () => {
    const { agentRequests } = await run(
      { memory: { name: 'summarize', params: { keepTurns: 1, foldBatch: 1 } } },
      [echo(1), echo(2), toolCall('submit', {})],
      () => toolCall('bash', { command: 'nope' }),
    );
    expect(firstUser(agentRequests()[2]!)).toMatch(/step 1: bash \{"command":"echo step-1"\}/);
  });

  it('notes gives a write_notes tool whose text stays in context after old turns are dropped', async () => {
    const { agentRequests, trajectory } = await run({ memory: { name: 'notes', params: { keepTurns: 1 } } }, [
      toolCall('write_notes', { text: 'bug is in add(): uses minus' }),
      echo(2),
      echo(3),
      toolCall('submit', {}),
    ]);
    const requests = agentRequests();
    expect(requests[0]!.tools.map((t) => t.name)).toContain('write_notes');
    expect(firstUser(requests[0]!)).toContain('(empty: use write_notes)');
    expect(firstUser(requests[3]!)).toContain('bug is in add(): uses minus');
    expect(text(requests[3]!.messages)).not.toContain('"name":"write_notes"');
    expect(trajectory.events.find((e) => e.type === 'memory' && e.op === 'notes_write')).toMatchObject({
      detail: 'bug is in add(): uses minus',
    });
  });
});

describe('prompt', () => {
  it.each(['terse', 'detailed', 'example'])(
    '%s renders the task statement, workdir and test command from its files',
    async (variant) => {
      const { model } = await run(
        { prompt: { name: variant } },
        [toolCall('submit', {})],
        undefined,
        'pytest -q tests',
      );
      const r = model.requests[0]!;
      expect(firstUser(r)).toContain('Make `add(2, 3)` in calc.py return 5.');
      expect(r.system + firstUser(r)).toContain(sandbox.workdir);
      expect(r.system + firstUser(r)).toContain('pytest -q tests');
      expect(r.system + firstUser(r)).not.toMatch(/\{\{/);
    },
  );

  it('variants differ, and detailed/example list the tools', async () => {
    const systems = await Promise.all(
      ['terse', 'detailed', 'example'].map(
        async (name) => (await run({ prompt: { name } }, [toolCall('submit', {})])).model.requests[0]!.system,
      ),
    );
    expect(new Set(systems).size).toBe(3);
    expect(systems[1]).toContain('- str_replace:');
    expect(systems[2]).toContain('worked example');
  });

  it('drops test-command blocks when the task has none', async () => {
    const { model } = await run({ prompt: { name: 'detailed' } }, [toolCall('submit', {})]);
    expect(model.requests[0]!.system + firstUser(model.requests[0]!)).not.toContain('run_tests');
  });

  it('appends skills to the system prompt', async () => {
    const { model } = await run({ prompt: { name: 'terse', params: { skills: ['python-debugging'] } } }, [
      toolCall('submit', {}),
    ]);
    expect(model.requests[0]!.system).toContain('# Skills\n\n## Skill: debugging Python');
  });

  it('a template naming an unknown variable fails, naming the file', () => {
    const vars = { task_id: 't', statement: 's', workdir: '/w', tools: '', test_command: '' };
    expect(renderTemplate('Hi {{statement}} {{#test_command}}x{{/test_command}}', vars, 'f')).toBe('Hi s');
    expect(() => renderTemplate('{{nope}}', vars, 'agent/prompts/x/system.md')).toThrow(
      /agent\/prompts\/x\/system.md: unknown template variable \{\{nope\}\}/,
    );
    expect(() => templatePolicy('terse', { skills: [] }).render(vars)).not.toThrow();
  });
});
