import { DockerProvider } from './evaluator/sandbox/index.js';
const p = new DockerProvider();
const t0 = Date.now();
const box = await p.create({ image: process.argv[2] ?? 'evolve/env-python:5f895fb98baa', workdir: '/testbed', network: false, labels: {} } as any);
console.log('create', Date.now() - t0);
const time = async (name: string, f: () => Promise<unknown>, n = 20) => {
  const s = Date.now();
  for (let i = 0; i < n; i++) await f();
  console.log(name, ((Date.now() - s) / n).toFixed(0), 'ms');
};
await time('exec true', () => box.exec('true'));
await time('exec python3 -c 1', () => box.exec('python3 -c 1'));
await time('readFile', () => box.readFile('/etc/hostname'));
await time('writeFile', () => box.writeFile('/tmp/x.txt', 'hello\n'.repeat(100)));
const d = Date.now(); await box.dispose(); console.log('dispose', Date.now() - d);
