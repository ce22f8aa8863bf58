import { afterEach, describe, expect, it } from 'vitest';
import { TempDirSandbox } from './temp-sandbox.js';

// The fake stands in for the real sandboxes in agent tests, so it must not give commands what they never get there.
describe('TempDirSandbox', () => {
  afterEach(() => {
    delete process.env.EVOLVE_TEST_SECRET_KEY;
  });

  it("runs commands with a minimal environment, never the host's, as the real sandboxes do", async () => {
    process.env.EVOLVE_TEST_SECRET_KEY = 'sk-host-only';
    const sandbox = await TempDirSandbox.create({ 'a.txt': 'one\n' });
    const r = await sandbox.exec('env', { env: { GIVEN: 'yes' } });
    expect(r.output).not.toContain('sk-host-only');
    expect(r.output).toContain('GIVEN=yes');
    expect((await sandbox.exec('cat a.txt && command -v git >/dev/null && echo has-git')).output).toBe(
      'one\nhas-git\n',
    );
    await sandbox.dispose();
  });
});
