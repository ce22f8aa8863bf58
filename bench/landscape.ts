// bench/landscape: how the offline model's score moves with its genome, task by task.
//   npx tsx bench/landscape.ts --workspace DIR [--split train|heldout] [--sandbox local|docker] [--repeats K]
//     [--only TASK,...] 'planning=plan-first' 'tools=search;steps=45' ...
// Each argument is a genome as changes from exp-01 (';'-separated: slot=policy, slot.param=value, steps=N,
// model=offline?candidates=8, skills=python-debugging), built as a chain of one-change children in DIR (an
// `evolve init` workspace) and evaluated there; the table shows each task's resolved repeats per genome.
import type { SandboxKind } from '../evaluator/sandbox/providers.js';
import { Genome } from '../agent/genome.js';
import { evaluateExperiment, loadTasksFromDb } from '../lineage/evaluate-experiment.js';
import { insertChild, parseGenome } from '../lineage/experiments.js';
import { refreshSuite } from '../lineage/suites.js';
import { openWorkspace } from '../lineage/workspace.js';
import { getExperiment } from '../lineage/db/repos/experiments.js';
import { childWithGenome } from '../lineage/db/repos/experiments.js';
import { runsOfExperiment } from '../lineage/db/repos/runs.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback?: string) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const root = flag('workspace');
const split = (flag('split', 'train') ?? 'train') as 'train' | 'heldout';
const sandbox = (flag('sandbox', 'docker') ?? 'docker') as SandboxKind;
const repeats = Number(flag('repeats', '1'));
const only = flag('only')?.split(',');
if (!root) throw new Error('--workspace DIR is required (an `evolve init` workspace)');

function apply(genome: Genome, change: string): Genome {
  const [key = '', value = ''] = change.split('=');
  const g = structuredClone(genome);
  if (key === 'steps') g.budgets.steps = Number(value);
  else if (key === 'model') g.model = value;
  else if (key === 'skills') g.prompt.params = { ...g.prompt.params, skills: value.split(',') };
  else if (key.includes('.')) {
    const [slot, param] = key.split('.') as ['planning' | 'tools' | 'memory' | 'prompt', string];
    g[slot].params = { ...g[slot].params, [param]: Number.isNaN(Number(value)) ? value : Number(value) };
  } else g[key as 'planning' | 'tools' | 'memory' | 'prompt'] = { name: value, params: {} };
  return Genome.parse(g);
}

const ws = await openWorkspace(root);
await refreshSuite(ws, 'builtin');
const table = new Map<string, Map<string, number>>();
const specs = args.length > 0 ? args : [''];
for (const spec of specs) {
  let exp = await getExperiment(ws.db, 'exp-01');
  for (const change of spec.split(';').filter(Boolean)) {
    const genome = apply(parseGenome(exp), change);
    const existing = await childWithGenome(ws.db, exp.id, JSON.stringify(genome));
    exp =
      existing ??
      (await insertChild(ws.db, { parent: exp, genome, hypothesis: 'bench', proposer: 'bench', generation: 0 }));
  }
  const started = Date.now();
  await evaluateExperiment(ws, {
    experimentId: exp.id,
    split,
    repeats,
    sandbox,
    concurrency: 2,
    // SWE-format tasks only (the offline model cannot act on Terminal-Bench ones), or the --only list.
    loadTasks: async (suite, sp) =>
      (await loadTasksFromDb(ws.db, suite, sp)).filter((t) => (only ? only.includes(t.id) : t.id.includes('__'))),
  });
  const runs = (await runsOfExperiment(ws.db, exp.id)).filter((r) => r.status === 'done');
  const col = new Map<string, number>();
  for (const r of runs)
    if (!only || only.includes(r.task_id))
      col.set(r.task_id, (col.get(r.task_id) ?? 0) + (r.outcome === 'resolved' ? 1 : 0));
  table.set(spec || 'exp-01', col);
  const solved = [...col.values()].reduce((a, b) => a + b, 0);
  console.error(
    `${spec || 'exp-01'} (${exp.id}): ${solved}/${col.size * repeats} in ${((Date.now() - started) / 1000).toFixed(0)}s`,
  );
}
const tasks = [...new Set([...table.values()].flatMap((c) => [...c.keys()]))].sort();
const names = [...table.keys()];
console.log(['task', ...names.map((_, i) => `g${i}`)].join('\t'));
for (const t of tasks) console.log([t, ...names.map((n) => String(table.get(n)?.get(t) ?? '-'))].join('\t'));
console.log(
  ['total', ...names.map((n) => String([...(table.get(n)?.values() ?? [])].reduce((a, b) => a + b, 0)))].join('\t'),
);
names.forEach((n, i) => console.log(`g${i} = ${n}`));
await ws.close();
