import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCodeKey, hashTree, INSTALLED_AGENT, installedAgentCode, isInstalledCode } from './agent-code.js';

/** A copy of what the installed agent's hash reads. */
function copyOfAgent(): string {
  const root = mkdtempSync(join(tmpdir(), 'evolve-agent-code-'));
  cpSync(join(INSTALLED_AGENT, 'agent'), join(root, 'agent'), { recursive: true });
  mkdirSync(join(root, 'evaluator', 'agent-process'), { recursive: true });
  mkdirSync(join(root, 'evaluator', 'sandbox'), { recursive: true });
  for (const f of ['agent-process/child.ts', 'sandbox/types.ts'])
    cpSync(join(INSTALLED_AGENT, 'evaluator', f), join(root, 'evaluator', f));
  return root;
}

describe('the code key of a run', () => {
  it('names the installed agent by its content, a variant by its commit', () => {
    expect(installedAgentCode()).toBe(`installed:${hashTree(INSTALLED_AGENT)}`);
    expect(agentCodeKey(undefined)).toBe(installedAgentCode());
    expect(agentCodeKey({ commit: 'abc123' })).toBe('abc123');
    expect([installedAgentCode(), 'installed', 'abc123'].map(isInstalledCode)).toEqual([true, true, false]);
  });

  it('changes with the agent code, its data files and what it is compiled with; not with its tests', () => {
    const root = copyOfAgent();
    const before = hashTree(root);
    expect(hashTree(root)).toBe(before);
    writeFileSync(join(root, 'agent', 'loop.test.ts'), '// another test\n', { flag: 'a' });
    mkdirSync(join(root, 'agent', 'node_modules'), { recursive: true });
    writeFileSync(join(root, 'agent', 'node_modules', 'x.js'), 'x');
    expect(hashTree(root)).toBe(before);
    const changed: string[] = [];
    for (const file of [
      'agent/loop.ts',
      'agent/prompts/extra.md',
      'evaluator/agent-process/child.ts',
      'evaluator/sandbox/types.ts',
    ]) {
      const copy = copyOfAgent();
      writeFileSync(join(copy, file), '\n// changed\n', { flag: 'a' });
      if (hashTree(copy) !== before) changed.push(file);
    }
    expect(changed).toEqual([
      'agent/loop.ts',
      'agent/prompts/extra.md',
      'evaluator/agent-process/child.ts',
      'evaluator/sandbox/types.ts',
    ]);
  });
});
