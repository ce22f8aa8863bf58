// vitest project: e2e (real agent processes from two agent sources, graded by the hidden tests)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installedAgentCode } from '../../evaluator/agent-code.js';
import { openaiReply } from '../../agent/models/testing/wire.js';
import { runCli } from '../../cli/testing/run-cli.js';
import { now } from '../db/open.js';
import { baselineGenome, seedRoot } from '../experiments.js';
import { insertCodeVariant } from '../self-repair/variant.js';
import { initWorkspace, openWorkspace, type Workspace } from '../workspace.js';
import { commitAll, ensureAgentRepo, ensureWorktree } from './agent-repo.js';
import { getExperiment } from '../db/repos/experiments.js';

// A code variant is its code, seen from the outside: a variant whose agent loop adds a line to every system prompt,
// and a model (a local OpenAI-compatible server) that fixes the bug only when it reads that line. `evolve eval` of the
// variant resolves the task where the root does not; as champion and parent in `next-generation` its child runs its
// code; `evolve agent run --genome` of it runs its code too.

const MARK = 'VARIANT-CODE-7F3A';
const TASK = join(import.meta.dirname, '..', '..', 'tasks', 'suites', 'builtin', 'swe', 'textkit__textkit-4');
let server: ReturnType<typeof createServer>;
let url = '';
let ws: Workspace;

beforeAll(async () => {
  // Stateless replies: with the mark and no edit yet, fix the off-by-one; otherwise submit.
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const r = JSON.parse(body) as { messages: Array<{ role: string; content: unknown }>; tools?: unknown[] };
      const text = JSON.stringify(r.messages);
      const acting = (r.tools?.length ?? 0) > 0;
      const fix = acting && text.includes(MARK) && !r.messages.some((m) => m.role === 'assistant');
      const reply = fix
        ? openaiReply.toolCall(
            'c1',
            'str_replace',
            JSON.stringify({
              path: 'textkit/wrap.py',
              old_str: '+ len(word) < width',
              new_str: '+ len(word) <= width',
            }),
          )
        : acting
          ? openaiReply.toolCall('c2', 'submit', '{}')
          : openaiReply.text('1. Fix it.');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

  const suite = mkdtempSync(join(tmpdir(), 'evolve-tiny-'));
  writeFileSync(join(suite, 'suite.json'), JSON.stringify({ name: 'tiny', split: { heldout: [] } }));
  cpSync(TASK, join(suite, 'swe', 'textkit__textkit-4'), { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'evolve-variant-ws-'));
  await initWorkspace(dir);
  const cfgFile = join(dir, 'evolve.json');
  const cfg = JSON.parse(readFileSync(cfgFile, 'utf8'));
  writeFileSync(
    cfgFile,
    JSON.stringify({
      ...cfg,
      suites: { tiny: suite },
      defaults: { ...cfg.defaults, suite: 'tiny', sandbox: 'local' },
    }),
  );
  ws = await openWorkspace(dir);
  await seedRoot(ws.db, { ...baselineGenome(), model: `openai-compatible/fake@${url}` });

  // The variant: a branch of the agent repository whose loop marks every system prompt.
  const repo = await ensureAgentRepo(dir);
  await repo.git.raw(['branch', 'exp-01-r1', 'exp-01']);
  const wt = await ensureWorktree(repo, dir, 'exp-01-r1');
  const loop = join(wt, 'agent', 'loop.ts');
  const src = readFileSync(loop, 'utf8');
  const at = 'Object.assign(services, prompt);';
  expect(src).toContain(at);
  writeFileSync(loop, src.replace(at, `${at}\n  services.system = \`${MARK}\\n\${services.system}\`;`));
  await commitAll((await import('simple-git')).simpleGit({ baseDir: wt }), 'exp-01-r1: mark the system prompt');
  await insertCodeVariant(ws.db, {
    parent: await getExperiment(ws.db, 'exp-01'),
    parentBranch: 'exp-01',
    cluster: { id: 'c1', label: 'off by one' },
    hypothesis: 'The mark makes the model fix the bug.',
    authoredBy: 'exp-01',
    patch: '',
  });
  await ws.db.updateTable('experiments').set({ branch: 'exp-01-r1' }).where('id', '=', 'exp-01-r1').execute();
}, 300_000);

afterAll(async () => {
  await ws?.close();
  await new Promise((r) => server.close(r));
});

const commitOf = (branch: string) =>
  execFileSync('git', ['-C', join(ws.paths.root, 'agent-repo'), 'rev-parse', branch], { encoding: 'utf8' }).trim();
const runsOf = (id: string) =>
  ws.db.selectFrom('runs').select(['outcome', 'code', 'trajectory_path']).where('experiment_id', '=', id).execute();

it('eval runs a code variant with its code: it resolves where its parent does not, and its runs name its commit', async () => {
  const variant = await runCli(['eval', 'exp-01-r1', '--json'], ws.paths.root);
  expect(variant.code, variant.err).toBe(0);
  const root = await runCli(['eval', 'exp-01', '--json'], ws.paths.root);
  expect(root.code, root.err).toBe(0);
  expect((await runsOf('exp-01-r1')).map((r) => [r.outcome, r.code])).toEqual([['resolved', commitOf('exp-01-r1')]]);
  expect((await runsOf('exp-01')).map((r) => [r.outcome, r.code])).toEqual([['unresolved', installedAgentCode()]]);
}, 300_000);

it('agent run --genome of the variant runs its code', async () => {
  const r = await runCli(
    ['agent', 'run', '--task', 'tiny/textkit__textkit-4', '--genome', 'exp-01-r1', '--json'],
    ws.paths.root,
  );
  expect(r.code, r.err).toBe(0);
  expect(JSON.parse(r.out)).toMatchObject({ outcome: 'resolved', code: commitOf('exp-01-r1') });
}, 300_000);

it('as champion and parent in next-generation, its child runs its code', async () => {
  await ws.db
    .insertInto('decisions')
    .values({
      experiment_id: 'exp-01-r1',
      action: 'promote',
      rule: 'person',
      actor: 'person',
      reason: 'test',
      details: '{}',
      generation_id: null,
      step: null,
      created_at: now(),
    })
    .execute();
  const d = await ws.db.selectFrom('decisions').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
  await ws.db.insertInto('champions').values({ experiment_id: 'exp-01-r1', decision_id: d.id, since: now() }).execute();
  const r = await runCli(
    ['next-generation', '--children', '1', '--select', 'champion', '--evidence-rounds', '0', '--json'],
    ws.paths.root,
  );
  expect(r.code, r.err).toBe(0);
  const out = JSON.parse(r.out) as { parent: string; rows: Array<{ id: string }> };
  expect(out.parent).toBe('exp-01-r1');
  const child = out.rows[0]!.id;
  expect(child).toMatch(/^exp-01-r1-/);
  const runs = await runsOf(child);
  expect(runs.length).toBeGreaterThan(0);
  expect(runs.every((x) => x.code === commitOf('exp-01-r1'))).toBe(true);
  // The champion's own runs on these tasks are its code's: resolved.
  expect((await runsOf('exp-01-r1')).map((x) => x.outcome)).toEqual(['resolved']);
}, 600_000);

it('eval --solver oracle then eval: the oracle resolves under its own key, and the experiment keeps its own score', async () => {
  const oracle = await runCli(['eval', 'exp-01', '--solver', 'oracle', '--json'], ws.paths.root);
  expect(oracle.code, oracle.err).toBe(0);
  const own = await runCli(['eval', 'exp-01', '--json'], ws.paths.root);
  expect(own.code, own.err).toBe(0);
  const runs = await ws.db
    .selectFrom('runs')
    .select(['actor', 'outcome'])
    .where('experiment_id', '=', 'exp-01')
    .orderBy('actor')
    .execute();
  expect(runs.map((r) => [r.actor, r.outcome])).toEqual([
    ['agent', 'unresolved'],
    ['oracle', 'resolved'],
  ]);
  expect((await getExperiment(ws.db, 'exp-01')).score).toBe(0);
}, 300_000);
