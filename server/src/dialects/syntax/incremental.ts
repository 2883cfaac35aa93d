/**
 * Incremental re-parse for the edit people make most: typing inside one scalar value (a number, a size, a name).
 * When the change between two versions lies inside a single scalar token of the previous parse and the new token is
 * still one scalar of the same kind, the previous ParsedDocument is patched (value re-typed, later ranges shifted)
 * instead of re-parsing the whole file. Anything else — structure, keys, comments, quotes, anchors, a previous parse
 * with errors — returns undefined and the caller parses from scratch. test/unit/incremental.test.ts checks that the
 * patched result equals a full parse on thousands of random edits.
 */
import { parse as parseYamlValue } from 'yaml';
import type { OffsetRange } from '../../core/plan';
import type { ParsedDocument, Scalar, SourceEntry } from './tree';

/** The changed region: [start, oldEnd) in the old text became [start, newEnd) in the new text. */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

export function diffTexts(oldText: string, newText: string): TextChange {
  const max = Math.min(oldText.length, newText.length);
  let p = 0;
  while (p < max && oldText.charCodeAt(p) === newText.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && oldText.charCodeAt(oldText.length - 1 - s) === newText.charCodeAt(newText.length - 1 - s)) s++;
  return { start: p, oldEnd: oldText.length - s, newEnd: newText.length - s };
}

const YAML_PLAIN = /^[A-Za-z0-9_.+~-]+$/;
const YAML_INNER = /^[^"'\\\n\r]*$/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const TOML_NUMBER = /^[+-]?\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?$/;
const ANCHOR_OR_ALIAS = /(^|[\s[{,:])[&*][^\s,[\]{}]/m;

/** The patched document, or undefined when a full parse is needed. */
export function reparse(prev: ParsedDocument, text: string): ParsedDocument | undefined {
  if (prev.errors.length > 0 || prev.truncated) return undefined;
  if (prev.text === text) return prev;
  const ch = diffTexts(prev.text, text);
  const delta = ch.newEnd - ch.oldEnd;
  const target = scalarContaining(prev, ch);
  if (!target) return undefined;
  const { start, end } = target.valueRange;
  const token = text.slice(start, end + delta);
  const value = retype(prev.format, target.raw ?? '', token, prev.text);
  if (value === undefined) return undefined;

  const shift = (r: OffsetRange): OffsetRange => ({ start: r.start >= ch.oldEnd ? r.start + delta : r.start, end: r.end >= ch.oldEnd ? r.end + delta : r.end });
  const entries = new Map<string, SourceEntry>();
  for (const [k, e] of prev.entries) {
    if (e === target) {
      entries.set(k, { ...e, value: value.value, raw: token, valueRange: { start, end: end + delta } });
      continue;
    }
    const moved = e.valueRange.end >= ch.oldEnd || (e.keyRange !== undefined && e.keyRange.end >= ch.oldEnd);
    entries.set(k, moved ? { ...e, valueRange: shift(e.valueRange), ...(e.keyRange ? { keyRange: shift(e.keyRange) } : {}) } : e);
  }
  const comments = prev.comments.map((c) => (c.range.start >= ch.oldEnd ? { ...c, range: shift(c.range) } : c));
  return { format: prev.format, text, data: setPath(prev.data, target.path, value.data), entries, errors: [], comments };
}

/** The scalar entry whose value token contains the whole change (an insertion may touch either end). */
function scalarContaining(prev: ParsedDocument, ch: TextChange): SourceEntry | undefined {
  let found: SourceEntry | undefined;
  for (const e of prev.entries.values()) {
    if (e.kind !== 'scalar') continue;
    const r = e.valueRange;
    if (r.start <= ch.start && ch.oldEnd <= r.end && r.end > r.start) {
      if (found) return undefined; // two scalars share the range (aliases, merges): not a simple token
      found = e;
    }
  }
  return found;
}

/** The new token's typed value, or undefined when it is no longer a simple scalar of the same shape. */
function retype(format: ParsedDocument['format'], oldRaw: string, token: string, oldText: string): { value: Scalar; data: unknown } | undefined {
  if (!token) return undefined;
  const quote = oldRaw[0] === '"' || oldRaw[0] === "'" ? oldRaw[0] : '';
  if (quote) {
    if (token.length < 2 || token[0] !== quote || token[token.length - 1] !== quote) return undefined;
    const inner = token.slice(1, -1);
    if (!YAML_INNER.test(inner)) return undefined;
    return { value: inner, data: inner };
  }
  switch (format) {
    case 'yaml': {
      if (!YAML_PLAIN.test(token) || !YAML_PLAIN.test(oldRaw) || /^[-?]$/.test(token) || token.startsWith('-') !== oldRaw.startsWith('-')) return undefined;
      if (ANCHOR_OR_ALIAS.test(oldText)) return undefined;
      let v: unknown;
      try {
        v = parseYamlValue(token, { version: '1.2', schema: 'core', prettyErrors: false, logLevel: 'silent' });
      } catch {
        return undefined;
      }
      if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
      return { value: v, data: v };
    }
    case 'json': {
      if (!JSON_NUMBER.test(token) || !JSON_NUMBER.test(oldRaw)) return undefined;
      const v = Number(token);
      return { value: v, data: v };
    }
    case 'toml': {
      if (!TOML_NUMBER.test(token) || !TOML_NUMBER.test(oldRaw) || /__|_$|_\.|\._|^[+-]?_/.test(token) || /^[+-]?0\d/.test(token)) return undefined;
      const v = Number(token.replace(/_/g, ''));
      if (!Number.isFinite(v) || (!/[.eE]/.test(token) && !Number.isSafeInteger(v))) return undefined;
      return { value: v, data: v };
    }
  }
}

/** A copy of `data` with the value at `path` replaced (objects on the path are copied, the rest shared). */
function setPath(data: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(data)) {
    const copy = data.slice();
    copy[Number(head)] = setPath(data[Number(head)], rest, value);
    return copy;
  }
  if (data && typeof data === 'object') {
    const copy: Record<string, unknown> = {};
    for (const k of Object.keys(data)) Object.defineProperty(copy, k, { value: (data as Record<string, unknown>)[k], writable: true, enumerable: true, configurable: true });
    Object.defineProperty(copy, head, { value: setPath((data as Record<string, unknown>)[head], rest, value), writable: true, enumerable: true, configurable: true });
    return copy;
  }
  return data;
}
