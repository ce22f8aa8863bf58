import { BASE_REF } from './types.js';

/**
 * Shell that prints the workdir's binary diff against BASE_REF (else HEAD), untracked files included. It stages
 * into a throwaway index (GIT_INDEX_FILE) so the agent's own index and staging are left exactly as they were.
 */
export function diffScript(workdir: string): string {
  const q = `'${workdir.replace(/'/g, `'\\''`)}'`;
  return [
    `cd ${q}`,
    'idx=$(mktemp)',
    'cp .git/index "$idx" 2>/dev/null || rm -f "$idx"',
    `base=$(git rev-parse --verify -q ${BASE_REF} || git rev-parse --verify -q HEAD)`,
    'GIT_INDEX_FILE="$idx" git add -A . >/dev/null',
    'GIT_INDEX_FILE="$idx" git diff --cached --binary --no-color --no-ext-diff "$base"',
    'status=$?',
    'rm -f "$idx"',
    'exit $status',
  ].join('\n');
}
