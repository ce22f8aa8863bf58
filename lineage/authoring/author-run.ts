import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Genome } from '../../agent/genome.js';
import { createModel, type CreateModelOptions } from '../../agent/models/registry.js';
import { TrajectoryWriter } from '../../agent/trajectory.js';
import { bundleAgent } from '../../evaluator/agent-process/bundle.js';
import { runConfinedAgent } from '../../evaluator/agent-process/host.js';
import { INSTALLED_AGENT } from '../../evaluator/agent-runner.js';
import {
  type Budget,
  createGateway,
  createRedactor,
  type ModelGateway,
  secretsFromEnv,
  type ModelSpend,
} from '../../evaluator/gateway/index.js';
import { pythonEnvRecipe } from '../../evaluator/images/index.js';
import type { AgentCode } from '../../evaluator/job.js';
import { type SandboxKind, sandboxProvider } from '../../evaluator/sandbox/providers.js';
import { BASE_REF, type SandboxProvider } from '../../evaluator/sandbox/types.js';
import type { AgentRepo } from '../code-variant/agent-repo.js';
import { exportBranch } from '../self-repair/repair-run.js';
import type { Workspace } from '../workspace.js';

// One authoring run: the champion agent itself (its own code, bundled and run in its confined process, and its own
// model through the gateway) works in a fresh sandbox on a checkout of the parent's agent source, with the raw
// material beside it in `.raw-material/` (read-only, left out of the diff). It writes its hypothesis to
// `.hypothesis.md` (also left out of the diff) and submits; its diff against the checkout is the child's patch.

export const AUTHOR_WORKDIR = '/agent-src';
export const RAW_FOLDER = '.raw-material';
export const HYPOTHESIS_FILE = '.hypothesis.md';

export interface AuthorRunOptions {
  ws: Workspace;
  repo: AgentRepo;
  /** The branch whose source the child changes (the parent's code). */
  branch: string;
  /** The champion's genome and code (undefined: the installed agent). */
  genome: Genome;
  code?: AgentCode;
  statement: string;
  /** The raw-material folder on the host (lineage/authoring/raw-material.ts). */
  rawDir: string;
  taskId: string;
  sandbox: SandboxKind;
  provider?: SandboxProvider;
  trajectoryPath: string;
  /** Checked before and charged after every call of the author's model (the authoring and generation budgets). */
  budgets: Budget[];
  /** Keys and base URLs for the champion's model (default process.env), and the `scripted` model's script. */
  modelOptions?: Pick<CreateModelOptions, 'env' | 'script'>;
  signal?: AbortSignal;
}

export interface AuthorRunResult {
  diff: string;
  hypothesis: string;
  exitReason: string;
  steps: number;
  spend: ModelSpend;
}

/** git in the sandbox: the checkout is the base (BASE_REF); the raw material and hypothesis are excluded. */
const BASE_SCRIPT = [
  'git init -q',
  `printf '%s\\n' '/${RAW_FOLDER}/' '/${HYPOTHESIS_FILE}' >> .git/info/exclude`,
  'git add -A',
  'git -c user.name=evolve -c user.email=evolve@localhost -c commit.gpgsign=false commit -q -m base',
  `git update-ref ${BASE_REF} HEAD`,
].join(' && ');

export async function runAuthor(o: AuthorRunOptions): Promise<AuthorRunResult> {
  const provider = o.provider ?? sandboxProvider(o.sandbox).create();
  const src = exportBranch(o.repo, o.branch);
  mkdirSync(dirname(o.trajectoryPath), { recursive: true });
  const env = o.modelOptions?.env ?? process.env;
  const redact = createRedactor(secretsFromEnv(env));
  const writer = new TrajectoryWriter(o.trajectoryPath);
  const trajectory = { write: (e: Parameters<TrajectoryWriter['write']>[0]) => writer.write(redact(e)) };
  const sandbox = await provider.create({
    image: pythonEnvRecipe({ packages: ['nodejs'] }),
    workdir: AUTHOR_WORKDIR,
    network: false,
    labels: { 'evolve.workspace': o.ws.paths.root, 'evolve.role': 'author' },
  });
  let model: ModelGateway | undefined;
  try {
    await sandbox.copyIn(src, AUTHOR_WORKDIR);
    const base = await sandbox.exec(BASE_SCRIPT, { timeoutMs: 120_000 });
    if (base.exitCode !== 0)
      throw Object.assign(
        new Error(`could not commit the agent source as the authoring base: ${base.output.slice(-500)}`),
        {
          hint: 'The sandbox needs git; with --sandbox docker run `evolve doctor --fix`.',
        },
      );
    await sandbox.copyIn(o.rawDir, `${AUTHOR_WORKDIR}/${RAW_FOLDER}`);
    await sandbox.exec(`chmod -R a-w ${RAW_FOLDER}`, { timeoutMs: 60_000 });

    const bundle = await bundleAgent(o.code?.dir ?? INSTALLED_AGENT);
    const inner = await createModel(o.genome.model, {
      env,
      ...(o.modelOptions?.script ? { script: o.modelOptions.script } : {}),
    });
    model = createGateway(inner, {
      prices: o.ws.config.models.prices,
      budgets: o.budgets,
      sink: (e) => trajectory.write(e),
      env,
      defaultPurpose: 'author',
    });
    const result = await runConfinedAgent({
      bundle,
      genome: o.genome,
      task: { id: o.taskId, statement: o.statement, workdir: sandbox.workdir },
      sandbox,
      model,
      trajectory,
      redact,
      signal: o.signal ?? new AbortController().signal,
    });
    const hypothesis = await sandbox.exec(`cat ${HYPOTHESIS_FILE} 2>/dev/null || true`, { timeoutMs: 30_000 });
    return {
      diff: await sandbox.diff(),
      hypothesis: hypothesis.output.trim(),
      exitReason: result.exitReason,
      steps: result.steps,
      spend: model.spent,
    };
  } catch (error) {
    // What was spent before the failure is still spent: the caller meters it.
    throw Object.assign(error as Error, { spend: model?.spent });
  } finally {
    writer.close();
    await sandbox.dispose();
    rmSync(src, { recursive: true, force: true });
  }
}
