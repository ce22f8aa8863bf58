import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Task } from '../tasks/schema.js';
import type { RunJob } from './job.js';
import { makeRunOne, type RunDeps } from './run-one.js';
import type { Sandbox, SandboxProvider, SandboxSpec } from './sandbox/types.js';

// The run sequence with recording fakes: order of containers, what is infra and what is the agent's doing.

const task = Task.parse({
  id: 'demo-1',
  suite: 't',
  kind: 'swebench',
  statement: 's',
  environment: { image: 'img:1' },
  workspace: { kind: 'image' },
  grader: { kind: 'swebench', testPatch: '', testCommand: 'true', failToPass: [], passToPass: [] },
});

function fakes(over: Partial<RunDeps> = {}, createFails?: Error) {
  const log: string[] = [];
  let n = 0;
  const provider: SandboxProvider = {
    name: 'local',
    async create(spec: SandboxSpec) {
      if (createFails) throw createFails;
      const id = `sb${++n}:${spec.labels?.['evolve.role']}`;
      log.push(`create ${id}`);
      const sb: Sandbox = {
        id,
        workdir: '/testbed',
        exec: async () => ({ exitCode: 0, output: '', timedOut: false, truncated: false, durationMs: 0 }),
        writeFile: async () => undefined,
        readFile: async () => '',
        copyIn: async () => undefined,
        copyOut: async () => undefined,
        diff: async () => 'diff --git a/x b/x\n',
        dispose: async () => void log.push(`dispose ${id}`),
      };
      return sb;
    },
  };
  const deps: RunDeps = {
    provider,
    runsDir: mkdtempSync(join(tmpdir(), 'evolve-runone-')),
    prepareWorkspace: async (_t, sb) => void log.push(`prepare ${sb.id}`),
    grade: async (_t, sb, patch) => (
      log.push(`grade ${sb.id} ${patch.length}`), { resolved: true, report: { 'demo-1': { resolved: true } } }
    ),
    solve: async (name, _t, sb) => void log.push(`solve ${name} ${sb.id}`),
    runAgent: async ({ sandbox }) => (
      log.push(`agent ${sandbox.id}`),
      { exitReason: 'submitted', inputTokens: 10, outputTokens: 2, costUsd: 0.01, steps: 3 }
    ),
    ...over,
  };
  return { deps, log };
}

const job = (actor: RunJob['actor']): RunJob => ({
  runId: 1,
  evaluationId: 1,
  experimentId: 'exp-01',
  task,
  repeat: 0,
  attempt: 1,
  actor,
  labels: { 'evolve.experiment': 'exp-01' },
});
const genome = {
  model: 'offline',
  planning: { name: 'none', params: {} },
  tools: { name: 'bash-only', params: {} },
  memory: { name: 'full', params: {} },
  prompt: { name: 'terse', params: {} },
  budgets: { steps: 5, wallClockSec: 60 },
};

describe('runOne', () => {
  it('grades in a second fresh sandbox, made ready meanwhile, that gets the patch only after the agent sandbox is gone', async () => {
    const { deps, log } = fakes();
    const r = await makeRunOne(deps)(job({ kind: 'genome', genome }), new AbortController().signal);
    const agent = log.find((l) => l.endsWith(':agent'))!.split(' ')[1]!;
    const grader = log.find((l) => l.endsWith(':grader'))!.split(' ')[1]!;
    const at = (line: string) => log.indexOf(line);
    expect([...log].sort()).toEqual(
      [
        `agent ${agent}`,
        `create ${agent}`,
        `create ${grader}`,
        `dispose ${agent}`,
        `dispose ${grader}`,
        `grade ${grader} 19`,
        `prepare ${agent}`,
        `prepare ${grader}`,
      ].sort(),
    );
    expect(at(`prepare ${grader}`)).toBeLessThan(at(`dispose ${agent}`)); // ready while the agent worked
    expect(at(`grade ${grader} 19`)).toBeGreaterThan(at(`dispose ${agent}`)); // hidden tests only once it is gone
    expect(at(`dispose ${grader}`)).toBe(log.length - 1);
    expect(r).toMatchObject({ outcome: 'resolved', exitReason: 'submitted', inputTokens: 10, costUsd: 0.01, steps: 3 });
    expect(r.infraError).toBeUndefined();
    expect(readFileSync(r.patchPath!, 'utf8')).toBe('diff --git a/x b/x\n');
    expect(r.trajectoryPath).toMatch(/exp-01\/demo-1\/r0-a1\/trajectory.jsonl$/);
  });

  it('returns before the engine confirms the kills, and settle() waits for every one', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gone: string[] = [];
    const { deps } = fakes();
    const create = deps.provider.create.bind(deps.provider);
    deps.provider = {
      ...deps.provider,
      create: async (spec) => {
        const sb = await create(spec);
        return {
          ...sb,
          dispose: async () => {
            await gate;
            gone.push(sb.id);
          },
        };
      },
    };
    const runOne = makeRunOne(deps);
    const r = await runOne(job({ kind: 'genome', genome }), new AbortController().signal);
    expect([r.outcome, gone]).toEqual(['resolved', []]);
    let settled = false;
    const settling = runOne.settle().then(() => (settled = true));
    await new Promise((x) => setTimeout(x, 20));
    expect(settled).toBe(false);
    release();
    await settling;
    expect(gone.sort()).toEqual(['sb1:grader', 'sb2:agent']);
  });

  it('runs a solver instead of the agent', async () => {
    const { deps, log } = fakes();
    const r = await makeRunOne(deps)(job({ kind: 'solver', solver: 'oracle' }), new AbortController().signal);
    expect(log).toContain('solve oracle sb2:agent');
    expect(r.outcome).toBe('resolved');
    expect(existsSync(r.patchPath!)).toBe(true);
  });

  it('grades a solver whose patch is known in the grading sandbox alone; one graded in place still gets its sandbox', async () => {
    const gold = 'diff --git a/g b/g\n';
    const { deps, log } = fakes({ knownPatch: (name) => (name === 'oracle' ? gold : undefined) });
    const r = await makeRunOne(deps)(job({ kind: 'solver', solver: 'oracle' }), new AbortController().signal);
    expect(log).toEqual([
      'create sb1:grader',
      'prepare sb1:grader',
      `grade sb1:grader ${gold.length}`,
      'dispose sb1:grader',
    ]);
    expect(r).toMatchObject({ outcome: 'resolved', exitReason: 'submitted' });
    expect(readFileSync(r.patchPath!, 'utf8')).toBe(gold);
    const warmed = fakes({ knownPatch: () => gold });
    warmed.deps.warmWorkspace = (t) => void warmed.log.push(`warm ${t.id}`);
    await makeRunOne(warmed.deps)(job({ kind: 'solver', solver: 'oracle' }), new AbortController().signal);
    expect(warmed.log.slice(0, 2)).toEqual(['warm demo-1', 'create sb1:grader']); // host work overlaps the start
    const other = fakes({ knownPatch: () => gold, gradeInPlace: () => true });
    await makeRunOne(other.deps)(job({ kind: 'solver', solver: 'oracle' }), new AbortController().signal);
    expect(other.log).toEqual([
      'create sb1:agent',
      'prepare sb1:agent',
      'solve oracle sb1:agent',
      'grade sb1:agent 19',
      'dispose sb1:agent',
    ]);
  });

  it('keeps machinery failures apart from agent failures', async () => {
    const engine = Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { kind: 'engine_unavailable' });
    const noEngine = await makeRunOne(fakes({}, engine).deps)(
      job({ kind: 'solver', solver: 'null' }),
      new AbortController().signal,
    );
    expect([noEngine.outcome, noEngine.infraError?.kind]).toEqual([null, 'engine_unavailable']);

    const badLog = fakes({
      grade: async () => {
        throw Object.assign(new Error('no test results in log'), { kind: 'unparseable_log' });
      },
    });
    const r = await makeRunOne(badLog.deps)(job({ kind: 'genome', genome }), new AbortController().signal);
    expect([r.outcome, r.infraError?.kind, r.exitReason]).toEqual([null, 'unparseable_log', 'submitted']);
    expect(badLog.log.filter((l) => l.startsWith('dispose'))).toHaveLength(2);

    const dying = fakes({ runAgent: async () => ({ exitReason: 'sandbox_error' }) });
    const died = await makeRunOne(dying.deps)(job({ kind: 'genome', genome }), new AbortController().signal);
    expect([died.outcome, died.infraError?.kind]).toEqual([null, 'sandbox_error']);
    expect(dying.log.filter((l) => l.startsWith('dispose')).sort()).toEqual([
      'dispose sb1:grader',
      'dispose sb2:agent',
    ]); // the unused grader too
    expect(dying.log.some((l) => l.startsWith('grade'))).toBe(false);

    const noGrader = fakes({
      prepareWorkspace: async (_t, sb) => {
        if (sb.id.endsWith('grader')) throw Object.assign(new Error('copy failed'), { kind: 'io' });
      },
    });
    const unprepared = await makeRunOne(noGrader.deps)(job({ kind: 'genome', genome }), new AbortController().signal);
    expect([unprepared.outcome, unprepared.infraError?.kind, unprepared.infraError?.message]).toEqual([
      null,
      'io',
      'grade: prepare workspace: copy failed',
    ]);
    expect(noGrader.log.filter((l) => l.startsWith('dispose')).sort()).toEqual([
      'dispose sb1:grader',
      'dispose sb2:agent',
    ]);

    const gaveUp = fakes({
      runAgent: async () => ({ exitReason: 'step_limit' }),
      grade: async () => ({ resolved: false, report: {} }),
    });
    const lost = await makeRunOne(gaveUp.deps)(job({ kind: 'genome', genome }), new AbortController().signal);
    expect([lost.outcome, lost.exitReason, lost.infraError]).toEqual(['unresolved', 'step_limit', undefined]);
  });

  it("grades what an agent's own failures leave, so a crash or a claimed sandbox failure cannot drop a lost task", async () => {
    // Infra errors are retried and then left out of the paired comparison: an agent that could make one at will would
    // keep its wins and hide its losses. Only the evaluator's own sight of the sandbox failing makes one.
    const graded = (runAgent: RunDeps['runAgent']) =>
      fakes({ runAgent, grade: async () => ({ resolved: false, report: {} }) });
    const crash = graded(async () => {
      throw Object.assign(new Error('the agent process ended (exit 1) before its result'), { kind: 'agent_crash' });
    });
    const crashed = await makeRunOne(crash.deps)(job({ kind: 'genome', genome }), new AbortController().signal);
    expect([crashed.outcome, crashed.exitReason, crashed.infraError]).toEqual(['unresolved', 'agent_error', undefined]);
    expect(readFileSync(join(crashed.trajectoryPath!, '..', 'agent-error.txt'), 'utf8')).toMatch(/before its result/);

    const claims = graded(async () => ({ exitReason: 'sandbox_error', sandboxFailed: false }));
    const claimed = await makeRunOne(claims.deps)(job({ kind: 'genome', genome }), new AbortController().signal);
    expect([claimed.outcome, claimed.exitReason, claimed.infraError]).toEqual(['unresolved', 'agent_error', undefined]);

    const seen = graded(async () => ({ exitReason: 'sandbox_error', sandboxFailed: true }));
    const failed = await makeRunOne(seen.deps)(job({ kind: 'genome', genome }), new AbortController().signal);
    expect([failed.outcome, failed.infraError?.kind]).toEqual([null, 'sandbox_error']);

    const unstarted = graded(async () => {
      throw Object.assign(new Error('the agent process could not start: EAGAIN'), { kind: 'agent_start' });
    });
    const notRun = await makeRunOne(unstarted.deps)(job({ kind: 'genome', genome }), new AbortController().signal);
    expect([notRun.outcome, notRun.infraError?.kind]).toEqual([null, 'agent_start']);
  });

  it('grades an in-place task in a fresh sandbox of the frozen agent sandbox, with its changes as evidence', async () => {
    const changes = [{ path: '/app/pytest.py', kind: 'added' as const }];
    const evidence: unknown[] = [];
    const { deps, log } = fakes({
      gradeInPlace: () => true,
      grade: async (_t, sb, patch, _s, ev) => (
        log.push(`grade ${sb.id} ${patch.length}`), evidence.push(ev), { resolved: false, report: {} }
      ),
    });
    const create = deps.provider.create.bind(deps.provider);
    deps.provider = {
      ...deps.provider,
      create: async (spec) => {
        const sb = await create(spec);
        log.push(`image ${sb.id} ${typeof spec.image === 'string' ? spec.image : 'recipe'}`);
        return {
          ...sb,
          diff: async () => (log.push(`diff ${sb.id}`), 'diff --git a/y b/y\n'),
          freeze: async () => (
            log.push(`freeze ${sb.id}`),
            { image: 'sha256:snap', changes, release: async () => void log.push('release sha256:snap') }
          ),
        };
      },
    };
    const runOne = makeRunOne(deps);
    const r = await runOne(job({ kind: 'genome', genome }), new AbortController().signal);
    await runOne.settle();
    expect(log).toEqual([
      'create sb1:agent',
      'image sb1:agent img:1',
      'prepare sb1:agent',
      'agent sb1:agent',
      'freeze sb1:agent', // every agent process stopped; never a diff or a test in its sandbox
      'create sb2:grader',
      'image sb2:grader sha256:snap',
      'diff sb2:grader',
      'grade sb2:grader 19',
      'dispose sb2:grader',
      'release sha256:snap', // only once no sandbox runs from it
    ]);
    expect(evidence).toEqual([{ changes }]);
    expect(r).toMatchObject({ outcome: 'unresolved', exitReason: 'submitted' });
    expect(readFileSync(r.patchPath!, 'utf8')).toBe('diff --git a/y b/y\n');
  });

  it("counts an agent's grading that printed no results as unresolved, unless the oracle's prints none either", async () => {
    const silent = Object.assign(new Error('the tests printed no results (exit 3)'), { kind: 'no_test_output' });
    const { deps, log } = fakes({
      grade: async (_t, sb) => {
        log.push(`grade ${sb.id}`);
        throw silent;
      },
    });
    let oracleSilent = false;
    deps.grade = async (_t, sb, patch) => {
      log.push(`grade ${sb.id}`);
      if (patch === 'gold' && !oracleSilent) return { resolved: true, report: {} };
      throw silent;
    };
    deps.knownPatch = (name) => (name === 'oracle' ? 'gold' : undefined);
    const agentRun = await makeRunOne(deps)(job({ kind: 'genome', genome }), new AbortController().signal);
    expect(agentRun).toMatchObject({ outcome: 'unresolved', report: { no_test_output: true } });
    expect(agentRun.infraError).toBeUndefined();
    oracleSilent = true;
    const broken = await makeRunOne(deps)(job({ kind: 'genome', genome }), new AbortController().signal);
    expect([broken.outcome, broken.infraError?.kind]).toEqual([null, 'no_test_output']);
    // A solver's silent grading stays an infra error: suite validation reports the task.
    const oracle = await makeRunOne(deps)(job({ kind: 'solver', solver: 'oracle' }), new AbortController().signal);
    expect(oracle.infraError?.kind).toBe('no_test_output');
  });

  it("counts an agent's patch that the test patch no longer applies over as unresolved, unless the gold patch's fails too", async () => {
    const conflict = Object.assign(new Error('t1: the test patch does not apply to the workspace'), {
      kind: 'test_patch_failed',
    });
    const { deps } = fakes({});
    let goldConflicts = false;
    deps.grade = async (_t, _sb, patch) => {
      if (patch === 'gold' && !goldConflicts) return { resolved: true, report: {} };
      throw conflict;
    };
    deps.knownPatch = (name) => (name === 'oracle' ? 'gold' : undefined);
    const agentRun = await makeRunOne(deps)(job({ kind: 'genome', genome }), new AbortController().signal);
    expect(agentRun).toMatchObject({ outcome: 'unresolved', report: { test_patch_failed: true } });
    expect(agentRun.infraError).toBeUndefined();
    goldConflicts = true;
    const broken = await makeRunOne(deps)(job({ kind: 'genome', genome }), new AbortController().signal);
    expect([broken.outcome, broken.infraError?.kind]).toEqual([null, 'test_patch_failed']);
  });
});
