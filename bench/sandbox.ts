// bench/sandbox: per-run overhead of a Docker sandbox (create + copy-in + exec + diff + dispose) against a bare
// `docker run --rm` of the same command, side by side (alternating) in one run; and the cached image rebuild.
//   npx tsx bench/sandbox.ts [--runs 10]
// Targets: sandbox within 1.5x of the bare run; a cached image rebuild under 1 s. Exit 1 when a target is missed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { buildImage, ensureImageDetailed } from '../evaluator/images/build.js';
import { pythonEnvRecipe } from '../evaluator/images/python-env.js';
import { DockerProvider } from '../evaluator/sandbox/docker.js';
import { BASE_REF } from '../evaluator/sandbox/types.js';

const argRuns = process.argv.indexOf('--runs');
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 10;
const COMMAND =
  'cd /testbed 2>/dev/null || mkdir -p /testbed && cd /testbed; python3 -c "print(sum(range(1000)))" > out.txt; cat out.txt';

/** A small git workspace like a prepared task's (tasks/prepare.ts): 40 source files, one commit packed, BASE_REF. */
function makeWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-bench-ws-'));
  mkdirSync(join(dir, 'src'));
  for (let i = 0; i < 40; i++)
    writeFileSync(join(dir, 'src', `m${i}.py`), `def f${i}(x):\n    return x + ${i}\n`.repeat(20));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '.');
  git('add', '-A');
  git('commit', '-qm', 'base');
  git('repack', '-a', '-d', '-q', '-n');
  git('update-ref', BASE_REF, 'HEAD');
  return dir;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<number> {
  const docker = new Docker();
  const recipe = pythonEnvRecipe();
  const { tag: image } = await ensureImageDetailed(recipe, {
    docker,
    onProgress: (l) => process.stderr.write(`  … ${l}\n`),
  });
  const provider = new DockerProvider({ docker });
  const workspace = makeWorkspace();
  const bare: number[] = [];
  const bareSameWork: number[] = [];
  const workspaceTar = execFileSync('tar', ['-C', workspace, '-c', '.']);
  // For context: one `docker run --rm -i` doing the same work (workspace in by tar on stdin, command, git diff).
  const bareSameWorkRun = () => {
    const t = performance.now();
    const script = `mkdir -p /testbed && cd /testbed && tar -x && (${COMMAND}) && git -c safe.directory='*' add -A && git -c safe.directory='*' diff --cached --binary ${BASE_REF}`;
    const r = spawnSync('docker', ['run', '--rm', '-i', '--network', 'none', image, 'bash', '-c', script], {
      input: workspaceTar,
      encoding: 'utf8',
    });
    if (r.status !== 0 || !r.stdout.includes('out.txt')) throw new Error(`docker run (same work) failed: ${r.stderr}`);
    bareSameWork.push(performance.now() - t);
  };
  const sandbox: number[] = [];
  const bareRun = () => {
    const t = performance.now();
    const r = spawnSync('docker', ['run', '--rm', '--network', 'none', image, 'bash', '-c', COMMAND], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`docker run failed: ${r.stderr}`);
    bare.push(performance.now() - t);
  };
  const phases: Record<string, number[]> = { create: [], copyIn: [], exec: [], diff: [], dispose: [] };
  const sandboxRun = async () => {
    const t = performance.now();
    let last = t;
    const lap = (name: string) => {
      const now = performance.now();
      phases[name]!.push(now - last);
      last = now;
    };
    const box = await provider.create({ image, workdir: '/testbed', labels: { run: 'bench' } });
    lap('create');
    try {
      await box.copyIn(workspace, '/testbed');
      lap('copyIn');
      const r = await box.exec(COMMAND, { timeoutMs: 60_000 });
      if (r.exitCode !== 0) throw new Error(`sandbox exec failed: ${r.output}`);
      lap('exec');
      const diff = await box.diff();
      if (!diff.includes('out.txt')) throw new Error('diff misses out.txt');
      lap('diff');
    } finally {
      await box.dispose();
      lap('dispose');
    }
    sandbox.push(performance.now() - t);
  };
  bareRun(); // warm-up: page cache, image layers
  await sandboxRun();
  bareSameWorkRun();
  bare.length = sandbox.length = bareSameWork.length = 0;
  for (const xs of Object.values(phases)) xs.length = 0;
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      bareRun();
      await sandboxRun();
      bareSameWorkRun();
    } else {
      bareSameWorkRun();
      await sandboxRun();
      bareRun();
    }
  }
  const ratio = median(sandbox) / median(bare);
  console.log(
    `runs: ${RUNS} each, alternating; workspace 40 files copied in; command: python3 one-liner writing a file`,
  );
  console.log(
    `bare docker run --rm                  median ${median(bare).toFixed(0)} ms  mean ${mean(bare).toFixed(0)} ms`,
  );
  console.log(
    `sandbox create+copyIn+exec+diff+dispose median ${median(sandbox).toFixed(0)} ms  mean ${mean(sandbox).toFixed(0)} ms`,
  );
  console.log(
    `  phases (median ms): ${Object.entries(phases)
      .map(([k, xs]) => `${k} ${median(xs).toFixed(0)}`)
      .join(', ')}`,
  );
  console.log(`ratio (median): ${ratio.toFixed(2)}x   target <= 1.5x   ${ratio <= 1.5 ? 'met' : 'MISSED'}`);
  console.log(
    `for context: docker run --rm -i doing the same work (tar in, command, git diff) median ${median(bareSameWork).toFixed(0)} ms; sandbox/that ${(median(sandbox) / median(bareSameWork)).toFixed(2)}x`,
  );

  let t = performance.now();
  const again = await ensureImageDetailed(recipe, { docker });
  const cacheHit = performance.now() - t;
  t = performance.now();
  await buildImage(recipe, { docker }); // a real `docker build` in which every step comes from the layer cache
  const layerCached = performance.now() - t;
  console.log(
    `cached image: ensureImage ${cacheHit.toFixed(0)} ms (built again: ${again.built}); docker build with all layers cached ${layerCached.toFixed(0)} ms   target < 1000 ms   ${Math.max(cacheHit, layerCached) < 1000 ? 'met' : 'MISSED'}`,
  );
  rmSync(workspace, { recursive: true, force: true });
  return ratio <= 1.5 && Math.max(cacheHit, layerCached) < 1000 && !again.built ? 0 : 1;
}

process.exitCode = await main();
