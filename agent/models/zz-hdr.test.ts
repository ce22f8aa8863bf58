import { it } from 'vitest';
import { createModel } from '/work/main/agent/models/registry.js';
import { startFakeServer } from '/work/main/agent/models/testing/fake-server.js';
import { anthropicReply, firstRequest } from '/work/main/agent/models/testing/wire.js';
it('h', async () => {
  const s = await startFakeServer();
  s.reply(anthropicReply.text('x'));
  const m = await createModel('anthropic/claude-haiku-4-5', { env: { ANTHROPIC_API_KEY: 'sk-ant-abc1234567', ANTHROPIC_BASE_URL: s.url } });
  await m.generate(firstRequest());
  console.log(JSON.stringify(s.requests[0]!.headers, null, 1));
  await s.close();
});
