/**
 * A format-neutral, keyed view of a parsed config document with source ranges.
 * YAML (via `yaml` + LineCounter), JSON (via jsonc-parser), TOML (via toml-eslint-parser) and launch shell scripts
 * (flags as entries, ./shell.ts) all produce this.
 * No LSP imports here: ranges are character offsets into the document text.
 */
import type { OffsetRange } from '../../core/plan';

/** `shell`: a launch script whose entries are its command-line flags (see ./shell.ts). */
export type ConfigFormat = 'yaml' | 'json' | 'toml' | 'shell';

export type Scalar = string | number | boolean | null;

export interface SourceEntry {
  /** Path segments from the root; sequence indices are numbers rendered as strings (e.g. ['layers', '0', 'x']). */
  path: string[];
  /** Dotted path (segments joined with '.'), the key of `ParsedDocument.entries`. */
  dotted: string;
  kind: 'scalar' | 'map' | 'seq';
  /**
   * For scalars: the value as the parser typed it (YAML 1.2 core schema / JSON / TOML types).
   * Big TOML integers that do not fit a double become numbers (lossy) with `raw` kept.
   * For maps and sequences: undefined.
   */
  value?: Scalar;
  /** Exact source text of a scalar value token (quotes included), for precise parsing and edits. */
  raw?: string;
  /** Range of the key token (absent for sequence items and the root). */
  keyRange?: OffsetRange;
  /** Range of the value node (scalar token, or the whole map/seq). */
  valueRange: OffsetRange;
}

export interface SyntaxError {
  message: string;
  range: OffsetRange;
}

export interface Comment {
  /** Comment text without the leading `#` or `//`. */
  text: string;
  range: OffsetRange;
}

export interface ParsedDocument {
  format: ConfigFormat;
  text: string;
  /** Plain JS value of the whole document (maps → objects, seqs → arrays), or undefined when unparseable. */
  data: unknown;
  /** Every node by dotted path (document order preserved by Map insertion). */
  entries: Map<string, SourceEntry>;
  /** Parse errors with the parser's ranges; the document may still be partially usable. */
  errors: SyntaxError[];
  comments: Comment[];
  /** Set when the document has more nodes than are indexed (see MAX_ENTRIES): entries are incomplete. */
  truncated?: boolean;
}
