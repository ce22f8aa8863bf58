import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { pack, extract } from 'tar-stream';

// Archives in and out of containers: the engine copies files only as tar streams.

/** A tar holding one file, for putArchive. */
export function singleFileTar(name: string, content: string | Uint8Array, mode = 0o644): NodeJS.ReadableStream {
  const p = pack();
  p.entry({ name, mode }, Buffer.from(content));
  p.finalize();
  return p as unknown as NodeJS.ReadableStream;
}

/** The first regular file in a tar stream (getArchive of a file path yields exactly one). */
export function firstFileOf(stream: NodeJS.ReadableStream): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const x = extract();
    let found: Buffer | null = null;
    x.on('entry', (header, body, next) => {
      const chunks: Buffer[] = [];
      body.on('data', (c: unknown) => {
        if (found === null && header.type === 'file') chunks.push(c as Buffer);
      });
      body.on('end', () => {
        if (found === null && header.type === 'file') found = Buffer.concat(chunks);
        next();
      });
      body.resume();
    });
    x.on('finish', () => resolve(found));
    x.on('error', reject);
    stream.pipe(x);
  });
}

/** A host folder's contents as a tar stream (system tar: fast, keeps modes and symlinks). */
export function tarDirectory(dir: string): Readable {
  const child = spawn('tar', ['-C', dir, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return child.stdout;
}

/** Extracts a tar stream into a host folder, dropping `strip` leading path components. */
export function untarInto(stream: NodeJS.ReadableStream, dir: string, strip = 0): Promise<void> {
  mkdirSync(dir, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['-C', dir, '-xf', '-', `--strip-components=${strip}`, '--no-same-owner'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar -x into ${dir} failed: ${err.trim()}`))));
    stream.pipe(child.stdin);
  });
}
