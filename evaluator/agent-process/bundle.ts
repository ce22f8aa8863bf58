import { chmodSync, cpSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

// The agent's code, made into one file the confined process can read: the child entry (evaluator/agent-process/
// child.ts) plus `<source>/agent/loop.ts` and everything it imports, compiled by esbuild on the host. esbuild only
// parses the agent's code, never runs it. Every input must come from the agent's own folder, the child entry or an
// installed package: a variant that imports a task file, the database or a hidden test is refused here, by name.
// The agent's data files (prompts, skills) are copied next to the bundle and `import.meta.url` is rewritten to
// point at the copies, so the process reads nothing but this folder.

/** The generated entry (stdin to esbuild): it imports the loop, the ModelError class and the child's serve loop. */
const ENTRY_NAME = '<evolve agent entry>';
const CHILD_ENTRY = fileURLToPath(new URL('./child.ts', import.meta.url));

export interface AgentBundle {
  /** Folder holding bundle.mjs and the agent's data files: the only path the confined process may read. */
  dir: string;
  file: string;
  /** Bundling time, for the overhead figures. */
  ms: number;
}

export class AgentSourceError extends Error {
  override readonly name = 'AgentSourceError';
  readonly kind = 'agent_source';
}

const within = (path: string, root: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/** Bundles the agent found in `source` (a folder holding agent/loop.ts: evolve's own or a variant's worktree). */
export async function bundleAgent(source: string): Promise<AgentBundle> {
  const t0 = Date.now();
  const root = realpathSync(source);
  const agentDir = join(root, 'agent');
  const out = mkdtempSync(join(tmpdir(), 'evolve-agent-'));
  // The confined process runs as another user: it must be able to read (never write) this folder.
  chmodSync(out, 0o755);
  // Data files only (prompts, skills): the code is in the bundle, the tests are not needed.
  cpSync(agentDir, join(out, 'agent'), {
    recursive: true,
    filter: (src) => !/\.(ts|tsx)$/.test(src) && !src.split(sep).includes('node_modules'),
  });
  const allowed = [agentDir, ...packageRoots(root)];
  const typesOnly = join(root, 'evaluator', 'sandbox', 'types.ts');
  const urlRewrite: Plugin = {
    name: 'agent-import-meta',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        let text = await readFile(args.path, 'utf8');
        if (within(args.path, agentDir)) {
          const copy = join(out, relative(root, args.path));
          text = text
            .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(copy).href))
            .replaceAll('import.meta.dirname', JSON.stringify(dirname(copy)))
            .replaceAll('import.meta.filename', JSON.stringify(copy));
        }
        return { contents: text, loader: 'ts' };
      });
    },
  };
  const entry = [
    `import { runAgent } from ${JSON.stringify(join(agentDir, 'loop.ts'))};`,
    `import { ModelError } from ${JSON.stringify(join(agentDir, 'models', 'types.ts'))};`,
    `import { serveAgent } from ${JSON.stringify(CHILD_ENTRY)};`,
    'serveAgent(runAgent, ModelError);',
  ].join('\n');
  const file = join(out, 'bundle.mjs');
  let result: Awaited<ReturnType<typeof build>>;
  try {
    result = await build({
      stdin: { contents: entry, resolveDir: root, sourcefile: ENTRY_NAME, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: file,
      metafile: true,
      write: false,
      logLevel: 'silent',
      absWorkingDir: '/',
      // A CommonJS package bundled into ESM may call require(); give it one.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      plugins: [urlRewrite],
    });
  } catch (error) {
    throw new AgentSourceError(`the agent in ${source} does not build: ${(error as Error).message}`);
  }
  const outside = Object.keys(result.metafile!.inputs)
    .map((p) => (isAbsolute(p) ? p : resolve('/', p)))
    .filter((p) => p !== join(root, ENTRY_NAME))
    .filter((p) => p !== typesOnly && p !== CHILD_ENTRY && !allowed.some((r) => within(p, r)));
  if (outside.length)
    throw new AgentSourceError(
      `the agent in ${source} imports files outside its own folder (agent/) and the installed packages: ${outside.join(', ')}`,
    );
  mkdirSync(out, { recursive: true });
  writeFileSync(file, result.outputFiles![0]!.contents);
  chmodSync(file, 0o644);
  return { dir: out, file, ms: Date.now() - t0 };
}

/** Where the agent's packages really live (node_modules is a link into the evolve installation in a worktree). */
function packageRoots(root: string): string[] {
  const roots: string[] = [];
  try {
    roots.push(realpathSync(join(root, 'node_modules')));
  } catch {}
  return roots;
}
