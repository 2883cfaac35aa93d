/** The incremental fast path must give exactly what a full parse gives, or decline. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseConfig, formatFromFileName } from '../../server/src/dialects/syntax/index';
import { diffTexts, reparse } from '../../server/src/dialects/syntax/incremental';
import type { ParsedDocument } from '../../server/src/dialects/syntax/tree';
import { rng } from '../helpers/rng';

const root = resolve(import.meta.dirname, '../..');
const corpus = resolve(root, '../shared/corpus');
const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
const files = [...walk(resolve(root, 'examples')), ...(existsSync(corpus) ? walk(corpus) : [])].filter((f) => formatFromFileName(f));

/** Comparable form: data via JSON (Dates as strings), entries in order. */
function canon(p: ParsedDocument): unknown {
  return {
    data: JSON.stringify(p.data, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)),
    entries: [...p.entries.entries()].map(([k, e]) => [k, e.kind, e.value, e.raw, e.keyRange, e.valueRange]),
    errors: p.errors,
    comments: p.comments,
  };
}

test('diffTexts finds the minimal changed region', () => {
  assert.deepEqual(diffTexts('tokens: 20B', 'tokens: 200B'), { start: 10, oldEnd: 10, newEnd: 11 });
  assert.deepEqual(diffTexts('a: 1\nb: 2', 'a: 1\nb: 3'), { start: 8, oldEnd: 9, newEnd: 9 });
  assert.deepEqual(diffTexts('same', 'same'), { start: 4, oldEnd: 4, newEnd: 4 });
});

test('typing inside scalars: the fast path equals a full parse, or declines (thousands of random edits)', () => {
  const r = rng(1234);
  const alphabet = ['0', '1', '5', '9', 'e', '.', '_', 'B', 'T', '-', ':', '#', ' ', '"', "'", ',', ']', 'x', '&', '*', '\n'];
  let patched = 0;
  let declined = 0;
  for (const f of files) {
    const format = formatFromFileName(f)!;
    const text = readFileSync(f, 'utf8');
    const prev = parseConfig(text, format);
    if (prev.errors.length) continue;
    const scalars = [...prev.entries.values()].filter((e) => e.kind === 'scalar' && e.valueRange.end > e.valueRange.start);
    for (let i = 0; i < 40 && scalars.length; i++) {
      const e = scalars[Math.floor(r() * scalars.length)]!;
      const at = e.valueRange.start + Math.floor(r() * (e.valueRange.end - e.valueRange.start + 1));
      const op = r();
      const ch = alphabet[Math.floor(r() * alphabet.length)]!;
      const next = op < 0.5 ? text.slice(0, at) + ch + text.slice(at) : op < 0.8 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + ch + text.slice(at + 1);
      const fast = reparse(prev, next);
      if (!fast) {
        declined++;
        continue;
      }
      patched++;
      assert.deepEqual(canon(fast), canon(parseConfig(next, format)), `${f}: edit at ${at} (${JSON.stringify(text.slice(e.valueRange.start, e.valueRange.end))} → ${JSON.stringify(next.slice(e.valueRange.start, e.valueRange.end + next.length - text.length))})`);
    }
  }
  assert.ok(patched > 500, `only ${patched} edits took the fast path (${declined} declined)`);
});

test('declines structure, keys, comments and previous errors', () => {
  const base = 'model:\n  layers: 32   # depth\n  hidden: 4096\n';
  const prev = parseConfig(base, 'yaml');
  assert.equal(reparse(prev, base.replace('layers', 'layerz')), undefined); // key
  assert.equal(reparse(prev, base.replace('depth', 'width')), undefined); // comment
  assert.equal(reparse(prev, base.replace('32', '32, 4')), undefined); // structure
  assert.ok(reparse(prev, base.replace('32', '48')));
  const broken = parseConfig('model: [\n  layers: 1\n', 'yaml');
  assert.equal(reparse(broken, 'model: [\n  layers: 2\n'), undefined);
  const anchored = parseConfig('a: &x 1\nb: *x\n', 'yaml');
  assert.equal(reparse(anchored, 'a: &x 2\nb: *x\n'), undefined);
});
