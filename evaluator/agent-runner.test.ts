import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Genome } from '../agent/genome.js';
import { ScriptedModel, toolCall } from '../agent/models/scripted.js';
import { InstantSandbox } from '../agent/testing/instant-sandbox.js';
import { readTrajectory } from '../agent/trajectory.js';
import { Task } from '../tasks/schema.js';
import { agentRunner } from './agent-runner.js';

// The real agent loop behind the gateway, with a scripted model: usage, cost, trajectory file, per-run budget.

const genome = Genome.parse(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'experiments', 'exp-01', 'genome.json'), 'utf8')),
);
const task = Task.parse({
  id: 'demo-1',
  suite: 't',
  kind: 'swebench',
  statement: 'fix it',
  environment: { image: 'x' },
  workspace: { kind: 'image' },
  grader: { kind: 'swebench', testPatch: '', testCommand: 'true', failToPass: [], passToPass: [] },
});
const prices = { 'scripted/scripted': { input: 1, output: 10 } };

describe('agentRunner', () => {
  it('runs the loop through the gateway: exit reason, tokens, dollars at the configured price, trajectory on disk', async () => {
    const trajectoryPath = join(mkdtempSync(join(tmpdir(), 'evolve-agent-')), 'trajectory.jsonl');
    const model = new ScriptedModel([toolCall('bash', { command: 'ls' }), toolCall('submit', {})]);
    const run = agentRunner({ prices, createModel: () => model });
    const out = await run({
      genome,
      task,
      sandbox: new InstantSandbox(),
      trajectoryPath,
      signal: new AbortController().signal,
    });
    expect(out.exitReason).toBe('submitted');
    expect([out.inputTokens, out.outputTokens]).toEqual([200, 40]);
    expect(out.costUsd).toBeCloseTo((200 * 1 + 40 * 10) / 1e6, 12);
    // Exactly one model_call per call, written by the gateway (redacted), none by the loop itself.
    const calls = readTrajectory(trajectoryPath).filter((e) => e.type === 'model_call');
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => 'costUsd' in c && c.costUsd !== undefined)).toBe(true);
    // The agent saw only its view of the task.
    expect(JSON.stringify(model.requests[0])).not.toContain('testCommand');
  });

  it('a per-run budget ends the run before the next call', async () => {
    const trajectoryPath = join(mkdtempSync(join(tmpdir(), 'evolve-agent-')), 'trajectory.jsonl');
    const model = new ScriptedModel([
      toolCall('bash', { command: 'ls' }),
      toolCall('bash', { command: 'ls' }),
      toolCall('submit', {}),
    ]);
    const out = await agentRunner({ prices, createModel: () => model, runLimits: { calls: 1 } })({
      genome,
      task,
      sandbox: new InstantSandbox(),
      trajectoryPath,
      signal: new AbortController().signal,
    });
    expect(out.exitReason).not.toBe('submitted');
    expect(model.requests).toHaveLength(1);
  });
});
