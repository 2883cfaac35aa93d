/** Corpus helpers shared by the dialect tests. */
import { existsSync, readFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { defaultOptions } from '../../server/src/core/options';
import { analyzeText, type DocumentAnalysis } from '../../server/src/dialects/index';
import { NATIVE_ADAPTER } from '../../server/src/dialects/nativeAdapter';
import type { DialectAdapter, ReadResult } from '../../server/src/dialects/types';
import { boundedReader } from '../../server/src/host/files';

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

/**
 * The scaffolding every dialect test shares: its corpus folder, a skip reason when shared/ is absent, `run` (the whole
 * pipeline with the native adapter and this one, referenced files read from the corpus) and `corpus` (one file).
 */
export function dialectHarness(dirName: string, adapter: DialectAdapter) {
  const DIR = resolve(CORPUS, dirName);
  const skip: string | false = existsSync(DIR) ? false : `corpus not found at ${DIR}`;
  const adapters = [NATIVE_ADAPTER, adapter];
  const run = (text: string, fileName = resolve(DIR, 'inline.yaml'), readFile: Reader = boundedReader([CORPUS])) =>
    analyzeText(text, fileName, { options: defaultOptions(), adapters, readFile });
  const corpus = (name: string, readFile?: Reader, fileName = resolve(DIR, name)) => {
    const text = readFileSync(resolve(DIR, name), 'utf8');
    return { text, a: run(text, fileName, readFile) };
  };
  return { DIR, skip, run, corpus };
}

export const at = (text: string, r: { start: number; end: number }): string => text.slice(r.start, r.end);
export const errors = (a: DocumentAnalysis) => a.findings.filter((f) => f.severity === 'error');
export const params = (a: DocumentAnalysis) => a.analysis!.figures.params.value;
