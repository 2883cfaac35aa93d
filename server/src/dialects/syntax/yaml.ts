/**
 * YAML adapter: `yaml` (YAML 1.2 core schema, `<<` merge keys enabled) → ParsedDocument.
 *
 * Pipeline: CST parse (iterative) → collect comments and cut collections nested deeper than
 * MAX_DEPTH (the composer recurses and a stack overflow inside it can abort the process) →
 * compose the first document only → walk nodes into entries → `toJS` with an alias limit.
 */
import {
  Composer,
  Parser,
  visit,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type CST,
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
  type YAMLError,
  type YAMLMap,
  type Alias,
} from 'yaml';
import type { OffsetRange } from '../../core/plan';
import { DocumentBuilder, MAX_DEPTH, range, toScalar, trimRange } from './builder';
import type { Comment, ParsedDocument } from './tree';

/**
 * `toJS` limit on alias expansion (billion-laughs guard). yaml multiplies the uses of an anchor by the aliases inside
 * it; real sweep configs reuse one anchor hundreds of times, so yaml's default of 100 rejects legitimate files.
 */
const MAX_ALIAS_COUNT = 10_000;
/** Entries that alias expansion may add to `entries` before it stops. */
const ALIAS_ENTRY_BUDGET = 10_000;
/** Warning codes that indicate a real mistake (others, e.g. unknown `!tags`, are ignored). */
const REPORTED_WARNINGS = new Set(['BAD_INDENT', 'BAD_ALIAS']);
/** Same wording as the `yaml` package's own DUPLICATE_KEY error. */
const DUPLICATE_KEY_MESSAGE = 'Map keys must be unique';

const OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.2',
  schema: 'core',
  merge: true,
  // yaml's own duplicate-key check is quadratic in the map size; YamlWalker.map does it in linear time.
  uniqueKeys: false,
  prettyErrors: false,
  logLevel: 'silent',
};

type YamlDoc = Document.Parsed;

/** Parses YAML text; never throws. Only the first document of a multi-document stream is used. */
export function parseYaml(text: string): ParsedDocument {
  const out = new DocumentBuilder(text.length);
  const comments: Comment[] = [];
  let data: unknown;
  try {
    const tokens = firstDocumentTokens(text);
    prepareCst(tokens, comments);
    const doc = compose(tokens, text.length);
    reportProblems(doc, out);
    if (doc.contents !== null) new YamlWalker(doc, text, out).node(doc.contents, [], undefined, 0);
    data = toData(doc, out, text.length);
  } catch (err) {
    out.fail(err);
  }
  comments.sort((a, b) => a.range.start - b.range.start);
  out.errors.sort((a, b) => a.range.start - b.range.start);
  return { format: 'yaml', text, data, entries: out.entries, errors: out.errors, comments, ...(out.truncated ? { truncated: true } : {}) };
}

/** CST tokens up to (not including) the second document; the rest of the stream is not parsed. */
function firstDocumentTokens(text: string): CST.Token[] {
  const tokens: CST.Token[] = [];
  let documents = 0;
  for (const token of new Parser().parse(text)) {
    if (token.type === 'document' && ++documents > 1) break;
    tokens.push(token);
  }
  return tokens;
}

function compose(tokens: CST.Token[], endOffset: number): YamlDoc {
  const composer = new Composer(OPTIONS);
  let first: YamlDoc | undefined;
  for (const doc of composer.compose(tokens, true, endOffset)) first ??= doc;
  if (!first) throw new Error('YAML composer produced no document');
  return first;
}

function reportProblems(doc: YamlDoc, out: DocumentBuilder): void {
  const problems: YAMLError[] = [...doc.errors, ...doc.warnings.filter((w) => REPORTED_WARNINGS.has(w.code))];
  problems.sort((a, b) => a.pos[0] - b.pos[0]);
  for (const p of problems) out.error(p.message, range(p.pos[0], p.pos[1]));
}

function toData(doc: YamlDoc, out: DocumentBuilder, length: number): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    out.error(err instanceof Error ? err.message : String(err), range(0, length));
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// CST pass (explicit stack, no recursion): comments + depth cut.

interface Frame {
  token: CST.Token;
  depth: number;
  /** Inside a subtree already cut off from the document: only comments are collected. */
  detached: boolean;
}

/** Collects `#` comments and replaces collections deeper than MAX_DEPTH by empty scalars. */
function prepareCst(tokens: CST.Token[], comments: Comment[]): void {
  const stack: Frame[] = tokens.map((token) => ({ token, depth: 0, detached: false }));
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    const { token, depth, detached } = frame;
    const push = (t: CST.Token | null | undefined, d = depth): void => {
      if (t) stack.push({ token: t, depth: d, detached });
    };
    switch (token.type) {
      case 'comment':
        comments.push({ text: token.source.replace(/^#/, '').trim(), range: range(token.offset, token.offset + token.source.length) });
        break;
      case 'document':
        token.start.forEach((t) => push(t));
        push(token.value, 0);
        token.end?.forEach((t) => push(t));
        break;
      case 'doc-end':
        token.end?.forEach((t) => push(t));
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection':
        visitCollection(token, frame, stack);
        break;
      case 'alias':
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
        token.end?.forEach((t) => push(t));
        break;
      case 'block-scalar':
        token.props.forEach((t) => push(t));
        break;
      default:
        break;
    }
  }
}

function visitCollection(token: CST.BlockMap | CST.BlockSequence | CST.FlowCollection, frame: Frame, stack: Frame[]): void {
  const childDepth = frame.depth + 1;
  const items: CST.CollectionItem[] = token.items;
  const pushAll = (ts: CST.SourceToken[] | undefined): void => {
    for (const t of ts ?? []) stack.push({ token: t, depth: frame.depth, detached: frame.detached });
  };
  if (token.type === 'flow-collection') pushAll([token.start, ...token.end]);
  for (const item of items) {
    pushAll(item.start);
    pushAll(item.sep);
    for (const slot of ['key', 'value'] as const) {
      const child = item[slot];
      if (!child) continue;
      const cut = !frame.detached && childDepth > MAX_DEPTH && isCstCollection(child);
      if (cut) item[slot] = placeholder(child);
      stack.push({ token: child, depth: childDepth, detached: frame.detached || cut });
    }
  }
}

function isCstCollection(t: CST.Token): t is CST.BlockMap | CST.BlockSequence | CST.FlowCollection {
  return t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection';
}

/** An empty plain scalar (null) at the position of a cut-off collection. */
function placeholder(t: CST.BlockMap | CST.BlockSequence | CST.FlowCollection): CST.FlowScalar {
  return { type: 'scalar', offset: t.offset, indent: t.indent, source: '' };
}

// ---------------------------------------------------------------------------------------------
// Node walk → entries.

type AnyNode = unknown;

class YamlWalker {
  private aliasEntries = 0;
  private aliasLimitReported = false;
  /** Anchor name → anchored nodes in document order (yaml's Alias.resolve re-walks the document: O(n²)). */
  private readonly anchors = new Map<string, Array<{ start: number; node: AnyNode }>>();

  constructor(
    doc: YamlDoc,
    private readonly text: string,
    private readonly out: DocumentBuilder,
  ) {
    visit(doc, {
      Node: (_key, node) => {
        if ((isMap(node) || isSeq(node) || isScalar(node)) && node.anchor) {
          const list = this.anchors.get(node.anchor) ?? [];
          list.push({ start: node.range?.[0] ?? 0, node });
          this.anchors.set(node.anchor, list);
        }
      },
    });
  }

  /** The node an alias refers to: the last node anchored with its name before the alias. */
  private resolve(alias: Alias): AnyNode | undefined {
    const list = this.anchors.get(alias.source);
    if (!list) return undefined;
    const at = alias.range?.[0] ?? Number.POSITIVE_INFINITY;
    let found: AnyNode | undefined;
    for (const a of list) if (a.start < at) found = a.node;
    return found;
  }

  /**
   * Records `node` at `path`. `aliasDepth` > 0 while expanding an alias or merge key (such
   * entries count against ALIAS_ENTRY_BUDGET); `at` overrides the value range (an alias's own).
   */
  node(node: AnyNode, path: string[], keyRange: OffsetRange | undefined, aliasDepth: number, at?: OffsetRange): void {
    const valueRange = at ?? this.rangeOf(node) ?? range(keyRange?.end ?? 0, keyRange?.end ?? 0);
    if (this.out.full) {
      this.out.truncated = true;
      return;
    }
    if (!this.out.withinDepth(path, valueRange) || !this.withinBudget(aliasDepth, valueRange)) return;
    if (isAlias(node)) {
      const target = this.resolve(node);
      if (target) this.node(target, path, keyRange, aliasDepth + 1, valueRange);
    } else if (isMap(node)) {
      this.out.add(path, { kind: 'map', keyRange, valueRange });
      this.map(node, path, aliasDepth);
    } else if (isSeq(node)) {
      this.out.add(path, { kind: 'seq', keyRange, valueRange });
      node.items.forEach((item, i) => this.node(item, [...path, String(i)], undefined, aliasDepth));
    } else if (isScalar(node)) {
      const raw = node.range ? this.text.slice(node.range[0], node.range[1]) : String(node.source ?? '');
      this.out.add(path, { kind: 'scalar', value: toScalar(node.value), raw, keyRange, valueRange });
    } else {
      // Missing value (`{a}`, `? k`): a null scalar at the end of the key.
      this.out.add(path, { kind: 'scalar', value: null, raw: '', keyRange, valueRange });
    }
  }

  /**
   * Explicit pairs first (a repeated key is reported, the last one wins); `<<` merged pairs only
   * fill keys the map does not define itself.
   */
  private map(map: YAMLMap, path: string[], aliasDepth: number): void {
    const defined = new Set<string>();
    const identities = new Set<string>();
    const merges: AnyNode[] = [];
    for (const pair of map.items) {
      if (isMergeKey(pair.key)) {
        merges.push(pair.value);
        continue;
      }
      const key = this.keyName(pair.key);
      const keyRange = this.rangeOf(pair.key);
      const identity = this.keyIdentity(pair.key);
      if (identities.has(identity) && aliasDepth === 0) this.out.error(DUPLICATE_KEY_MESSAGE, keyRange ?? range(0, 0));
      identities.add(identity);
      defined.add(key);
      this.node(pair.value, [...path, key], keyRange, aliasDepth);
    }
    for (const pair of this.mergedPairs(merges, new Set())) {
      const key = this.keyName(pair.key);
      if (defined.has(key)) continue;
      defined.add(key);
      this.node(pair.value, [...path, key], this.rangeOf(pair.key), aliasDepth + 1);
    }
  }

  /** Pairs contributed by merge sources in precedence order (earlier sources win, nested merges last). */
  private *mergedPairs(sources: AnyNode[], seen: Set<YAMLMap>): Generator<{ key: unknown; value: unknown }> {
    for (const source of sources.flatMap((s) => (isSeq(s) ? s.items : [s]))) {
      const map = isAlias(source) ? this.resolve(source) : source;
      if (!isMap(map) || seen.has(map) || seen.size >= MAX_DEPTH) continue;
      seen.add(map);
      const nested: AnyNode[] = [];
      for (const pair of map.items) {
        if (isMergeKey(pair.key)) nested.push(pair.value);
        else yield pair;
      }
      yield* this.mergedPairs(nested, seen);
    }
  }

  private keyName(key: AnyNode): string {
    const node = isAlias(key) ? (this.resolve(key) ?? key) : key;
    if (isScalar(node) && node.value !== null && node.value !== undefined) return String(node.value);
    const r = this.rangeOf(key);
    return r ? this.text.slice(r.start, r.end).trim() : '';
  }

  /** Key equality as YAML sees it: `1` and `"1"` are different keys (though both become '1' in paths). */
  private keyIdentity(key: AnyNode): string {
    if (isScalar(key)) return `${typeof key.value}:${String(key.value)}`;
    const r = this.rangeOf(key);
    return `source:${r ? this.text.slice(r.start, r.end) : ''}`;
  }

  private rangeOf(node: AnyNode): OffsetRange | undefined {
    if (!isAlias(node) && !isMap(node) && !isSeq(node) && !isScalar(node)) return undefined;
    if (!node.range) return undefined;
    const [start, end] = node.range;
    return isScalar(node) ? range(start, end) : trimRange(this.text, start, end);
  }

  private withinBudget(aliasDepth: number, at: OffsetRange): boolean {
    if (aliasDepth === 0) return true;
    if (++this.aliasEntries <= ALIAS_ENTRY_BUDGET) return true;
    if (!this.aliasLimitReported) {
      this.aliasLimitReported = true;
      this.out.error(`alias expansion stopped after ${ALIAS_ENTRY_BUDGET} entries`, at);
    }
    return false;
  }
}

function isMergeKey(key: AnyNode): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}
