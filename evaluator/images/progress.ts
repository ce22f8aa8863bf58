import type Docker from 'dockerode';
import { SandboxError } from '../sandbox/errors.js';

// Follows a build/pull/import stream: progress lines out, the failing step and the log tail in the error.

export type BuildProgress = (line: string) => void;

interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

const TAIL_LINES = 25;

export function followBuild(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  doing: string,
  onProgress?: BuildProgress,
): Promise<void> {
  const tail: string[] = [];
  let step = '';
  let failure: string | undefined;
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null) => {
        if (!err && failure === undefined) return resolve();
        const message = failure ?? err?.message ?? String(err);
        if (/no space left on device/i.test(message)) {
          return reject(
            new SandboxError(
              'disk_full',
              `disk full while ${doing}: ${message}`,
              'Free disk space (`evolve images prune`, `docker system prune`) and run again.',
            ),
          );
        }
        const where = step ? ` at "${step}"` : '';
        reject(
          new SandboxError(
            'build_failed',
            `${doing} failed${where}: ${message.trim()}\n--- last lines of the build log ---\n${tail.join('\n')}`,
            "Fix the failing step of the recipe; `apt-get` in a build needs Debian's mirror reachable.",
          ),
        );
      },
      (event: ProgressEvent) => {
        if (event.error) failure = event.errorDetail?.message ?? event.error;
        const text = event.stream ?? event.status ?? '';
        for (const line of text
          .split('\n')
          .map((l) => l.trimEnd())
          .filter(Boolean)) {
          if (/^Step \d+\/\d+ : /.test(line)) step = line;
          tail.push(line);
          if (tail.length > TAIL_LINES) tail.shift();
          onProgress?.(line);
        }
      },
    );
  });
}
