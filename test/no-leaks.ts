// Setup file of the `unit` project. Unit files share worker processes (isolate: false, which is what makes the project
// run in seconds), so whatever one file leaves behind in the process is what the next file starts from. Each file is
// checked on its way out: the environment, the working directory, the colour level ink draws with, fake timers, the
// exit code and process-wide listeners must be as the file found them, or the file fails, naming what it changed.

import { afterAll } from 'vitest';
import { leaks, processState } from './leaks.js';
// A module that installs a process-lifetime hook when first imported (an exit handler that removes prepared
// workspaces): loaded before the snapshot, so its one hook is not counted against whichever file imports it first.
import '../tasks/prepare.js';

// Taken when vitest runs this file, before it imports the test file, so a change made at a test file's top level counts.
const before = processState();
afterAll(() => {
  const found = leaks(before, processState());
  if (found.length)
    throw new Error(`this file left process-wide state behind for the next unit file:\n  ${found.join('\n  ')}`);
});
