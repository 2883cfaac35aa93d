/**
 * Shared plumbing for the YAML, JSON and TOML syntax adapters: entry bookkeeping with
 * last-wins semantics, the nesting-depth cap, bounded error lists, and helpers that keep
 * pathological input (deep nesting) away from the recursive third-party parsers.
 */
import type { OffsetRange } from '../../core/plan';
import type { Scalar, SourceEntry, SyntaxError } from './tree';

/** Deepest path (number of segments) recorded in `entries`; deeper nodes produce one error. */
export const MAX_DEPTH = 64;
/**
 * Nodes indexed per document. Real configs have a few thousand (a 10,000-line data mixture ≈ 30,000); beyond this the
 * rest is not indexed (its values stay in `data`), so a 5 MB one-line list cannot cost gigabytes and seconds.
 */
export const MAX_ENTRIES = 100_000;
/** Errors beyond this count are dropped (a broken file can otherwise yield thousands). */
export const MAX_ERRORS = 100;
/** Collections opened while this many are already open get their contents blanked before parsing. */
export const BLANK_NESTING = MAX_DEPTH + 1;

export const DEPTH_MESSAGE = `nesting deeper than ${MAX_DEPTH} levels`;

/** Entry fields other than the path, which the builder derives. */
export type EntryFields = Omit<SourceEntry, 'path' | 'dotted'>;

/** Collects entries and errors for one document. */
export class DocumentBuilder {
  readonly entries = new Map<string, SourceEntry>();
  readonly errors: SyntaxError[] = [];
  private depthReported = false;

  constructor(private readonly textLength: number) {}

  /** True once MAX_ENTRIES nodes are indexed: walkers stop descending, `add` stops recording. */
  truncated = false;

  get full(): boolean {
    return this.entries.size >= MAX_ENTRIES;
  }

  /** Records a node; redefining a path (duplicate key) replaces it and drops its stale descendants. */
  add(path: string[], fields: EntryFields): SourceEntry {
    const dotted = path.join('.');
    if (this.full && !this.entries.has(dotted)) {
      this.truncated = true;
      return { path, dotted, ...fields };
    }
    if (this.entries.has(dotted)) this.removeSubtree(path);
    const entry: SourceEntry = { path, dotted, ...fields };
    this.entries.set(dotted, entry);
    return entry;
  }

  get(path: string[]): SourceEntry | undefined {
    return this.entries.get(path.join('.'));
  }

  /** False (reporting once per document) when a node at `path` lies deeper than MAX_DEPTH. */
  withinDepth(path: readonly string[], range: OffsetRange): boolean {
    if (path.length <= MAX_DEPTH) return true;
    if (!this.depthReported) {
      this.depthReported = true;
      const start = this.clamp(range.start);
      this.error(DEPTH_MESSAGE, { start, end: Math.max(this.clamp(range.end), start + 1) });
    }
    return false;
  }

  /** Adds an error with its range clamped into the text; drops exact repeats and errors past MAX_ERRORS. */
  error(message: string, range: OffsetRange): void {
    if (this.errors.length >= MAX_ERRORS) return;
    const start = this.clamp(range.start);
    const end = Math.max(start, this.clamp(range.end));
    if (this.errors.some((e) => e.message === message && e.range.start === start && e.range.end === end)) return;
    this.errors.push({ message, range: { start, end } });
  }

  /** Reports an unexpected exception as one error spanning the whole text. */
  fail(err: unknown): void {
    this.error(errorMessage(err), { start: 0, end: this.textLength });
  }

  private clamp(offset: number): number {
    return Math.min(Math.max(0, Number.isFinite(offset) ? Math.trunc(offset) : 0), this.textLength);
  }

  private removeSubtree(path: string[]): void {
    for (const [dotted, entry] of this.entries) {
      if (entry.path.length >= path.length && path.every((seg, i) => entry.path[i] === seg)) {
        this.entries.delete(dotted);
      }
    }
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export function range(start: number, end: number): OffsetRange {
  return { start, end: Math.max(start, end) };
}

/** Range shrunk so it does not end in whitespace (block collections swallow trailing newlines). */
export function trimRange(text: string, start: number, end: number): OffsetRange {
  let e = Math.min(end, text.length);
  while (e > start && /\s/.test(text.charAt(e - 1))) e--;
  return range(start, e);
}

/** Coerces a parser's scalar value into the format-neutral `Scalar` union. */
export function toScalar(value: unknown): Scalar {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return Number(value);
    default:
      return value instanceof Date ? value.toISOString() : String(value);
  }
}

/** Sets an own property, even for the key `__proto__`, so parsed data cannot alter prototypes. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Copy of `text` where the contents of every collection opened at nesting >= BLANK_NESTING are
 * replaced by spaces (newlines kept), so offsets are unchanged but the recursive parsers never
 * see more than BLANK_NESTING + 1 levels. `brackets` are the structural brackets in text order,
 * found by a format-aware scan (brackets inside strings and comments excluded).
 */
export function blankDeepNesting(text: string, brackets: Array<{ offset: number; open: boolean }>): string {
  const regions: Array<[number, number]> = [];
  let depth = 0;
  let regionStart = -1;
  for (const { offset, open } of brackets) {
    if (open) {
      if (depth === BLANK_NESTING && regionStart < 0) regionStart = offset + 1;
      depth++;
    } else if (depth > 0) {
      depth--;
      if (depth === BLANK_NESTING && regionStart >= 0) {
        regions.push([regionStart, offset]);
        regionStart = -1;
      }
    }
  }
  if (regionStart >= 0) regions.push([regionStart, text.length]);
  if (regions.length === 0) return text;
  let out = '';
  let last = 0;
  for (const [start, end] of regions) {
    out += text.slice(last, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ');
    last = end;
  }
  return out + text.slice(last);
}

/** `text` with a leading byte-order mark replaced by a space (offsets unchanged). */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
}
