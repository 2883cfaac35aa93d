/** Corpus helpers shared by the dialect tests. */
import { readFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import type { ReadResult } from '../../server/src/dialects/types';

/** shared/corpus beside the checkout (developers' machines and CI). */
export const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus');

export type Reader = (p: string, from: string) => ReadResult | undefined;

/**
 * The corpus files of one repository at their repository paths (MANIFEST.json), so references between them
 * (`base_config`, `!include data/…`) resolve as in a checkout mounted at `/repo/<name>`.
 */
export function repoReader(repo: string, name: string): { root: string; read: Reader } {
  const manifest: { file: string; repo: string; path: string }[] = JSON.parse(readFileSync(resolve(CORPUS, 'MANIFEST.json'), 'utf8'));
  const root = `/repo/${name}`;
  const byPath = new Map(manifest.filter((m) => m.repo === repo).map((m) => [posix.join(root, m.path), m.file]));
  return {
    root,
    read: (p, from) => {
      const abs = posix.resolve(posix.dirname(from), p);
      const file = byPath.get(abs);
      return file ? { path: abs, text: readFileSync(resolve(CORPUS, file), 'utf8') } : undefined;
    },
  };
}
