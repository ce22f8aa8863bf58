import { Genome, genomeHash } from '../agent/genome.js';
import type { ScriptedEntry } from '../agent/models/scripted.js';
import type { SpendLimit } from '../evaluator/budget.js';
import type { Db } from './db/open.js';
import { now } from './db/open.js';
import {
  type Generation,
  type GenerationConfig,
  insertGeneration,
  nextGenerationId,
  patchGenerationConfig,
  readGenerationConfig,
  runningGeneration,
} from './db/repos/generations.js';
import { trainOutcomes } from './db/repos/runs.js';
import type { ChildRow, EvidenceRecord, HeldoutRecord } from './decide-generation.js';
import { evaluateAndDecide, ladderOf, repeatsAreIdentical } from './evaluate-and-decide.js';
import type { EvaluateExperimentOptions } from './evaluate-experiment.js';
import { insertChild, parseGenome } from './experiments.js';
import { writeExperimentFolder } from './folders.js';
import { acquireGenerationLock } from './generation-lock.js';
import { failUnfinishedAuthoring } from './authoring/code-children.js';
import { roundsRun } from './more-evidence.js';
import { openChildren } from './pooled-evidence.js';
import type { RuleName } from './promote.js';
import { proposerNamed } from './proposer-registry.js';
import { oneChangeCandidates, type Proposal, type ProposerName } from './proposers.js';
import { type NodeStats, selectOpenParent, type Selector } from './select.js';
import type { Experiment } from './db/schema.js';
import type { Workspace } from './workspace.js';
import type { Authorship } from './authorship.js';
import { championId, latestDecision } from './db/repos/decisions.js';
import { childrenOf, getExperiment, listExperiments } from './db/repos/experiments.js';

// One generation: select a parent, propose K one-change children, evaluate parent and children on the same tasks,
// compare each child with the champion (paired by task), promote under the rule (confirmed on the held-out split),
// and write every folder. A generation is a transaction: one at a time per workspace (a lock file naming its holder);
// the row records its champion and each child as it is inserted, so a killed generation resumes with the same
// children and baseline; folders are rewritten on resume; decisions are recorded once per generation however often
// it is resumed; an interrupt stops it between runs, leaving it to be resumed.

export { GenerationInterrupted } from './evaluate-and-decide.js';
export type { ChildRow } from './decide-generation.js';

export interface GenerationOptions {
  children?: number;
  proposer?: ProposerName;
  select?: Selector;
  rule?: RuleName;
  margin?: number;
  /** The `model` proposer's model (default: evolve.json lineage.proposerModel). */
  proposerModel?: string;
  /** The `model` proposer's script (for the `scripted` model) and environment (keys, base URLs); tests. */
  modelProposer?: { script?: ScriptedEntry[]; env?: Record<string, string | undefined> };
  seed?: number;
  /** Offer combinations of what looked better before the fixed proposer's children (default: lineage.combine). */
  combine?: boolean;
  /** The order untried variants are offered in (default: lineage.order; 'evidence': lineage/change-evidence.ts). */
  order?: 'fixed' | 'evidence';
  /** Extra evidence rounds for an inconclusive best child (default: evolve.json lineage.evidenceRounds; 0 = off). */
  evidenceRounds?: number;
  /** Confirm a train-split promotion on the held-out split before the champion changes (default on). */
  confirm?: boolean;
  eval?: Omit<EvaluateExperimentOptions, 'experimentId' | 'split'>;
  log?: (line: string) => void;
  /** Stops starting runs and leaves the generation to be resumed (GenerationInterrupted). */
  signal?: AbortSignal;
  /** The workspace's generation lock: fail at once naming the holder (default), or wait for it. */
  lock?: { wait?: boolean; command?: string };
  /** A limit shared beyond this generation (the command's --budget): checked before each run, charged after. */
  commandBudget?: SpendLimit;
  /** Self-authoring hook (lineage/self-repair/author.ts): writes the children instead of the fixed proposer. */
  author?: (ctx: {
    parent: Experiment;
    champion: string;
    k: number;
    tried: Set<string>;
    seed: number;
    generation: number;
  }) => Promise<AuthoredChildren>;
}

/** What a proposer or author hands back: genome proposals to insert, and code children it inserted itself. */
export interface AuthoredChildren {
  proposals: Proposal[];
  proposer: string;
  authoredBy: string | null;
  note: string | null;
  /** Code children already written for this generation (lineage/authoring): gated, rejected or failed. */
  children?: string[];
  rejected?: string[];
  /** Who wrote the proposals (default: the proposer named by `proposer`). */
  authorship?: Authorship;
}

export interface GenerationResult {
  generation: number;
  parent: string;
  /** The champion the children were compared with, as it scored on these tasks. */
  baseline: Pick<ChildRow, 'id' | 'score' | 'lo' | 'hi' | 'costUsd'>;
  champion: string;
  rows: ChildRow[];
  promoted: string | null;
  reason: string;
  /** What adaptive evidence did (also in the generation row's config). */
  evidence: EvidenceRecord;
  /** The held-out confirmation test of the rule's winner (also on its decision row); null when none ran. */
  heldout: HeldoutRecord | null;
  /** Why the generation stopped starting runs (a budget), also in the generation row's config; null when it did not. */
  budgetStop: string | null;
  /** Dollars this generation spent: the agent's runs and the proposer/author, apart. */
  spent: { runs: number; lineage: number };
  /** Children that never ran: rejected at a gate, or whose authoring failed, with their decision's reason. */
  notRun: Array<{ id: string; status: string; reason: string }>;
}

async function nodeStats(db: Db): Promise<NodeStats[]> {
  // Train-split runs only: selection must not learn from the held-out split.
  return nodeStatsOf(await listExperiments(db), await trainOutcomes(db));
}

/** What parent selection sees, from experiment rows and their finished runs (pure, so bench/search can reuse it). */
export function nodeStatsOf(
  exps: Array<Pick<Experiment, 'id' | 'parent_id' | 'score' | 'status'>>,
  runs: Array<{ experiment_id: string; outcome: string | null }>,
): NodeStats[] {
  const parentOf = new Map(exps.map((e) => [e.id, e.parent_id]));
  const total = new Map<string, { s: number; f: number }>();
  const children = new Map<string, number>();
  for (const e of exps) if (e.parent_id) children.set(e.parent_id, (children.get(e.parent_id) ?? 0) + 1);
  // A node's evidence includes its descendants': each run counts for its experiment and every ancestor.
  for (const r of runs) {
    for (let id: string | null | undefined = r.experiment_id; id; id = parentOf.get(id)) {
      const c = total.get(id) ?? { s: 0, f: 0 };
      if (r.outcome === 'resolved') c.s++;
      else c.f++;
      total.set(id, c);
    }
  }
  return exps
    .filter((e) => !['rejected', 'failed', 'retired'].includes(e.status))
    .map((e) => ({
      id: e.id,
      score: e.score,
      children: children.get(e.id) ?? 0,
      successes: total.get(e.id)?.s ?? 0,
      failures: total.get(e.id)?.f ?? 0,
    }));
}

/** Whether an experiment still has a one-change variant none of its children tried (memoised per call). */
async function untriedVariants(db: Db): Promise<(id: string) => boolean> {
  const exps = await listExperiments(db);
  const tried = new Map<string, Set<string>>(exps.map((e) => [e.id, new Set([e.genome_hash])]));
  for (const e of exps) if (e.parent_id) tried.get(e.parent_id)?.add(e.genome_hash);
  const genomes = new Map(exps.map((e) => [e.id, e.genome]));
  const memo = new Map<string, boolean>();
  return (id) => {
    if (!memo.has(id)) {
      const parsed = Genome.safeParse(JSON.parse(genomes.get(id) ?? 'null'));
      memo.set(
        id,
        parsed.success && oneChangeCandidates(parsed.data).some((c) => !tried.get(id)!.has(genomeHash(c.genome))),
      );
    }
    return memo.get(id)!;
  };
}

export async function nextGeneration(ws: Workspace, o: GenerationOptions = {}): Promise<GenerationResult> {
  const release = await acquireGenerationLock(ws.paths.root, {
    ...o.lock,
    ...(o.log ? { log: o.log } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  try {
    return await generation(ws, o);
  } finally {
    release();
  }
}

const updateConfig = patchGenerationConfig;

/** The settings a generation runs with: the options, else evolve.json's lineage section. */
type Settings = { children: number; proposer: ProposerName; select: Selector; rule: RuleName; margin: number };

// A generation in named steps: its settings and champion, the generation row (resumed or started: parent chosen,
// open children re-offered), its children (proposed until it has its K), their folders, then evaluate-and-decide,
// and what is reported about the children that never ran.
async function generation(ws: Workspace, o: GenerationOptions): Promise<GenerationResult> {
  const { db, config } = ws;
  const log = o.log ?? (() => {});
  const cfg: Settings = {
    children: o.children ?? config.lineage.children,
    proposer: o.proposer ?? config.lineage.proposer,
    select: o.select ?? config.lineage.select,
    rule: o.rule ?? config.lineage.rule,
    margin: o.margin ?? config.lineage.margin,
  };
  const currentChampion = await championId(db);
  if (!currentChampion)
    throw Object.assign(new Error('this workspace has no champion to grow from'), {
      hint: 'Run `evolve init` to seed exp-01.',
    });
  const gen = await resumeOrStart(ws, o, cfg, currentChampion, log);
  const champion = readGenerationConfig(gen.config, gen.id).champion ?? currentChampion;
  const parent = await getExperiment(db, gen.parent_id);
  const gcfg = await proposeChildren(ws, o, { gen, cfg, parent, champion, log });
  await prepareChildren(ws, gcfg.children, gen.id, log);
  const decided = await evaluateAndDecide(ws, {
    generation: gen.id,
    champion,
    parent: parent.id,
    children: gcfg.children,
    rule: cfg.rule,
    margin: cfg.margin,
    eval: { ...o.eval, split: config.defaults.split },
    ...(o.evidenceRounds !== undefined ? { evidenceRounds: o.evidenceRounds } : {}),
    ...(o.confirm !== undefined ? { confirm: o.confirm } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.commandBudget ? { commandBudget: o.commandBudget } : {}),
    ...(gcfg.reoffered?.length ? { reoffered: gcfg.reoffered } : {}),
    log,
  });
  const { rows, promoted, reason, evidence, heldout, budgetStop, spent } = decided;
  const base = await getExperiment(db, champion);
  return {
    generation: gen.id,
    parent: parent.id,
    baseline: { id: champion, score: base.score, lo: base.score_lo, hi: base.score_hi, costUsd: base.cost_usd },
    champion: promoted ?? champion,
    rows,
    promoted,
    reason,
    evidence,
    heldout,
    budgetStop,
    spent,
    notRun: await notRunOf(db, gcfg.children),
  };
}

/** The running generation, its stored settings put back into `cfg`; else a new one (see startGeneration). */
async function resumeOrStart(
  ws: Workspace,
  o: GenerationOptions,
  cfg: Settings,
  currentChampion: string,
  log: (line: string) => void,
): Promise<Generation> {
  const gen = await runningGeneration(ws.db);
  if (!gen) return startGeneration(ws, o, cfg, currentChampion, log);
  log(`resuming generation ${gen.id} from ${gen.parent_id}`);
  // A resumed generation keeps the settings it started with.
  // (`children` in the config is the list of children; the number asked for is `childrenWanted`.)
  const stored = readGenerationConfig(gen.config, gen.id);
  for (const key of ['proposer', 'select', 'rule', 'margin'] as const)
    if (stored[key] !== undefined) Object.assign(cfg, { [key]: stored[key] });
  if (typeof stored.childrenWanted === 'number') cfg.children = stored.childrenWanted;
  return gen;
}

/**
 * A new generation row: its parent selected (the champion's when it has untried variants), its champion fixed, and
 * the most promising open children of the champion re-offered one look higher, before any new one.
 */
async function startGeneration(
  ws: Workspace,
  o: GenerationOptions,
  cfg: Settings,
  currentChampion: string,
  log: (line: string) => void,
): Promise<Generation> {
  const { db, config } = ws;
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  const pick = selectOpenParent(cfg.select, await nodeStats(db), currentChampion, seed, await untriedVariants(db));
  if (pick.fallback)
    log(
      `${cfg.select === 'champion' ? `champion ${currentChampion}` : 'the selected parent'} has no untried one-change variant left; growing from ${pick.id}, the best-scoring experiment that has`,
    );
  const row: Generation = {
    id: await nextGenerationId(db),
    parent_id: pick.id,
    proposer: cfg.proposer,
    selector: cfg.select,
    rule: cfg.rule,
    seed,
    status: 'running',
    config: JSON.stringify({
      ...cfg,
      champion: currentChampion,
      childrenWanted: cfg.children,
      children: [] as string[],
      eval: {
        suite: o.eval?.suite ?? config.defaults.suite,
        subset: o.eval?.subset ?? null,
        repeats: o.eval?.repeats ?? config.defaults.repeats,
      },
    }),
    started_at: now(),
    finished_at: null,
  };
  await insertGeneration(db, row);
  const base = o.eval?.repeats ?? config.defaults.repeats;
  // (Not for a deterministic model: its repeats reproduce the same outcomes.)
  const open =
    config.lineage.reoffer > 0 && !(await repeatsAreIdentical(db, currentChampion))
      ? await openChildren(db, currentChampion, {
          maxLooks: ladderOf(config, o.evidenceRounds),
          baseRepeats: base,
          margin: cfg.margin,
          keepOpen: config.lineage.keepOpen,
        })
      : [];
  const reoffered = open
    .slice(0, Math.min(config.lineage.reoffer, cfg.children))
    .map((c) => ({ id: c.id, repeats: base * 2 ** (roundsRun(c.repeats, base) + 1) }));
  if (!reoffered.length) return row;
  const stored = await updateConfig(db, row.id, { reoffered, children: reoffered.map((r) => r.id) });
  const why = config.lineage.keepOpen === 'looked-better' ? 'looked better' : 'not refuted';
  for (const r of reoffered) log(`re-offering ${r.id} (inconclusive, ${why}) at ${r.repeats} repeats per task`);
  return { ...row, config: JSON.stringify(stored) };
}

/**
 * The generation's children: each recorded on the generation row as it is inserted (a child inserted just before a
 * kill is found by its generation number), proposed until the generation has its K, then marked proposed.
 */
async function proposeChildren(
  ws: Workspace,
  o: GenerationOptions,
  g: { gen: Generation; cfg: Settings; parent: Experiment; champion: string; log: (line: string) => void },
): Promise<GenerationConfig> {
  const { db } = ws;
  const { gen, cfg, parent, champion, log } = g;
  const genId = gen.id;
  let gcfg = readGenerationConfig(gen.config, gen.id);
  const mine = (await childrenOf(db, parent.id))
    .filter((c) => c.generation === genId && c.created_at >= gen.started_at)
    .map((c) => c.id);
  const known = [...new Set([...gcfg.children, ...mine])];
  if (known.length !== gcfg.children.length) gcfg = await updateConfig(db, genId, { children: known });
  if (gcfg.proposed) return gcfg;
  const k = Math.max(0, cfg.children - gcfg.children.length);
  if (gcfg.children.length) log(`generation ${genId} already has ${gcfg.children.join(', ')}; proposing ${k} more`);
  const tried = new Set((await childrenOf(db, parent.id)).map((c) => c.genome_hash));
  tried.add(genomeHash(parseGenome(parent)));
  const ctx = { parent, champion, k, tried, seed: gen.seed ?? 1, generation: genId };
  // The champion as author (--author) writes the children itself; otherwise the configured proposer does.
  const proposer = o.author ? undefined : await proposerNamed(cfg.proposer);
  const authored: AuthoredChildren =
    k === 0
      ? { proposals: [], proposer: cfg.proposer, authoredBy: null, note: null }
      : o.author
        ? await o.author(ctx)
        : await proposer!.propose({ ws, ...ctx, options: o });
  if (authored.note) log(authored.note);
  const proposals = authored.proposals;
  const written = (authored.children ?? []).filter((id) => !gcfg.children.includes(id));
  if (written.length) gcfg = await updateConfig(db, genId, { children: [...gcfg.children, ...written] });
  if (proposals.length === 0 && gcfg.children.length === 0)
    log(`every one-change variant of ${parent.id} has been tried; nothing to propose`);
  for (const p of proposals) {
    const child = await insertChild(db, {
      parent,
      genome: p.genome,
      ...(p.combined ? { maxChanges: 2 } : {}),
      hypothesis: p.hypothesis,
      proposer: authored.proposer,
      generation: genId,
      ...(gen.seed !== null ? { seed: gen.seed } : {}),
      ...(authored.authoredBy ? { authoredBy: authored.authoredBy } : {}),
      ...(authored.authorship ? { authorship: authored.authorship } : {}),
    });
    gcfg = await updateConfig(db, genId, { children: [...gcfg.children, child.id] });
    log(`proposed ${child.id}: ${child.change_summary}`);
  }
  return updateConfig(db, genId, {
    proposed: true,
    family: Math.max(1, gcfg.children.length - (gcfg.reoffered?.length ?? 0)),
    ...(o.author
      ? { author: { requested: 'champion', proposer: authored.proposer, note: authored.note } }
      : (proposer?.record?.(authored) ?? {})),
  });
}

/** Before evaluation: a code child cut short fails, and every child's folder is (re)written. */
async function prepareChildren(ws: Workspace, children: string[], genId: number, log: (line: string) => void) {
  // A code child whose authoring a kill cut short has no code of its own to run: it fails rather than run its parent's.
  const cut = await failUnfinishedAuthoring(ws.db, children, genId);
  if (cut.length) log(`authoring of ${cut.join(', ')} was interrupted before the gates: marked failed`);
  // Folders follow the rows: (re)written here, so a failure while writing them is repaired by the next resume.
  for (const id of children) await writeExperimentFolder(ws.db, ws.paths.experiments, id);
}

/** The children that never ran (rejected at a gate, or failed), each with its last decision's rule and reason. */
async function notRunOf(db: Db, children: string[]): Promise<GenerationResult['notRun']> {
  const notRun: GenerationResult['notRun'] = [];
  for (const id of children) {
    const e = await getExperiment(db, id);
    if (e.status !== 'rejected' && e.status !== 'failed') continue;
    const d = await latestDecision(db, id);
    notRun.push({ id, status: e.status, reason: d ? `${d.rule}: ${d.reason}` : (e.learned ?? '') });
  }
  return notRun;
}
