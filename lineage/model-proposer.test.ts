// vitest project: postgres too
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Genome } from '../agent/genome.js';
import { say, type ScriptedEntry } from '../agent/models/scripted.js';
import type { ModelRequest } from '../agent/models/types.js';
import { startFakeServer } from '../agent/models/testing/fake-server.js';
import { openaiReply } from '../agent/models/testing/wire.js';
import type { RunJob } from '../evaluator/job.js';
import type { RunResult } from '../evaluator/store.js';
import { readContext, renderContext } from './context.js';
import { now } from './db/open.js';
import { baselineGenome, insertChild } from './experiments.js';
import { ModelProposal, modelProposals, proposalGenome } from './model-proposer.js';
import { nextGeneration } from './next-generation.js';
import { GOLD_PATCH, HIDDEN_TESTS, repairWorkspace, TASK_IDS } from './self-repair/testing.js';
import type { Workspace } from './workspace.js';
import { getExperiment } from './db/repos/experiments.js';
import { recordDecision } from './db/repos/decisions.js';

// The model proposer on a real workspace (fresh SQLite file per test): what it reads, what it accepts and rejects.

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

const parent: Genome = { ...baselineGenome(), model: 'scripted' };
const P = (o: Record<string, unknown>) => ModelProposal.parse({ hypothesis: 'a testable reason for the change', ...o });

/** exp-01 with one refuted child (memory window{turns:8}) and both of its failing runs in one failure cluster. */
async function triedWorkspace(): Promise<Workspace> {
  const w = await repairWorkspace();
  const root = await getExperiment(w.db, 'exp-01');
  const built = proposalGenome(parent, P({ slot: 'memory', policy: 'window', params: { turns: 8 } }));
  if ('error' in built) throw new Error(built.error);
  await insertChild(w.db, {
    parent: root,
    genome: built.genome,
    hypothesis: 'A short window keeps the agent focused on the latest test output.',
    proposer: 'systematic',
    generation: 1,
  });
  await w.db
    .updateTable('experiments')
    .set({
      status: 'retired',
      verdict: 'refuted',
      learned: 'Worse than the champion by 50.0 points on 2 shared tasks.',
      score: 0,
    })
    .where('id', '=', 'exp-01-a')
    .execute();
  await recordDecision(w.db, {
    experimentId: 'exp-01-a',
    action: 'retire',
    rule: 'paired-significant',
    actor: 'rule',
    reason: 'refuted: worse than the champion on the shared tasks',
  });
  await w.db
    .insertInto('failure_clusters')
    .values({
      id: 'fc-test',
      label: 'submitted; change did not fix the failing tests',
      signature: '{}',
      first_seen_experiment: 'exp-01',
      created_at: now(),
      updated_at: now(),
    })
    .execute();
  await w.db.updateTable('runs').set({ cluster_id: 'fc-test' }).where('experiment_id', '=', 'exp-01').execute();
  return w;
}

const ctxOf = async (w: Workspace, k = 2) => ({
  parent: await getExperiment(w.db, 'exp-01'),
  k,
  tried: new Set<string>(),
  seed: 1,
});
const reply = (proposals: unknown[]) => JSON.stringify({ proposals });

describe('proposalGenome', () => {
  it('builds one-change children and names what is wrong with the others', () => {
    const ok = proposalGenome(parent, P({ slot: 'tools', policy: 'search' }));
    expect('genome' in ok && ok.genome.tools.name).toBe('search');
    expect(proposalGenome(parent, P({ slot: 'memory', policy: 'magic' }))).toEqual({
      error: expect.stringMatching(/unknown memory policy "magic" \(known: full, window, summarize, notes\)/),
    });
    expect(proposalGenome(parent, P({ slot: 'memory', policy: 'window', params: { turns: 'many' } }))).toEqual({
      error: expect.stringMatching(/bad params for memory window: turns/),
    });
    expect(proposalGenome(parent, P({ slot: 'memory' }))).toEqual({ error: expect.stringMatching(/needs a "policy"/) });
    expect(proposalGenome(parent, P({ slot: 'budgets', params: { steps: 60, wallClockSec: 100 } }))).toEqual({
      error: expect.stringMatching(/not one change: it changes 2 things/),
    });
    expect(proposalGenome(parent, P({ slot: 'budgets', params: { speed: 3 } }))).toEqual({
      error: expect.stringMatching(/bad params for budgets/),
    });
    expect(
      proposalGenome(
        parent,
        P({ slot: parent.planning.name === 'none' ? 'planning' : 'planning', policy: parent.planning.name }),
      ),
    ).toEqual({ error: expect.stringMatching(/changes nothing/) });
    expect(ModelProposal.safeParse({ slot: 'model', hypothesis: 'use a bigger model for everything' }).success).toBe(
      false,
    );
  });
});

describe('evolve context', () => {
  it('lists what was tried from the parent, verdicts, mechanisms and recurring clusters, and nothing hidden', async () => {
    ws = await triedWorkspace();
    const c = await readContext(ws.db);
    expect(c.parent.id).toBe('exp-01');
    expect(c.tried).toEqual([
      expect.objectContaining({
        id: 'exp-01-a',
        change: 'memory: full -> window{turns:8}',
        verdict: 'refuted',
        decision: { action: 'retire', actor: 'rule', reason: 'refuted: worse than the champion on the shared tasks' },
      }),
    ]);
    expect(c.refuted).toEqual(['memory: full -> window{turns:8} (exp-01-a)']);
    expect(c.confirmed).toEqual([]);
    expect(c.clusters).toEqual([
      {
        id: 'fc-test',
        label: 'submitted; change did not fix the failing tests',
        runs: 2,
        tasks: 2,
        experiments: 1,
        recurring: false,
      },
    ]);
    const text = renderContext(c);
    expect(text).toMatch(/Context for exp-01 \(champion\)/);
    expect(text).toMatch(
      /- exp-01-a {2}memory: full -> window\{turns:8\} {2}score 0\.0% {2}refuted {2}decision retire \(rule\)/,
    );
    expect(text).toMatch(/Refuted mechanisms: memory: full -> window\{turns:8\} \(exp-01-a\)/);
    expect(text).toMatch(/- submitted; change did not fix the failing tests: 2 runs on 2 tasks, in 1 experiment/);
    for (const secret of [...HIDDEN_TESTS, 'SECRET-EXPECTED', 'GOLD-ONLY', GOLD_PATCH])
      expect(text + JSON.stringify(c)).not.toContain(secret);
    await expect(readContext(ws.db, 'exp-99')).rejects.toThrow(/no experiment exp-99/);
  });
});

describe('model proposer', () => {
  it('reads exactly the context, keeps valid one-change proposals and rejects the rest with reasons', async () => {
    ws = await triedWorkspace();
    const w = ws;
    let seen: ModelRequest | undefined;
    const script: ScriptedEntry[] = [
      (request) => {
        seen = request;
        return say(
          `Here: ${reply([
            { slot: 'tools', policy: 'search', hypothesis: 'Search tools find the slug code faster than plain bash.' },
            {
              slot: 'memory',
              policy: 'window',
              params: { turns: 8 },
              hypothesis: 'Try the short window again, it must work.',
            },
            { slot: 'planning', policy: 'telepathy', hypothesis: 'Reading minds plans better than writing plans.' },
            {
              slot: 'memory',
              policy: 'window',
              params: { turns: -3 },
              hypothesis: 'A negative window forgets everything useful.',
            },
            {
              slot: 'budgets',
              params: { steps: 60, wallClockSec: 100 },
              hypothesis: 'More steps and less time at once.',
            },
            { slot: 'tools', policy: 'search', hypothesis: 'The same change twice, to see if it is caught.' },
          ])}`,
        );
      },
    ];
    const lines: string[] = [];
    const r = await modelProposals(w, await ctxOf(w), { model: 'scripted', script, log: (l) => lines.push(l) });
    expect(r.proposer).toBe('model:scripted');
    expect(r.proposals.map((p) => [p.genome.tools.name, p.hypothesis])).toEqual([
      ['search', 'Search tools find the slug code faster than plain bash.'],
    ]);
    expect(r.rejected).toEqual([
      expect.stringMatching(/^proposal 1: duplicate: memory: full -> window\{turns:8\} was already tried from exp-01/),
      expect.stringMatching(/^proposal 2: unknown planning policy "telepathy"/),
      expect.stringMatching(/^proposal 3: bad params for memory window: turns/),
      expect.stringMatching(/^proposal 4: not one change/),
      expect.stringMatching(/^proposal 5: duplicate/),
    ]);
    expect(lines.join('\n')).toMatch(/model proposer: rejected proposal 1: duplicate/);
    // One function, two consumers: the prompt holds `evolve context`'s text verbatim, and nothing hidden.
    const prompt = JSON.stringify(seen?.messages);
    expect(seen?.purpose).toBe('proposer');
    expect((seen?.messages[0]?.content as string).includes(renderContext(await readContext(w.db, 'exp-01')))).toBe(
      true,
    );
    for (const secret of [...HIDDEN_TESTS, 'SECRET-EXPECTED', 'GOLD-ONLY']) expect(prompt).not.toContain(secret);
  });

  it('falls back to systematic, and says so, with no model, the offline model, or only invalid proposals', async () => {
    ws = await triedWorkspace();
    const none = await modelProposals(ws, await ctxOf(ws));
    expect([none.proposer, none.proposals.length]).toEqual(['systematic', 2]);
    expect(none.note).toMatch(/no proposer model set \(--proposer-model or lineage\.proposerModel/);
    expect((await modelProposals(ws, await ctxOf(ws), { model: 'offline' })).note).toMatch(
      /"offline" cannot write proposals; fell back to the systematic proposer/,
    );
    const bad = await modelProposals(ws, await ctxOf(ws), {
      model: 'scripted',
      script: [say('I would rather not say.')],
    });
    expect(bad.proposer).toBe('systematic');
    expect(bad.note).toMatch(/every proposal from "scripted" was invalid \(reply: not valid JSON\)/);
    const broken = await modelProposals(ws, await ctxOf(ws), { model: 'anthropic/claude-haiku-4-5', env: {} });
    expect(broken.note).toMatch(/"anthropic\/claude-haiku-4-5" is not usable .*ANTHROPIC_API_KEY.*fell back/);
  });

  it('drives next-generation with --proposer model: children and rejections are recorded', async () => {
    ws = await triedWorkspace();
    const w = ws;
    const runOne = async (job: RunJob): Promise<RunResult> => {
      const patchPath = join(w.paths.runs, `${job.experimentId}-${job.task.id}.diff`);
      writeFileSync(patchPath, 'diff\n');
      return { outcome: 'unresolved', exitReason: 'submitted', durationMs: 10, costUsd: 0, patchPath };
    };
    const script = [
      say(
        reply([
          { slot: 'prompt', policy: 'terse', hypothesis: 'A terse prompt leaves room for the test output.' },
          { slot: 'memory', policy: 'nope', hypothesis: 'An unknown policy must be refused.' },
        ]),
      ),
    ];
    const r = await nextGeneration(w, {
      children: 2,
      proposer: 'model',
      proposerModel: 'scripted',
      modelProposer: { script },
      confirm: false,
      seed: 3,
      eval: { suite: 'mini', wiring: { runOne } },
    });
    expect(r.rows.map((x) => [x.id, x.change])).toEqual([['exp-01-b', 'prompt: detailed -> terse{skills:[]}']]);
    const kid = await getExperiment(w.db, 'exp-01-b');
    expect([kid.proposer, kid.hypothesis]).toEqual([
      'model:scripted',
      'A terse prompt leaves room for the test output.',
    ]);
    const gen = JSON.parse((await w.db.selectFrom('generations').select('config').executeTakeFirstOrThrow()).config);
    expect(gen.modelProposer).toEqual({
      proposer: 'model:scripted',
      note: expect.stringMatching(/1 child proposed by scripted/),
      rejected: [expect.stringMatching(/proposal 1: unknown memory policy "nope"/)],
    });
    expect(TASK_IDS.length).toBe(2);
  });

  it('works through the real openai SDK against a local wire-format server', async () => {
    ws = await triedWorkspace();
    const server = await startFakeServer();
    try {
      server.reply(
        openaiReply.text(
          reply([
            {
              slot: 'budgets',
              params: { steps: 60 },
              hypothesis: 'More steps let the agent rerun the tests after its fix.',
            },
          ]),
        ),
      );
      const r = await modelProposals(ws, await ctxOf(ws, 1), {
        model: `openai-compatible/proposer-1@${server.url}/v1`,
        env: {},
      });
      expect(r.proposer).toBe(`model:openai-compatible/proposer-1@${server.url}/v1`);
      expect(r.proposals.map((p) => p.genome.budgets.steps)).toEqual([60]);
      const body = server.requests[0]?.body as { model: string; messages: Array<{ role: string; content: string }> };
      expect(body.model).toBe('proposer-1');
      expect(
        body.messages.some((m) => m.content.includes('Refuted mechanisms: memory: full -> window{turns:8} (exp-01-a)')),
      ).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('reads the raw material through its tools (trajectories, masked grading reports) before it answers', async () => {
    ws = await triedWorkspace();
    const server = await startFakeServer();
    try {
      server.reply(
        openaiReply.toolCall('c1', 'raw_grep', JSON.stringify({ pattern: 'AssertionError' })),
        openaiReply.toolCall(
          'c2',
          'raw_read',
          JSON.stringify({ path: 'runs/exp-01/mini__mini__slug-1__r0-failed/grader.json' }),
        ),
        openaiReply.toolCall('c3', 'raw_read', JSON.stringify({ path: '../../etc/passwd' })),
        openaiReply.text(
          reply([{ slot: 'budgets', params: { steps: 60 }, hypothesis: 'More steps let it rerun the failing test.' }]),
        ),
      );
      const r = await modelProposals(
        ws,
        { ...(await ctxOf(ws, 1)), generation: 1 },
        {
          model: `openai-compatible/proposer-1@${server.url}/v1`,
          env: {},
        },
      );
      expect(r.proposals.map((p) => p.genome.budgets.steps)).toEqual([60]);
      expect(server.requests).toHaveLength(4);
      const first = server.requests[0]!.body as { tools: Array<{ function: { name: string } }> };
      expect(first.tools.map((t) => t.function.name)).toEqual(['raw_list', 'raw_read', 'raw_grep']);
      const results = (server.requests[3]!.body as { messages: Array<{ role: string; content: string }> }).messages
        .filter((m) => m.role === 'tool')
        .map((m) => m.content);
      // The grep found the agent's own test output in a trajectory; the report reads with its names masked.
      expect(results[0]).toMatch(/runs\/exp-01\/mini__mini__slug-1__r0-failed\/trajectory\.jsonl:1: .*AssertionError/);
      expect(results[1]).toMatch(/"failure": \[\s*"\[hidden\]"\s*\]/);
      expect(results[2]).toMatch(/outside the raw-material folder/);
      const sent = JSON.stringify(server.requests.map((q) => q.body));
      for (const secret of [...HIDDEN_TESTS, 'SECRET-EXPECTED', 'GOLD-ONLY']) expect(sent).not.toContain(secret);
      expect(GOLD_PATCH).toContain('GOLD-ONLY');
      const spend = await ws.db.selectFrom('model_calls').select(['purpose', 'calls']).execute();
      expect(spend).toEqual([{ purpose: 'proposer', calls: 4 }]);
    } finally {
      await server.close();
    }
  });
});
