/**
 * TOML adapter: toml-eslint-parser → ParsedDocument.
 *
 * The parser stops at the first error (throws). We then report that error and re-parse the
 * text before the failing line (a few times at most) so the entries above it stay usable.
 * A small lexer pass finds comments and value brackets: comments survive parse failures, and
 * arrays / inline tables nested past the depth cap are blanked out before the recursive parser runs.
 */
import { getStaticTOMLValue, parseTOML, type AST } from 'toml-eslint-parser';
import type { OffsetRange } from '../../core/plan';
import { DocumentBuilder, blankDeepNesting, errorMessage, range, toScalar, withoutBom, type EntryFields } from './builder';
import type { Comment, ParsedDocument } from './tree';

/** Re-parse attempts on shorter prefixes after a parse error. */
const PREFIX_ATTEMPTS = 3;

/** Parses TOML text; never throws. */
export function parseToml(text: string): ParsedDocument {
  const out = new DocumentBuilder(text.length);
  let comments: Comment[] = [];
  let data: unknown;
  try {
    const source = withoutBom(text);
    const scanned = scanToml(source);
    comments = scanned.comments;
    const { ast, error } = parseWithRecovery(blankDeepNesting(source, scanned.brackets), scanned.statementStarts);
    if (error) out.error(error.message, error.range);
    if (ast) {
      if (!error) comments = ast.comments.map((c) => ({ text: c.value.trim(), range: range(c.range[0], c.range[1]) }));
      new TomlWalker(text, out).program(ast);
      data = getStaticTOMLValue(ast);
    }
  } catch (err) {
    out.fail(err);
  }
  return { format: 'toml', text, data, entries: out.entries, errors: out.errors, comments, ...(out.truncated ? { truncated: true } : {}) };
}

interface ParseFailure {
  message: string;
  index: number;
  range: OffsetRange;
}

/**
 * Parses `source`. On failure returns the first error and, when one parses, the AST of the text
 * before the failing top-level statement (retrying on earlier statement starts a few times).
 */
function parseWithRecovery(source: string, statementStarts: number[]): { ast?: AST.TOMLProgram; error?: ParseFailure } {
  let error: ParseFailure | undefined;
  let cut = source.length;
  for (let attempt = 0; attempt <= PREFIX_ATTEMPTS; attempt++) {
    const prefix = source.slice(0, cut);
    try {
      return { ast: parseTOML(prefix), error };
    } catch (err) {
      const failure = toFailure(err, prefix.length);
      error ??= failure;
      const limit = Math.min(failure.index, cut - 1);
      const next = lastAtOrBefore(statementStarts, limit);
      if (next <= 0) break;
      cut = next;
    }
  }
  return { error };
}

/** Greatest value in ascending `sorted` that is <= `limit`, or -1. */
function lastAtOrBefore(sorted: number[], limit: number): number {
  let found = -1;
  for (const v of sorted) {
    if (v > limit) break;
    found = v;
  }
  return found;
}

function toFailure(err: unknown, length: number): ParseFailure {
  if (!hasIndex(err)) return { message: errorMessage(err), index: 0, range: range(0, length) };
  const index = Math.min(Math.max(0, err.index), length);
  return { message: errorMessage(err), index, range: range(index, Math.min(index + 1, length)) };
}

function hasIndex(err: unknown): err is { index: number } {
  return typeof err === 'object' && err !== null && 'index' in err && typeof err.index === 'number';
}

// ---------------------------------------------------------------------------------------------
// Lexer pass: comments and value brackets (strings, comments and table headers skipped).

interface TomlScan {
  comments: Comment[];
  brackets: Array<{ offset: number; open: boolean }>;
  /** Line starts outside any value (top-level statement boundaries), ascending. */
  statementStarts: number[];
}

/** Scans TOML text for `#` comments, the brackets of arrays / inline tables and statement starts. */
function scanToml(text: string): TomlScan {
  const scan = new TomlScanner();
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '#') {
      i = scan.comment(text, i);
    } else if (c === '"' || c === "'") {
      i = skipString(text, i);
    } else {
      scan.char(c, i);
      i++;
    }
  }
  return scan.result;
}

/** Lexer state between characters: bracket depth and whether we are in a value or a table header. */
class TomlScanner {
  readonly result: TomlScan = { comments: [], brackets: [], statementStarts: [0] };
  private depth = 0;
  private inValue = false;
  private inHeader = false;

  /** Records the comment starting at `i`; returns the offset of its end (before the line break). */
  comment(text: string, i: number): number {
    const lineEnd = text.indexOf('\n', i);
    let end = lineEnd < 0 ? text.length : lineEnd;
    if (text.charAt(end - 1) === '\r') end--;
    this.result.comments.push({ text: text.slice(i + 1, end).trim(), range: range(i, end) });
    return end;
  }

  /** Any character outside strings and comments. */
  char(c: string, offset: number): void {
    if (c === '\n') {
      this.inHeader = false;
      if (this.depth > 0) return;
      this.inValue = false;
      this.result.statementStarts.push(offset + 1);
    } else if (this.inHeader) {
      return;
    } else if (c === '=' && this.depth === 0) {
      this.inValue = true;
    } else if (c === '[' && this.depth === 0 && !this.inValue) {
      this.inHeader = true;
    } else if (c === '[' || c === '{') {
      this.result.brackets.push({ offset, open: true });
      this.depth++;
    } else if ((c === ']' || c === '}') && this.depth > 0) {
      this.result.brackets.push({ offset, open: false });
      this.depth--;
    }
  }
}

/** Offset just past the string starting at `i` (or at the line end / text end when unterminated). */
function skipString(text: string, i: number): number {
  const quote = text.charAt(i);
  const triple = quote.repeat(3);
  const basic = quote === '"';
  const multiline = text.startsWith(triple, i);
  let j = i + (multiline ? 3 : 1);
  while (j < text.length) {
    const c = text.charAt(j);
    if (basic && c === '\\') j += 2;
    else if (multiline && text.startsWith(triple, j)) return skipExtraQuotes(text, j + 3, quote);
    else if (!multiline && c === quote) return j + 1;
    else if (!multiline && c === '\n') return j;
    else j++;
  }
  return text.length;
}

/** A multi-line string may end with up to two extra quotes that belong to its content. */
function skipExtraQuotes(text: string, j: number, quote: string): number {
  let k = j;
  while (k < j + 2 && text.charAt(k) === quote) k++;
  return k;
}

// ---------------------------------------------------------------------------------------------
// AST walk → entries.

class TomlWalker {
  /** Containers created implicitly (dotted keys, table headers); their ranges grow to cover later parts. */
  private readonly implicit = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly out: DocumentBuilder,
  ) {}

  program(ast: AST.TOMLProgram): void {
    const top = ast.body[0];
    this.out.add([], { kind: 'map', valueRange: range(0, this.text.length) });
    for (const node of top.body) {
      if (node.type === 'TOMLTable') this.table(node);
      else this.keyValue(node, []);
    }
  }

  private table(table: AST.TOMLTable): void {
    const path = table.resolvedKey.map(String);
    const keyRange = rangeOf(table.key);
    const valueRange = rangeOf(table);
    for (let i = 1; i < path.length; i++) {
      const kind = typeof table.resolvedKey[i] === 'number' ? 'seq' : 'map';
      if (!this.container(path.slice(0, i), kind, keyRange, valueRange)) return;
    }
    if (!this.out.withinDepth(path, valueRange)) return;
    const isItem = table.kind === 'array';
    this.define(path, { kind: 'map', keyRange: isItem ? undefined : keyRange, valueRange });
    for (const kv of table.body) this.keyValue(kv, path);
  }

  private keyValue(kv: AST.TOMLKeyValue, base: string[]): void {
    const segments = kv.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
    for (let i = 1; i < segments.length; i++) {
      const key = kv.key.keys[i - 1];
      const keyRange = key ? rangeOf(key) : rangeOf(kv.key);
      if (!this.container([...base, ...segments.slice(0, i)], 'map', keyRange, rangeOf(kv))) return;
    }
    this.value(kv.value, [...base, ...segments], rangeOf(kv.key));
  }

  private value(node: AST.TOMLContentNode, path: string[], keyRange: OffsetRange | undefined): void {
    const valueRange = rangeOf(node);
    if (!this.out.withinDepth(path, valueRange)) return;
    switch (node.type) {
      case 'TOMLArray':
        this.out.add(path, { kind: 'seq', keyRange, valueRange });
        node.elements.forEach((el, i) => this.value(el, [...path, String(i)], undefined));
        break;
      case 'TOMLInlineTable':
        this.out.add(path, { kind: 'map', keyRange, valueRange });
        for (const kv of node.body) this.keyValue(kv, path);
        break;
      default: {
        const raw = this.text.slice(valueRange.start, valueRange.end);
        const value = node.kind === 'offset-date-time' || node.kind === 'local-date-time' || node.kind === 'local-date' || node.kind === 'local-time' ? node.datetime : toScalar(node.value);
        this.out.add(path, { kind: 'scalar', value, raw, keyRange, valueRange });
      }
    }
  }

  /** Ensures an implicit container entry exists at `path`; false when past the depth cap. */
  private container(path: string[], kind: 'map' | 'seq', keyRange: OffsetRange, valueRange: OffsetRange): boolean {
    if (!this.out.withinDepth(path, keyRange)) return false;
    const existing = this.out.get(path);
    if (!existing) {
      this.out.add(path, { kind, keyRange, valueRange });
      this.implicit.add(path.join('.'));
    } else if (this.implicit.has(existing.dotted)) {
      existing.valueRange = range(Math.min(existing.valueRange.start, valueRange.start), Math.max(existing.valueRange.end, valueRange.end));
    }
    return true;
  }

  /** Records an explicitly defined table, keeping entries already recorded below it. */
  private define(path: string[], fields: EntryFields): void {
    const existing = this.out.get(path);
    if (existing) {
      Object.assign(existing, fields);
      this.implicit.delete(existing.dotted);
    } else {
      this.out.add(path, fields);
    }
  }
}

function rangeOf(node: { range: [number, number] }): OffsetRange {
  return range(node.range[0], node.range[1]);
}
