import type { SandboxErrorKind } from './types.js';

/** A failure of the sandbox itself (never of the command run in it): the run records it as an infrastructure error. */
export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  constructor(
    readonly kind: SandboxErrorKind,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Maps a Docker engine error to a SandboxError with a fix the user can act on. */
export function fromDockerError(error: unknown, doing: string): SandboxError {
  const e = error as { code?: string; statusCode?: number; message?: string };
  const message = String(e.message ?? error);
  if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'EACCES') {
    return new SandboxError(
      'engine_unavailable',
      `Docker engine is not reachable while ${doing} (${e.code})`,
      'Start it with `evolve doctor --fix` (or `dockerd &` as root), or use `--sandbox local`.',
    );
  }
  if (/no space left on device/i.test(message)) {
    return new SandboxError(
      'disk_full',
      `disk full while ${doing}: ${message}`,
      'Free disk space (`evolve images prune`, `docker system prune`) and run again; finished runs are kept.',
    );
  }
  if (e.statusCode === 404 && /image/i.test(message)) {
    return new SandboxError(
      'image_missing',
      `image missing while ${doing}: ${message}`,
      'Build it with `evolve images build`, or check the task environment.',
    );
  }
  if ((e.statusCode === 404 && /no such container/i.test(message)) || e.statusCode === 409) {
    return new SandboxError(
      'container_gone',
      `container gone while ${doing}: ${message}`,
      'It was removed or killed from outside evolve; the run is retried once.',
    );
  }
  return new SandboxError('io', `Docker failed while ${doing}: ${message}`);
}
