/**
 * Bounded, read-only access to files a config references (base configs, `!include`, DeepSpeed JSON): only inside the
 * allowed roots (workspace folders; for the CLI the repository of the file), at most 1 MB each. Node-only: used by the
 * CLI and the server, never by core/ or dialects/ directly.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { ReadResult } from '../dialects/types';

export const MAX_REFERENCED_BYTES = 1_000_000;

export function boundedReader(roots: readonly string[], maxBytes = MAX_REFERENCED_BYTES): (path: string, from: string) => ReadResult | undefined {
  const realRoots = roots.flatMap((r) => {
    try {
      return [realpathSync(r)];
    } catch {
      return [];
    }
  });
  return (path, from) => {
    try {
      const abs = isAbsolute(path) ? path : resolve(dirname(from), path);
      if (!existsSync(abs)) return undefined;
      const real = realpathSync(abs);
      if (!realRoots.some((r) => !relative(r, real).startsWith('..') && !isAbsolute(relative(r, real)))) return undefined;
      const st = statSync(real);
      if (!st.isFile() || st.size > maxBytes) return undefined;
      return { path: real, text: readFileSync(real, 'utf8') };
    } catch {
      return undefined;
    }
  };
}

/** The resolved (symlink-free) path, as recorded by the bounded reader; the path itself when it does not exist. */
export function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The repository (nearest ancestor with .git) of a file, else its directory. */
export function projectRoot(file: string): string {
  let dir = dirname(resolve(file));
  for (let i = 0; i < 32; i++) {
    if (existsSync(resolve(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dirname(resolve(file));
}
