// vitest project: postgres too
// vitest project: e2e (a real browser)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/testing/run-cli.js';
import { parseCondition } from '../study/condition.js';
import { runStudy } from '../study/run-study.js';
import { createStudy, getStudy } from '../study/studies.js';
import { scriptedLandscape, studyWorkspace } from '../study/testing.js';
import { openWorkspace, type Workspace } from '../workspace.js';
import { chromium, hasChromium, readPng } from './testing/chromium.js';

// `evolve report` on a real study (2 conditions x 3 replicates x 2 generations, scripted evaluator, real SQLite
// workspaces), opened in headless Debian chromium: no console errors, every section on the screenshot with a plot
// that is not blank, and the tables' numbers equal to those computed here from the databases.

let ws: Workspace;
let html: string;
let out: string;

beforeAll(async () => {
  ws = await studyWorkspace();
  await createStudy(ws.db, 'cmp', {
    conditions: [parseCondition('random: proposer=random'), parseCondition('systematic: proposer=systematic')],
    replicates: 3,
    generations: 2,
    seed: 7,
    shared: { subset: 4, children: 2, evidenceRounds: 0, rule: 'mean' },
  });
  await runStudy(ws, 'cmp', { eval: { wiring: scriptedLandscape([], { costUsd: 0.002 }) } });
  out = join(ws.paths.root, 'report.html');
  const r = await runCli(['report', 'cmp', '--out', out], ws.paths.root);
  expect(r.code, r.err).toBe(0);
  html = readFileSync(out, 'utf8');
}, 300_000);
afterAll(async () => ws?.close());

/** The rows of the table whose header row starts with these cells. */
function tableRows(header: string): string[][] {
  const tables = [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((m) => m[1]!);
  const t = tables.find((x) => x.includes(`<th>${header}</th>`));
  if (!t) throw new Error(`no table headed ${header}`);
  return [...t.matchAll(/<tr>((?:<td>[\s\S]*?<\/td>)+)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/&amp;/g, '&')),
  );
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = (s.length - 1) / 2;
  return (s[Math.floor(m)]! + s[Math.ceil(m)]!) / 2;
};

describe('evolve report', () => {
  it('is one self-contained file with every section and a table under every plot', () => {
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    for (const id of ['score-generation', 'score-evaluations', 'score-dollars', 'boxes', 'changes', 'heldout', 'tree'])
      expect(html).toMatch(new RegExp(`<section class="figure" id="${id}">[\\s\\S]*?<svg[\\s\\S]*?<table>`));
  });

  it("splits improvements by author: each condition's children written and promoted, by who wrote them", async () => {
    const study = await getStudy(ws.db, 'cmp');
    const expected = new Map<string, { written: number; promoted: number }>();
    for (const r of study.replicates) {
      const rws = await openWorkspace(join(ws.paths.root, r.path));
      try {
        const kids = await rws.db
          .selectFrom('experiments')
          .select(['id', 'proposer'])
          .where('parent_id', 'is not', null)
          .execute();
        const promoted = new Set(
          (
            await rws.db
              .selectFrom('decisions')
              .select('experiment_id')
              .where('action', '=', 'promote')
              .where('actor', '=', 'rule')
              .execute()
          ).map((d) => d.experiment_id),
        );
        for (const k of kids) {
          const key = `${r.condition}/proposer:${k.proposer!.replace(/\+combine$/, '')}`;
          const e = expected.get(key) ?? { written: 0, promoted: 0 };
          e.written++;
          if (promoted.has(k.id)) e.promoted++;
          expected.set(key, e);
        }
      } finally {
        await rws.close();
      }
    }
    const rows = tableRows('author');
    expect(new Map(rows.map((r) => [`${r[0]}/${r[1]}`, { written: Number(r[2]), promoted: Number(r[3]) }]))).toEqual(
      expected,
    );
    expect(rows.map((r) => r[1])).toEqual(['proposer:random', 'proposer:systematic']);
  });

  it("the tables' numbers equal those computed from the databases", async () => {
    const study = await getStudy(ws.db, 'cmp');
    const per: Record<string, { accepted: number[]; dollars: number[]; final: number[] }> = {};
    const held: string[][] = [];
    for (const r of study.replicates) {
      const rws = await openWorkspace(join(ws.paths.root, r.path));
      try {
        const children = await rws.db
          .selectFrom('experiments')
          .select('id')
          .where('parent_id', 'is not', null)
          .execute();
        const promoted = await rws.db
          .selectFrom('decisions')
          .select('experiment_id')
          .where('action', '=', 'promote')
          .where('actor', '=', 'rule')
          .execute();
        const runCost = await rws.db
          .selectFrom('runs')
          .select('cost_usd')
          .where('status', 'in', ['done', 'error'])
          .execute();
        const champ = await rws.db
          .selectFrom('champions')
          .select('experiment_id')
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow();
        const score = await rws.db
          .selectFrom('experiments')
          .select('score')
          .where('id', '=', champ.experiment_id)
          .executeTakeFirstOrThrow();
        const p = (per[r.condition] ??= { accepted: [], dollars: [], final: [] });
        p.accepted.push(promoted.length / children.length);
        p.dollars.push(runCost.reduce((s, x) => s + (x.cost_usd ?? 0), 0));
        p.final.push(score.score!);
        // Held-out: mean over tasks of the mean over repeats, root and final champion, on the tasks both ran.
        const heldout = async (id: string) => {
          const rows = await rws.db
            .selectFrom('runs')
            .innerJoin('tasks', (j) =>
              j.onRef('tasks.id', '=', 'runs.task_id').onRef('tasks.suite_id', '=', 'runs.suite_id'),
            )
            .select(['runs.task_id', 'runs.outcome'])
            .where('runs.experiment_id', '=', id)
            .where('runs.actor', '=', 'agent')
            .where('runs.status', '=', 'done')
            .where('tasks.split', '=', 'heldout')
            .execute();
          const by = new Map<string, number[]>();
          for (const x of rows) by.set(x.task_id, [...(by.get(x.task_id) ?? []), x.outcome === 'resolved' ? 1 : 0]);
          return by;
        };
        const root = await heldout('exp-01');
        const mine = await heldout(champ.experiment_id);
        const common = [...root.keys()].filter((t) => mine.has(t));
        const mean = (m: Map<string, number[]>) =>
          common.reduce((s, t) => s + m.get(t)!.reduce((a, b) => a + b, 0) / m.get(t)!.length, 0) / common.length;
        held.push([r.condition, `r${r.replicate}`, champ.experiment_id, pct(mean(root)), pct(mean(mine))]);
      } finally {
        await rws.close();
      }
    }
    const boxes = tableRows('metric');
    for (const [condition, p] of Object.entries(per)) {
      const accepted = boxes.find((b) => b[0] === 'share of accepted changes' && b[1] === condition)!;
      expect(accepted[3]).toBe(pct(median(p.accepted)));
      const dollars = boxes.find((b) => b[0] === 'dollars spent' && b[1] === condition)!;
      expect(dollars[3]).toBe(median(p.dollars).toFixed(4));
      const best = tableRows('best replicate').find((b) => b[0] === condition)!;
      expect(best[2]).toBe(pct(Math.max(...p.final)));
    }
    expect(tableRows('final champion').map((r) => r.slice(0, 5))).toEqual(held);
  });

  // The page is the same whichever database fed it: the postgres project checks the numbers, not the drawing again.
  it.runIf((hasChromium() || process.env.CI === 'true') && !process.env.EVOLVE_TEST_WORKSPACES_ON_POSTGRES)(
    'opens in headless chromium with no console errors; every plot on the screenshot is drawn',
    () => {
      // The check can fail: a page that logs an error is caught.
      const bad = join(ws.paths.root, 'bad.html');
      writeFileSync(bad, '<html><body><script>console.error("broken")</script></body></html>');
      expect(chromium(`file://${bad}`, ['--dump-dom']).console.join('\n')).toMatch(/broken/);

      // Where each plot lands: a copy of the report that writes its plots' boxes into the DOM after load.
      const probe = join(ws.paths.root, 'probe.html');
      writeFileSync(
        probe,
        html.replace(
          '</body>',
          `<pre id="probe-layout"></pre><script>document.getElementById('probe-layout').textContent = JSON.stringify({ height: document.body.scrollHeight, plots: [...document.querySelectorAll('.plot svg')].map((s) => { const r = s.getBoundingClientRect(); return { section: s.closest('section').id, x: r.x, y: r.y + scrollY, w: r.width, h: r.height }; }) });</script></body>`,
        ),
      );
      const size = '--window-size=1200,9000';
      const dom = chromium(`file://${probe}`, [size, '--dump-dom']);
      const layout = JSON.parse(/<pre id="probe-layout">([^<]*)<\/pre>/.exec(dom.stdout)![1]!) as {
        height: number;
        plots: Array<{ section: string; x: number; y: number; w: number; h: number }>;
      };
      expect(new Set(layout.plots.map((p) => p.section))).toEqual(
        new Set(['score-generation', 'score-evaluations', 'score-dollars', 'boxes', 'changes', 'heldout', 'tree']),
      );
      const shot = join(ws.paths.root, 'report.png');
      const page = chromium(`file://${out}`, [
        `--window-size=1200,${Math.ceil(layout.height) + 20}`,
        `--screenshot=${shot}`,
      ]);
      expect(page.console).toEqual([]);
      const img = readPng(shot);
      for (const p of layout.plots) {
        expect(p.y + p.h, `${p.section} is below the screenshot`).toBeLessThanOrEqual(img.height);
        let ink = 0;
        let total = 0;
        const colours = new Set<string>();
        for (let y = Math.floor(p.y); y < p.y + p.h; y += 2)
          for (let x = Math.floor(p.x); x < Math.min(img.width, p.x + p.w); x += 2) {
            const [r, g, b] = img.pixel(x, y);
            total++;
            if (r + g + b < 720) ink++;
            colours.add(`${r >> 4},${g >> 4},${b >> 4}`);
          }
        expect(ink / total, `${p.section}: share of drawn pixels`).toBeGreaterThan(0.01);
        expect(colours.size, `${p.section}: colours drawn`).toBeGreaterThan(3);
      }
    },
    300_000,
  );
});
