import { execFileSync } from 'node:child_process';
import { describe } from 'vitest';

// Docker-backed tests: skipped when no engine is reachable, except under EVOLVE_REQUIRE_DOCKER=1 (CI),
// where a missing engine makes them fail instead of silently skipping.

export const BASE_IMAGE = 'evolve/base:bookworm';

function engineUp(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export const dockerAvailable = engineUp();
export const dockerRequired = process.env.EVOLVE_REQUIRE_DOCKER === '1';

/** `describe` for tests that need the Docker engine. */
export const describeDocker: typeof describe = ((name: string, fn: () => void) => {
  if (dockerAvailable) return describe(name, fn);
  if (dockerRequired) {
    return describe(name, () => {
      throw new Error(
        `EVOLVE_REQUIRE_DOCKER=1 but no Docker engine is reachable; "${name}" cannot run. Start dockerd or run \`evolve doctor --fix\`.`,
      );
    });
  }
  return describe.skip(name, fn);
}) as typeof describe;
