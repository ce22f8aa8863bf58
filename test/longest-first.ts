import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The order files start in, whatever their project: longest first. The suite runs on two workers, so a file of
// minutes that starts last (vitest's default: projects one after another, larger files first, and study.e2e is a
// small file) ends alone, minutes after everything else. A file's expected time is its last run's, from vitest's
// own cache, where there is one (a developer's machine), else the figure below, measured on CI (a fresh clone has no
// cache). The figures set only the order: a stale one costs wall time, never a result.

/** Seconds, measured on CI (2 cores); files of 10 s and more. Unlisted: e2e 20, docker 10, unit 1. */
const MEASURED: Record<string, number> = {
  'lineage/study/study.e2e.test.ts': 260, // 296-357 s on CI with three replicates a condition; now two
  'lineage/code-variant/gate.test.ts': 90, // 137-155 s on CI before the incremental typecheck
  'agent/models/offline/slots.test.ts': 100,
  'lineage/evaluate.docker.test.ts': 95,
  'lineage/next-generation.test.ts': 90,
  'lineage/self-repair/self-repair.test.ts': 72,
  'lineage/authoring/code-children.test.ts': 70,
  'evaluator/sandbox/docker.test.ts': 57,
  'evaluator/published.test.ts': 54,
  'agent/models/offline/slot-verdicts.test.ts': 52,
  'evaluator/hostile.test.ts': 33,
  'agent/models/offline/offline-e2e.test.ts': 30,
  'lineage/policies-differ.test.ts': 23,
  'lineage/interrupt.docker.test.ts': 17,
  'tasks/swebench-runners.test.ts': 16,
  'lineage/code-variant/variant-runs.test.ts': 13,
  'lineage/generation-transaction.test.ts': 13,
  'lineage/study/study.test.ts': 42, // e2e since it left unit; 42 s at a load of 4-16
  'lineage/report/report.test.ts': 21,
  'bench/search/landscape.test.ts': 80, // its null simulations
  'evaluator/sandbox/limits.test.ts': 11,
  'lineage/decide-generation.test.ts': 10,
  'evaluator/images/images.test.ts': 10,
  'tasks/grading.test.ts': 50, // was 270-356 s when it validated every built-in task; now a sample and what changed
};
const UNLISTED: Record<string, number> = { e2e: 20, docker: 10 };

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // `--sequence.shuffle` (with `--sequence.seed N` to repeat an order): files in a seeded random order instead, to
    // show unit files pass whichever file ran before them in their worker (test/no-leaks.ts).
    if (this.ctx.config.sequence.shuffle) return shuffled(files, this.ctx.config.sequence.seed ?? 0);
    const root = this.ctx.config.root;
    const expected = new Map(
      files.map((spec) => {
        const file = relative(root, spec.moduleId);
        const last = this.ctx.cache.getFileTestResults(`${spec.project.name}:${file}`)?.duration;
        const seconds = last !== undefined ? last / 1000 : (MEASURED[file] ?? UNLISTED[spec.project.name] ?? 1);
        return [spec, { seconds, size: statSync(spec.moduleId).size }];
      }),
    );
    return [...files].sort((a, b) => {
      const [x, y] = [expected.get(a)!, expected.get(b)!];
      return y.seconds - x.seconds || y.size - x.size;
    });
  }
}

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
