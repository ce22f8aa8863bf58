// vitest project: postgres too
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { genomeHash, Genome } from '../agent/genome.js';
import { ScriptedModel, toolCall } from '../agent/models/scripted.js';
import { ModelError } from '../agent/models/types.js';
import { InstantSandbox } from '../agent/testing/instant-sandbox.js';
import { agentRunner } from '../evaluator/agent-runner.js';
import { makeRunOne } from '../evaluator/run-one.js';
import { Task } from '../tasks/schema.js';
import { now } from './db/open.js';
import { evaluateExperiment } from './evaluate-experiment.js';
import { exportExperiments } from './export-experiments.js';
import { initWorkspace, openWorkspace, type Workspace } from './workspace.js';

// A key echoed by the agent's command, quoted back by a provider's 401, left in the agent's patch and in the
// grader's report: after a real evaluation (confined agent, run store in SQLite, experiment folder, exports),
// grep finds it nowhere in the workspace.

const KEY = 'sk-evolveleak-9f8e7d6c5b4a39281706';
const genome = Genome.parse(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'experiments', 'exp-01', 'genome.json'), 'utf8')),
);
const task = Task.parse({
  id: 'leak-1',
  suite: 'mini',
  kind: 'swebench',
  statement: 's',
  environment: { image: 'x' },
  workspace: { kind: 'image' },
  grader: { kind: 'swebench', testPatch: '', testCommand: 'true', failToPass: [], passToPass: [] },
});

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
  delete process.env.EVOLVE_LEAK_API_KEY;
});

class LeakySandbox extends InstantSandbox {
  override async diff(): Promise<string> {
    return `--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+token=${KEY}\n`;
  }
}

describe('redaction everywhere', () => {
  it('a key echoed by the agent and quoted by a provider 401 is found nowhere in the workspace afterwards', async () => {
    process.env.EVOLVE_LEAK_API_KEY = KEY;
    const dir = mkdtempSync(join(tmpdir(), 'evolve-ws-'));
    await initWorkspace(dir);
    ws = await openWorkspace(dir);
    await ws.db
      .insertInto('suites')
      .values({ id: 'mini', kind: 'swebench', source: 'test', meta: '{}', created_at: now() })
      .execute();
    await ws.db
      .insertInto('tasks')
      .values({
        id: task.id,
        suite_id: 'mini',
        kind: 'swebench',
        difficulty: 'easy',
        tags: '[]',
        split: 'train',
        spec: JSON.stringify(task),
      })
      .execute();
    await ws.db
      .insertInto('experiments')
      .values({
        id: 'exp-01',
        parent_id: null,
        generation: 0,
        genome: JSON.stringify(genome),
        genome_hash: genomeHash(genome),
        change: '{"kind":"root"}',
        change_summary: 'baseline',
        hypothesis: 'h',
        status: 'proposed',
        proposer: null,
        authored_by: null,
        branch: null,
        seed: null,
        verdict: null,
        learned: null,
        score: null,
        score_lo: null,
        score_hi: null,
        cost_usd: null,
        flags: '[]',
        created_at: now(),
        finished_at: null,
      })
      .execute();
    const model = () =>
      new ScriptedModel([
        toolCall('bash', { command: `echo $OPENAI_API_KEY; echo ${KEY}` }),
        new ModelError('auth', `401 Incorrect API key provided: ${KEY}. You can find your API key at ...`, 401),
      ]);
    const runOne = makeRunOne({
      provider: { name: 'local', create: async () => new LeakySandbox(() => `OPENAI_API_KEY=${KEY}\n`) },
      runsDir: ws.paths.runs,
      prepareWorkspace: async () => {},
      grade: async () => ({ resolved: false, report: { log: `FAILED test_auth: expected key ${KEY}` } }),
      solve: async () => {},
      runAgent: agentRunner({ createModel: model }),
    });
    const r = await evaluateExperiment(ws, { experimentId: 'exp-01', suite: 'mini', wiring: { runOne } });
    expect(r.status).toBe('done');
    await runOne.settle();
    await exportExperiments(ws, { outDir: join(dir, 'export') });
    await ws.close();
    ws = undefined;
    // The run really happened and was recorded: a trajectory with the agent's command, in place of the key a marker.
    const found = spawnSync('grep', ['-rl', '--binary-files=text', 'REDACTED', dir], { encoding: 'utf8' }).stdout;
    expect(found).toMatch(/trajectory\.jsonl/);
    expect(spawnSync('grep', ['-rl', '--binary-files=text', KEY, dir], { encoding: 'utf8' }).stdout).toBe('');
  });
});
