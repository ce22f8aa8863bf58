import type { Command } from 'commander';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check Node, the database, Docker, base images and model keys; --fix repairs what it can')
    .option('--fix', 'install and start Docker, build the local base image, reap leftover containers')
    .option('--json', 'print as JSON')
    .action(async () => {
      process.stdout.write('doctor: not yet implemented\n');
    });
}
