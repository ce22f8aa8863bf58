import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgent } from './loop.js';
import { createModel } from './models/registry.js';
import { type FakeServer, startFakeServer } from './models/testing/fake-server.js';
import { anthropicReply, openaiReply } from './models/testing/wire.js';
import { testGenome, testTask } from './testing/fixtures.js';
import { TempDirSandbox } from './testing/temp-sandbox.js';
import { MemoryTrajectory } from './trajectory.js';

// One whole agent run through each real SDK, against a local server speaking the provider's wire format:
// the model asks for a command, sees its output, and submits.
let server: FakeServer;
afterEach(async () => server?.close());

describe('a full agent run through the real SDKs', () => {
  const cases = [
    {
      name: 'anthropic',
      model: 'anthropic/claude-test-1',
      env: (url: string) => ({ ANTHROPIC_API_KEY: 'sk-ant-test-000000', ANTHROPIC_BASE_URL: url }),
      replies: [
        anthropicReply.toolUse('toolu_1', 'bash', { command: 'echo hello > greeting.txt && cat greeting.txt' }),
        anthropicReply.toolUse('toolu_2', 'submit', {}),
      ],
      toolResultOf: (body: any) => JSON.stringify(body.messages.at(-1).content),
    },
    {
      name: 'openai',
      model: 'openai/gpt-test-1',
      env: (url: string) => ({ OPENAI_API_KEY: 'sk-test-000000', OPENAI_BASE_URL: `${url}/v1` }),
      replies: [
        openaiReply.toolCall(
          'call_1',
          'bash',
          JSON.stringify({ command: 'echo hello > greeting.txt && cat greeting.txt' }),
        ),
        openaiReply.toolCall('call_2', 'submit', '{}'),
      ],
      toolResultOf: (body: any) => JSON.stringify(body.messages.filter((m: { role: string }) => m.role === 'tool')),
    },
  ];
  for (const c of cases) {
    it(`${c.name}: runs a command in the sandbox, reads its output, submits`, async () => {
      server = await startFakeServer();
      server.reply(...c.replies);
      const model = await createModel(c.model, { env: c.env(server.url), maxRetries: 0 });
      const sandbox = await TempDirSandbox.create({ 'README.md': 'demo\n' });
      const trajectory = new MemoryTrajectory();
      const result = await runAgent({
        genome: testGenome({ model: c.model }),
        task: testTask(sandbox.workdir),
        sandbox,
        model,
        trajectory,
      });
      expect(result.exitReason).toBe('submitted');
      expect(result.steps).toBe(2);
      expect(readFileSync(join(sandbox.workdir, 'greeting.txt'), 'utf8')).toBe('hello\n');
      expect(result.diff).toContain('+hello');
      expect(server.requests).toHaveLength(2);
      // The second request carries the command's output back to the model, in the provider's own format.
      expect(c.toolResultOf(server.requests[1]!.body)).toContain('hello');
      expect(result.usage.inputTokens).toBeGreaterThan(0);
      await sandbox.dispose();
    });
  }
});
