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

// Every upload is extracted at / with absolute names (leading slash dropped). `dirs` lists directories to create
// first, owned by `owner` (the workdir and the folders under it); other missing parents are created by root.

const rel = (abs: string) => abs.replace(/^\/+|\/+$/g, '');

function addDirs(pack: tar.Pack, dirs: string[], owner: Owner): void {
  for (const dir of dirs)
    pack.entry({ name: `${rel(dir)}/`, type: 'directory', mode: 0o755, uid: owner.uid, gid: owner.gid });
}

/** A tar holding one file at absolute path `path`. */
export function tarOfFile(
  path: string,
  content: string | Uint8Array,
  owner: Owner,
  dirs: string[] = [],
): Promise<Buffer> {
  const pack = tar.pack();
  addDirs(pack, dirs, owner);
  pack.entry({ name: rel(path), mode: 0o644, uid: owner.uid, gid: owner.gid }, Buffer.from(content));
  pack.finalize();
  return collect(pack);
}

/** A tar of a host directory's contents (regular files, directories, symlinks) placed under absolute `target`. */
export async function tarOfDirectory(
  hostDir: string,
  owner: Owner,
  target: string,
  dirs: string[] = [],
): Promise<Buffer> {
  const pack = tar.pack();
  const done = collect(pack);
  addDirs(pack, dirs, owner);
  const paths: string[] = [];
  for await (const path of walk(hostDir)) paths.push(path);
  // Read in parallel batches, add in walk order (parents before children).
  for (let i = 0; i < paths.length; i += 64) {
    const batch = await Promise.all(
      paths.slice(i, i + 64).map(async (path) => {
        const info = await lstat(path);
        const data = info.isFile() ? await readFile(path) : undefined;
        const link = info.isSymbolicLink() ? await readlink(path) : undefined;
        return { path, info, data, link };
      }),
    );
    for (const { path, info, data, link } of batch) {
      const name = [rel(target), ...relative(hostDir, path).split(sep)].filter(Boolean).join('/');
      const base = { name, uid: owner.uid, gid: owner.gid, mode: info.mode & 0o7777, mtime: info.mtime };
      if (info.isDirectory()) pack.entry({ ...base, type: 'directory' });
      else if (link !== undefined) pack.entry({ ...base, type: 'symlink', linkname: link });
      else if (data) pack.entry(base, data);
    }
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
    const rest = header.name
      .split('/')
      .slice(1)
      .filter((p) => p !== '' && p !== '.');
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
