import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, readFile, readlink, symlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';

// Tar archives for moving files in and out of containers (the Docker API speaks tar; nothing is bind-mounted).

export interface Owner {
  uid: number;
  gid: number;
}

/** A tar holding one file named `name` (a path relative to the directory it is extracted into). */
export function tarOfFile(name: string, content: string | Uint8Array, owner: Owner): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name, mode: 0o644, uid: owner.uid, gid: owner.gid }, Buffer.from(content));
  pack.finalize();
  return collect(pack);
}

/** A tar of a host directory's contents (regular files, directories, symlinks), owned by `owner`. */
export async function tarOfDirectory(hostDir: string, owner: Owner): Promise<Buffer> {
  const pack = tar.pack();
  const done = collect(pack);
  for await (const path of walk(hostDir)) {
    const name = relative(hostDir, path).split(sep).join('/');
    const info = await lstat(path);
    const base = { name, uid: owner.uid, gid: owner.gid, mode: info.mode & 0o7777, mtime: info.mtime };
    if (info.isDirectory()) pack.entry({ ...base, type: 'directory' });
    else if (info.isSymbolicLink()) pack.entry({ ...base, type: 'symlink', linkname: await readlink(path) });
    else if (info.isFile()) pack.entry(base, await readFile(path));
  }
  pack.finalize();
  return done;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    yield path;
    if (entry.isDirectory()) yield* walk(path);
  }
}

/** Anything that emits data/end/error (node streams and tar-stream's streamx streams alike). */
export interface ByteSource {
  on(event: string, listener: (...args: any[]) => void): unknown;
}

export function collect(stream: ByteSource): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Reads the first regular file of a tar stream. */
export function firstFileOf(archive: NodeJS.ReadableStream): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const extract = tar.extract();
    let found: Buffer | undefined;
    extract.on('entry', (header, stream, next) => {
      if (found === undefined && header.type === 'file') {
        collect(stream).then((b) => ((found = b), next()), reject);
      } else {
        stream.on('end', next);
        stream.resume();
      }
    });
    extract.on('finish', () => resolve(found));
    extract.on('error', reject);
    archive.pipe(extract);
  });
}

/**
 * Extracts a tar into hostDir, dropping the first path component (Docker names the copied directory itself
 * first). Entries that would escape hostDir are skipped.
 */
export async function extractStripped(archive: NodeJS.ReadableStream, hostDir: string): Promise<void> {
  await mkdir(hostDir, { recursive: true });
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const rest = header.name.split('/').slice(1).filter((p) => p !== '' && p !== '.');
    const target = join(hostDir, ...rest);
    const inside = rest.length > 0 && !rest.includes('..');
    const write = async (): Promise<void> => {
      if (!inside) return void stream.resume();
      if (header.type === 'directory') {
        await mkdir(target, { recursive: true });
        stream.resume();
      } else if (header.type === 'symlink' && header.linkname) {
        await mkdir(dirname(target), { recursive: true });
        await symlink(header.linkname, target).catch(() => undefined);
        stream.resume();
      } else if (header.type === 'file') {
        await mkdir(dirname(target), { recursive: true });
        await pipeline(stream, createWriteStream(target, { mode: (header.mode ?? 0o644) & 0o777 }));
        return;
      } else stream.resume();
    };
    let ended = false;
    stream.on('end', () => (ended = true));
    stream.on('error', (e: Error) => extract.destroy(e));
    write().then(
      () => (ended ? next() : stream.on('end', next)),
      (e: Error) => extract.destroy(e),
    );
  });
  await pipeline(archive, extract);
}
