/**
 * JSON / JSONC adapter: jsonc-parser (`parseTree`, comments and trailing commas allowed) → ParsedDocument.
 * A scanner pass collects comments and brackets first; collections nested past the depth cap
 * are blanked out (offsets preserved) because `parseTree` recurses and overflows on deep input.
 */
import { createScanner, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { OffsetRange } from '../../core/plan';
import { DocumentBuilder, MAX_DEPTH, blankDeepNesting, range, setOwn, toScalar, withoutBom } from './builder';
import type { Comment, ParsedDocument } from './tree';

/**
 * Values of jsonc-parser's `SyntaxKind` (an ambient const enum, which `isolatedModules` forbids
 * reading at runtime); the numbers are part of its public API.
 */
const Token = {
  OpenBrace: 1,
  CloseBrace: 2,
  OpenBracket: 3,
  CloseBracket: 4,
  LineComment: 12,
  BlockComment: 13,
  EOF: 17,
} as const;

/** Parses JSON (with JSONC extensions); never throws. */
export function parseJson(text: string): ParsedDocument {
  const out = new DocumentBuilder(text.length);
  const comments: Comment[] = [];
  let data: unknown;
  try {
    const source = withoutBom(text);
    const brackets = scan(source, comments);
    const errors: ParseError[] = [];
    const root = parseTree(blankDeepNesting(source, brackets), errors, {
      allowTrailingComma: true,
      disallowComments: false,
    });
    for (const e of errors) out.error(describe(e.error), range(e.offset, e.offset + e.length));
    if (root) {
      walk(root, [], undefined, text, out);
      data = toValue(root, 0);
    }
  } catch (err) {
    out.fail(err);
  }
  return { format: 'json', text, data, entries: out.entries, errors: out.errors, comments, ...(out.truncated ? { truncated: true } : {}) };
}

/** One scanner pass: comments into `comments`, structural brackets returned in order. */
function scan(text: string, comments: Comment[]): Array<{ offset: number; open: boolean }> {
  const brackets: Array<{ offset: number; open: boolean }> = [];
  const scanner = createScanner(text, false);
  for (let kind: number = scanner.scan(); kind !== Token.EOF; kind = scanner.scan()) {
    const offset = scanner.getTokenOffset();
    switch (kind) {
      case Token.OpenBrace:
      case Token.OpenBracket:
        brackets.push({ offset, open: true });
        break;
      case Token.CloseBrace:
      case Token.CloseBracket:
        brackets.push({ offset, open: false });
        break;
      case Token.LineComment:
      case Token.BlockComment:
        comments.push({ text: commentText(text.slice(offset, offset + scanner.getTokenLength())), range: range(offset, offset + scanner.getTokenLength()) });
        break;
      default:
        break;
    }
  }
  return brackets;
}

function commentText(source: string): string {
  return source.startsWith('//') ? source.slice(2).trim() : source.replace(/^\/\*/, '').replace(/\*\/$/, '').trim();
}

/** `CloseBracketExpected` → `Close bracket expected`. */
function describe(code: Parameters<typeof printParseErrorCode>[0]): string {
  const words = printParseErrorCode(code).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function nodeRange(node: Node): OffsetRange {
  return range(node.offset, node.offset + node.length);
}

function walk(node: Node, path: string[], keyRange: OffsetRange | undefined, text: string, out: DocumentBuilder): void {
  const valueRange = nodeRange(node);
  if (out.full) {
    out.truncated = true;
    return;
  }
  if (!out.withinDepth(path, valueRange)) return;
  switch (node.type) {
    case 'object':
      out.add(path, { kind: 'map', keyRange, valueRange });
      for (const prop of node.children ?? []) {
        const [key, value] = prop.children ?? [];
        if (key?.type === 'string' && value) walk(value, [...path, String(key.value)], nodeRange(key), text, out);
      }
      break;
    case 'array':
      out.add(path, { kind: 'seq', keyRange, valueRange });
      (node.children ?? []).forEach((item, i) => walk(item, [...path, String(i)], undefined, text, out));
      break;
    case 'property':
      break;
    default: {
      const raw = text.slice(valueRange.start, valueRange.end);
      out.add(path, { kind: 'scalar', value: toScalar(node.value), raw, keyRange, valueRange });
    }
  }
}

/** Plain value of a (possibly partial) tree; duplicate keys: last wins; `__proto__` stays an own key. */
function toValue(node: Node, depth: number): unknown {
  if (depth > MAX_DEPTH + 2) return undefined;
  switch (node.type) {
    case 'object': {
      const obj: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [key, value] = prop.children ?? [];
        if (key?.type === 'string' && value) setOwn(obj, String(key.value), toValue(value, depth + 1));
      }
      return obj;
    }
    case 'array':
      return (node.children ?? []).map((item) => toValue(item, depth + 1));
    default:
      return node.value;
  }
}
