import { main } from './program.js';

// The `evolve` process: run one command, then exit.
const code = await main(process.argv.slice(2));
// A command is done when main returns. Flush what was printed, then exit even if a stray handle (a timer or socket
// left by a dependency after a long generation) would keep the process alive for minutes.
await new Promise<void>((resolve) => process.stdout.write('', () => process.stderr.write('', () => resolve())));
process.exit(code);
