// vitest project: postgres too
// vitest project: e2e (real workspaces: 2 conditions x 3 replicates x 2 generations, a minute under load)
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/testing/run-cli.js';
import { parseCondition } from './condition.js';
import { replicateConfig } from './replicate.js';
import { runStudy, StudyInterrupted } from './run-study.js';
import { studyStatus } from './status.js';
import { createStudy, getStudy } from './studies.js';
import { scriptedLandscape, studyWorkspace } from './testing.js';
import { openWorkspace, type Workspace } from '../workspace.js';

// Studies on a real workspace (SQLite files, one workspace per replicate) with the product's nextGeneration and a
// scripted evaluator: 2 conditions x 3 replicates x 2 generations on 4 train tasks of the built-in suite.

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.close();
  ws = undefined;
});

const config = (generations = 2) => ({
  conditions: [parseCondition('random: proposer=random'), parseCondition('systematic: proposer=systematic')],
  replicates: 3,
  generations,
  seed: 7,
  shared: { subset: 4, children: 2, evidenceRounds: 0, rule: 'mean' as const },
});

describe('studies', () => {
  it('runs every replicate from the same evaluated root, records seeds, and resumes an interrupted study with no run lost or repeated', async () => {
    ws = await studyWorkspace();
    await createStudy(ws.db, 'cmp', config());
    const calls: string[] = [];
    // Interrupt the third replicate two runs into its first child.
    const ctl = new AbortController();
    const stopper = scriptedLandscape(calls);
    let armed = -1;
    let inFlight = 0;
    let inFlightAtAbort = 0;
    const log = (l: string) => {
      if (l === '[random/r2] evaluating exp-01-a') armed = calls.length;
    };
    const wiring = {
      runOne: async (...a: Parameters<typeof stopper.runOne>) => {
        inFlight++;
        const r = await stopper.runOne(...a);
        if (armed >= 0 && calls.length >= armed + 2 && !ctl.signal.aborted) {
          inFlightAtAbort = inFlight;
          ctl.abort();
        }
        inFlight--;
        return r;
      },
    };
    await expect(runStudy(ws, 'cmp', { eval: { wiring }, signal: ctl.signal, log })).rejects.toThrow(StudyInterrupted);
    const mid = await getStudy(ws.db, 'cmp');
    expect(mid.replicates.filter((r) => r.status === 'done').length).toBe(2);

    await runStudy(ws, 'cmp', { eval: { wiring: scriptedLandscape(calls) } });
    const study = await getStudy(ws.db, 'cmp');
    expect(study.replicates.map((r) => `${r.condition}/r${r.replicate} ${r.status} ${r.seed}`)).toEqual([
      'random/r1 done 1007',
      'systematic/r1 done 1007',
      'random/r2 done 2007',
      'systematic/r2 done 2007',
      'random/r3 done 3007',
      'systematic/r3 done 3007',
    ]);

    // The root ran once, in its own workspace, on 4 train tasks and the whole held-out split; every replicate starts
    // from a copy of those runs and never runs the root again. Every run finished once: the runs started equal the
    // rows in the workspaces, none pending.
    const rootDir = join(ws.paths.root, 'studies', 'cmp', 'roots');
    const roots = readdirSync(rootDir);
    expect(roots).toHaveLength(1);
    const rootWs = await openWorkspace(join(rootDir, roots[0]!));
    const rootRows = await rootWs.db.selectFrom('runs').select('status').execute();
    await rootWs.close();
    expect(calls.filter((c) => c.startsWith('exp-01 '))).toHaveLength(rootRows.length);
    let rows = rootRows.length;
    const status = await studyStatus(ws, 'cmp');
    for (const r of status.replicates) {
      expect(r.generations).toBe(2);
      expect(r.scores).toHaveLength(3);
      expect(r.sparkline).toHaveLength(3);
      expect(r.runs.pending).toBe(0);
      const rws = await openWorkspace(join(ws.paths.root, r.path));
      try {
        const runs = await rws.db
          .selectFrom('runs')
          .select(['experiment_id', 'task_id', 'repeat', 'status'])
          .where('experiment_id', '!=', 'exp-01')
          .execute();
        expect(runs.every((x) => x.status === 'done')).toBe(true);
        rows += runs.length;
        const seeds = await rws.db.selectFrom('generations').select('seed').orderBy('id').execute();
        expect(seeds.map((g) => g.seed)).toEqual([r.seed + 1, r.seed + 2]);
      } finally {
        await rws.close();
      }
    }
    // Only the runs in flight when the signal came were started again (they went back to pending, unfinished).
    expect(inFlightAtAbort).toBeGreaterThan(0);
    expect(calls.length).toBe(rows + inFlightAtAbort);
    // A replicate is a workspace: status and tree there show the champion's score by generation as a sparkline.
    const r1 = status.replicates[0]!;
    const st = await runCli(['status'], join(ws.paths.root, r1.path));
    expect(st.out).toMatch(/by generation [▁-█]{3} {2}\d+\.\d% -> \d+\.\d% over 2 generations/);
    expect(st.out).toContain(r1.sparkline);
    const tree = await runCli(['tree'], join(ws.paths.root, r1.path));
    expect(tree.out.split('\n')[0]).toMatch(/^champion by generation: [▁-█]{3} /);
    const studyOut = await runCli(['study', 'status', 'cmp'], ws.paths.root);
    expect(studyOut.out).toMatch(/random +r1 +1007 +done +2\/2 +exp-\S+ +\d+\.\d% +[▁-█]{3}/);
    // Paired replicates: the systematic proposer is the same in every replicate; the random one depends on the seed.
    const firstChildren = async (path: string) => {
      const rws = await openWorkspace(join(ws!.paths.root, path));
      try {
        return (await rws.db.selectFrom('experiments').select('change_summary').where('generation', '=', 1).execute())
          .map((e) => e.change_summary)
          .join('|');
      } finally {
        await rws.close();
      }
    };
    const sys = await Promise.all([1, 2, 3].map((k) => firstChildren(`studies/cmp/systematic/r${k}`)));
    expect(new Set(sys).size).toBe(1);
    const rnd = await Promise.all([1, 2, 3].map((k) => firstChildren(`studies/cmp/random/r${k}`)));
    expect(new Set(rnd).size).toBeGreaterThan(1);
  });

  it("a replicate keeps the workspace's settings its condition does not set, and takes those it does", async () => {
    ws = await studyWorkspace();
    const workspace = {
      version: 1,
      suites: { mine: 'suites/mine' },
      defaults: { suite: 'mine', repeats: 2 },
      lineage: { children: 5, heldoutRepeats: 1, proposer: 'random' },
    };
    writeFileSync(ws.paths.config, JSON.stringify(workspace));
    const c = replicateConfig(ws, parseCondition('a: proposer=systematic').settings, { sandbox: 'local' });
    expect(c.defaults).toEqual({ suite: 'mine', repeats: 2, sandbox: 'local' });
    expect(c.lineage).toEqual({ children: 5, heldoutRepeats: 1, proposer: 'systematic' });
    expect(c.suites).toEqual({ mine: join(ws.paths.root, 'suites/mine') });
  });

  it('the same study name twice and a bad condition are refused, naming the flag and key', async () => {
    ws = await studyWorkspace();
    expect(() => parseCondition('x: proposer=clever')).toThrow(
      /--condition "x: proposer=clever": proposer: "clever" is not a known proposer/,
    );
    expect(() => parseCondition('x: colour=red')).toThrow(/unknown key "colour"/);
    expect(() => parseCondition('x: children')).toThrow(/"children" is not key=value/);
    await createStudy(ws.db, 'one', { ...config(1), replicates: 1 });
    await expect(createStudy(ws.db, 'one', config(1))).rejects.toThrow(/study one already exists/);
    const cli = await runCli(
      ['study', 'create', 'bad', '--generations', '1', '--condition', 'a: rule=maybe'],
      ws.paths.root,
    );
    expect(cli.code).toBe(2);
    expect(cli.err).toMatch(/rule: "maybe" is not a known promotion rule/);
    expect(existsSync(join(ws.paths.root, 'studies', 'bad'))).toBe(false);
  });
});
