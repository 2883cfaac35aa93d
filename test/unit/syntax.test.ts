import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  LineIndex,
  formatFromFileName,
  parseConfig,
  type ConfigFormat,
  type ParsedDocument,
  type SourceEntry,
} from '../../server/src/dialects/syntax/index';

// ---------------------------------------------------------------------------------------------
// Helpers

function entry(doc: ParsedDocument, dotted: string): SourceEntry {
  const e = doc.entries.get(dotted);
  assert.ok(e, `missing entry ${JSON.stringify(dotted)}; have ${[...doc.entries.keys()].join(', ')}`);
  return e;
}

/** Source text under an entry's key and value ranges. */
function slices(doc: ParsedDocument, dotted: string): { key: string | undefined; value: string } {
  const e = entry(doc, dotted);
  return {
    key: e.keyRange && doc.text.slice(e.keyRange.start, e.keyRange.end),
    value: doc.text.slice(e.valueRange.start, e.valueRange.end),
  };
}

function assertScalar(doc: ParsedDocument, dotted: string, key: string | undefined, raw: string, value: unknown): void {
  const e = entry(doc, dotted);
  assert.equal(e.kind, 'scalar', dotted);
  assert.deepEqual(slices(doc, dotted), { key, value: raw }, dotted);
  assert.equal(e.raw, raw, dotted);
  assert.ok(Object.is(e.value, value), `${dotted}: value ${String(e.value)} !== ${String(value)}`);
}

function errorTexts(doc: ParsedDocument): string[] {
  return doc.errors.map((e) => `${e.message} @${doc.text.slice(e.range.start, e.range.end)}`);
}

function maxPathLength(doc: ParsedDocument): number {
  return Math.max(0, ...[...doc.entries.values()].map((e) => e.path.length));
}

function timed<T>(fn: () => T): { result: T; ms: number } {
  const t0 = performance.now();
  const result = fn();
  return { result, ms: performance.now() - t0 };
}

/** Classic 9-level billion-laughs document (9^9 "lol"s if fully expanded). */
function billionLaughs(): string {
  const names = 'abcdefghi';
  let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i < names.length; i++) {
    const prev = `*${names.charAt(i - 1)}`;
    text += `${names.charAt(i)}: &${names.charAt(i)} [${Array(9).fill(prev).join(', ')}]\n`;
  }
  return text;
}

/** Invariants every parse must satisfy, whatever the input. */
function assertWellFormed(doc: ParsedDocument): void {
  const len = doc.text.length;
  const inText = (r: { start: number; end: number }, what: string): void => {
    assert.ok(r.start >= 0 && r.start <= r.end && r.end <= len, `${what} range ${r.start}-${r.end} outside 0-${len}`);
  };
  for (const [dotted, e] of doc.entries) {
    assert.equal(e.dotted, dotted);
    assert.equal(e.path.join('.'), dotted);
    inText(e.valueRange, dotted);
    if (e.keyRange) inText(e.keyRange, `${dotted} key`);
    assert.equal(e.kind === 'scalar', e.raw !== undefined, `${dotted}: raw iff scalar`);
  }
  for (const err of doc.errors) inText(err.range, `error ${err.message}`);
  const distinct = new Set(doc.errors.map((e) => `${e.message}@${e.range.start}-${e.range.end}`));
  assert.equal(distinct.size, doc.errors.length, 'repeated errors');
  for (const c of doc.comments) {
    inText(c.range, 'comment');
    assert.match(doc.text.slice(c.range.start, c.range.end), /^(#|\/\/|\/\*)/);
  }
}

// ---------------------------------------------------------------------------------------------
// YAML

describe('yaml', () => {
  test('nested keys with exact key and value ranges', () => {
    const text = 'model:\n  hidden_size: 4096\n  name: "gpt-3"\n  act: swiglu\ntrain:\n  lr: 3.0e-4\n';
    const doc = parseConfig(text, 'yaml');
    assert.deepEqual(doc.errors, []);
    assertScalar(doc, 'model.hidden_size', 'hidden_size', '4096', 4096);
    assertScalar(doc, 'model.name', 'name', '"gpt-3"', 'gpt-3');
    assertScalar(doc, 'model.act', 'act', 'swiglu', 'swiglu');
    assertScalar(doc, 'train.lr', 'lr', '3.0e-4', 3e-4);
    assert.deepEqual(slices(doc, 'model'), { key: 'model', value: 'hidden_size: 4096\n  name: "gpt-3"\n  act: swiglu' });
    assert.equal(entry(doc, '').kind, 'map');
    assert.equal(entry(doc, '').keyRange, undefined);
    assert.deepEqual([...doc.entries.keys()], ['', 'model', 'model.hidden_size', 'model.name', 'model.act', 'train', 'train.lr']);
    assert.deepEqual(doc.data, { model: { hidden_size: 4096, name: 'gpt-3', act: 'swiglu' }, train: { lr: 3e-4 } });
  });

  test('sequences get index path segments and no key range', () => {
    const text = 'layers:\n  - attn\n  - {type: mlp, width: 8}\nflow: [1, two]\n';
    const doc = parseConfig(text, 'yaml');
    assert.deepEqual(doc.errors, []);
    assert.equal(entry(doc, 'layers').kind, 'seq');
    assertScalar(doc, 'layers.0', undefined, 'attn', 'attn');
    assert.equal(entry(doc, 'layers.1').kind, 'map');
    assert.equal(slices(doc, 'layers.1').value, '{type: mlp, width: 8}');
    assertScalar(doc, 'layers.1.width', 'width', '8', 8);
    assertScalar(doc, 'flow.1', undefined, 'two', 'two');
    assert.deepEqual(entry(doc, 'layers.1.type').path, ['layers', '1', 'type']);
  });

  test('YAML 1.2 core schema typing, with raw text kept for re-interpretation', () => {
    const doc = parseConfig('a: 5e12\nb: 150_001\nc: 1e5\nd: 0x1F\ne: .inf\nf: "12"\ng: yes\nh: ~\ni: 1E-3\n', 'yaml');
    assertScalar(doc, 'a', 'a', '5e12', 5e12);
    assertScalar(doc, 'b', 'b', '150_001', '150_001');
    assertScalar(doc, 'c', 'c', '1e5', 100000);
    assertScalar(doc, 'd', 'd', '0x1F', 31);
    assertScalar(doc, 'e', 'e', '.inf', Infinity);
    assertScalar(doc, 'f', 'f', '"12"', '12');
    assertScalar(doc, 'g', 'g', 'yes', 'yes');
    assertScalar(doc, 'h', 'h', '~', null);
    assertScalar(doc, 'i', 'i', '1E-3', 0.001);
  });

  test('comments: text without #, ranges exact, # inside values ignored', () => {
    const text = '# header\na: 1 # trailing\nurl: "http://x/#frag" # real\nplain: a#b\nlist:\n  # inside\n  - 1\n';
    const doc = parseConfig(text, 'yaml');
    assert.deepEqual(
      doc.comments.map((c) => [c.text, text.slice(c.range.start, c.range.end)]),
      [
        ['header', '# header'],
        ['trailing', '# trailing'],
        ['real', '# real'],
        ['inside', '# inside'],
      ],
    );
    assertScalar(doc, 'plain', 'plain', 'a#b', 'a#b');
  });

  test('aliases resolve to the anchored scalar with the alias range; merge keys fill missing keys', () => {
    const text = 'base: &b {lr: 1, wd: 2}\nsteps: &s 100\ncfg:\n  <<: *b\n  lr: 3\ntotal: *s\n';
    const doc = parseConfig(text, 'yaml');
    assert.deepEqual(doc.errors, []);
    const total = entry(doc, 'total');
    assert.equal(total.value, 100);
    assert.equal(total.raw, '100');
    assert.equal(text.slice(total.valueRange.start, total.valueRange.end), '*s');
    assertScalar(doc, 'cfg.lr', 'lr', '3', 3);
    assert.equal(entry(doc, 'cfg.wd').value, 2);
    assert.equal(doc.entries.has('cfg.<<'), false);
    assert.deepEqual(doc.data, { base: { lr: 1, wd: 2 }, steps: 100, cfg: { lr: 3, wd: 2 }, total: 100 });
  });

  test('nested and listed merge keys: earlier sources win, explicit keys win over all', () => {
    const text = 'b: &b {x: 1, y: 1}\nm: &m {<<: *b, y: 2}\nn: &n {z: 9, y: 3}\ntop:\n  <<: [*m, *n]\n  z: 4\n';
    const doc = parseConfig(text, 'yaml');
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(doc.data, { b: { x: 1, y: 1 }, m: { x: 1, y: 2 }, n: { z: 9, y: 3 }, top: { x: 1, y: 2, z: 4 } });
    for (const [key, value] of [['x', 1], ['y', 2], ['z', 4]] as const) assert.equal(entry(doc, `top.${key}`).value, value);
    assert.equal(slices(doc, 'top.y').key, 'y');
    assert.equal(entry(doc, 'top.y').keyRange?.start, text.indexOf('y: 2'));
  });

  test('duplicate keys: error reported, last definition wins, stale children dropped', () => {
    const text = 'a:\n  x: 1\nb: 2\na:\n  y: 3\n';
    const doc = parseConfig(text, 'yaml');
    assert.equal(doc.errors.length, 1);
    assert.match(doc.errors[0]?.message ?? '', /unique/i);
    assert.equal(text.slice(doc.errors[0]?.range.start, doc.errors[0]?.range.end), 'a');
    assert.equal(doc.errors[0]?.range.start, text.lastIndexOf('a:'));
    assert.equal(doc.entries.has('a.x'), false);
    assert.equal(entry(doc, 'a.y').value, 3);
  });

  test('unclosed bracket: error located at the following line, earlier keys usable', () => {
    const text = 'a: 1\nb: [1, 2\nc: 3\n';
    const doc = parseConfig(text, 'yaml');
    assert.ok(doc.errors.length >= 1);
    const err = doc.errors[0];
    assert.ok(err && err.range.start >= text.indexOf('[') && err.range.start <= text.length, errorTexts(doc).join('; '));
    assert.match(err.message, /\]/);
    assertScalar(doc, 'a', 'a', '1', 1);
  });

  test('bad indentation is reported on the misaligned line', () => {
    const text = 'a:\n  b: 1\n c: 2\n';
    const doc = parseConfig(text, 'yaml');
    assert.equal(doc.errors.length, 1, errorTexts(doc).join('; '));
    const lineIndex = new LineIndex(text);
    assert.equal(lineIndex.positionAt(doc.errors[0]?.range.start ?? -1).line, 2);
    assert.match(doc.errors[0]?.message ?? '', /column|indent/i);
  });

  test('unresolved tags (e.g. !!python/tuple) are not errors', () => {
    const doc = parseConfig('shape: !!python/tuple [1, 2]\ninc: !include other.yaml\n', 'yaml');
    assert.deepEqual(doc.errors, []);
    assert.equal(entry(doc, 'shape').kind, 'seq');
    assertScalar(doc, 'inc', 'inc', 'other.yaml', 'other.yaml');
  });

  test('billion laughs finishes fast, bounded, without throwing', () => {
    const text = billionLaughs();
    const { result: doc, ms } = timed(() => parseConfig(text, 'yaml'));
    assert.ok(ms < 3000, `took ${ms} ms`);
    assert.equal(doc.data, undefined);
    assert.ok(doc.errors.some((e) => /alias/i.test(e.message)), errorTexts(doc).join('; '));
    assert.ok(doc.entries.size < 20_000, `entries ${doc.entries.size}`);
    assert.equal(entry(doc, 'a.0').value, 'lol');
    assertWellFormed(doc);
  });

  for (const [name, text] of [
    ['10,000 unclosed [', '['.repeat(10_000)],
    ['10,000 balanced []', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['10,000 nested flow maps', 'x: ' + '{a: '.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ['3,000 indented block maps', Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')],
  ] as const) {
    test(`deep nesting (${name}) is capped at 64 levels with one error`, () => {
      const { result: doc, ms } = timed(() => parseConfig(text, 'yaml'));
      assert.ok(ms < 5000, `took ${ms} ms`);
      assert.equal(maxPathLength(doc), 64);
      const depthErrors = doc.errors.filter((e) => e.message === 'nesting deeper than 64 levels');
      assert.equal(depthErrors.length, 1, errorTexts(doc).join('; '));
      assert.ok((depthErrors[0]?.range.end ?? 0) > (depthErrors[0]?.range.start ?? 0));
      assert.ok(doc.errors.length <= 100);
      assertWellFormed(doc);
    });
  }

  test('CRLF line endings', () => {
    const text = 'a: 1\r\nb:\r\n  c: x # note\r\n  d: [1, 2]\r\n';
    const doc = parseConfig(text, 'yaml');
    assert.deepEqual(doc.errors, []);
    assertScalar(doc, 'b.c', 'c', 'x', 'x');
    assert.equal(slices(doc, 'b.d').value, '[1, 2]');
    assert.deepEqual(doc.comments.map((c) => text.slice(c.range.start, c.range.end)), ['# note']);
    assert.equal(doc.comments[0]?.text, 'note');
  });

  test('empty document, comment-only document, scalar document, multi-document stream', () => {
    for (const text of ['', '# only a comment\n']) {
      const doc = parseConfig(text, 'yaml');
      assert.deepEqual(doc.errors, []);
      assert.equal(doc.entries.size, 0);
      assert.equal(doc.data, null);
    }
    const scalar = parseConfig('42\n', 'yaml');
    assert.deepEqual(scalar.errors, []);
    assertScalar(scalar, '', undefined, '42', 42);
    assert.equal(scalar.data, 42);
    const multi = parseConfig('a: 1\n---\nb: 2\n---\n[unclosed\n', 'yaml');
    assert.deepEqual(multi.errors, []);
    assert.deepEqual(multi.data, { a: 1 });
    assert.equal(multi.entries.has('b'), false);
  });
});

// ---------------------------------------------------------------------------------------------
// JSON

describe('json', () => {
  test('nested keys with exact ranges (keys include their quotes)', () => {
    const text = '{\n  "model": {"hidden_size": 4096, "name": "gpt"},\n  "lr": 3e-4\n}';
    const doc = parseConfig(text, 'json');
    assert.deepEqual(doc.errors, []);
    assertScalar(doc, 'model.hidden_size', '"hidden_size"', '4096', 4096);
    assertScalar(doc, 'model.name', '"name"', '"gpt"', 'gpt');
    assertScalar(doc, 'lr', '"lr"', '3e-4', 3e-4);
    assert.deepEqual(slices(doc, 'model'), { key: '"model"', value: '{"hidden_size": 4096, "name": "gpt"}' });
    assert.equal(slices(doc, '').value, text);
  });

  test('arrays, comments, trailing commas', () => {
    const text = '{\n  // line comment\n  "layers": [1, {"k": null},], /* block */\n}\n';
    const doc = parseConfig(text, 'json');
    assert.deepEqual(doc.errors, []);
    assert.equal(entry(doc, 'layers').kind, 'seq');
    assertScalar(doc, 'layers.0', undefined, '1', 1);
    assertScalar(doc, 'layers.1.k', '"k"', 'null', null);
    assert.deepEqual(
      doc.comments.map((c) => [c.text, text.slice(c.range.start, c.range.end)]),
      [
        ['line comment', '// line comment'],
        ['block', '/* block */'],
      ],
    );
  });

  test('numbers keep raw text (1e400 is Infinity as a value)', () => {
    const doc = parseConfig('{"big": 1e400, "exact": 12345678901234567890}', 'json');
    assertScalar(doc, 'big', '"big"', '1e400', Infinity);
    assert.equal(entry(doc, 'exact').raw, '12345678901234567890');
  });

  test('duplicate keys: last wins; __proto__ stays an own key', () => {
    const doc = parseConfig('{"a": {"x": 1}, "a": {"y": 2}, "__proto__": {"polluted": true}}', 'json');
    assert.equal(doc.entries.has('a.x'), false);
    assert.equal(entry(doc, 'a.y').value, 2);
    const data = doc.data as Record<string, unknown>;
    assert.deepEqual(Object.keys(data), ['a', '__proto__']);
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(data, '__proto__')?.value, { polluted: true });
  });

  test('unclosed bracket and missing colon: errors with parser ranges', () => {
    const text = '{"a": [1, 2}';
    const doc = parseConfig(text, 'json');
    assert.deepEqual(
      doc.errors.map((e) => [e.message, e.range.start, e.range.end]),
      [
        ['Comma expected', 11, 12],
        ['Value expected', 11, 12],
        ['Close bracket expected', 12, 12],
        ['Close brace expected', 12, 12],
      ],
    );
    assert.deepEqual(doc.data, { a: [1, 2] });
    const colon = parseConfig('{"a" 1, "b": 2}', 'json');
    assert.deepEqual(errorTexts(colon), ['Colon expected @1']);
    assert.equal(entry(colon, 'b').value, 2);
  });

  test('10,000-deep nesting is capped at 64 levels without throwing', () => {
    for (const text of ['['.repeat(10_000), '['.repeat(10_000) + ']'.repeat(10_000), '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)]) {
      const { result: doc, ms } = timed(() => parseConfig(text, 'json'));
      assert.ok(ms < 3000, `took ${ms} ms`);
      assert.equal(maxPathLength(doc), 64);
      assert.equal(doc.errors.filter((e) => e.message === 'nesting deeper than 64 levels').length, 1);
      assert.ok(doc.errors.length <= 100);
      assertWellFormed(doc);
    }
  });

  test('CRLF, BOM, empty document, scalar document', () => {
    const crlf = parseConfig('{\r\n  "a": 1, // c\r\n  "b": "x"\r\n}\r\n', 'json');
    assert.deepEqual(crlf.errors, []);
    assertScalar(crlf, 'b', '"b"', '"x"', 'x');
    assert.deepEqual(crlf.comments.map((c) => c.text), ['c']);
    const bom = parseConfig('\uFEFF{"a": 1}', 'json');
    assert.deepEqual(bom.errors, []);
    assertScalar(bom, 'a', '"a"', '1', 1);
    const empty = parseConfig('', 'json');
    assert.equal(empty.data, undefined);
    assert.equal(empty.entries.size, 0);
    assert.deepEqual(errorTexts(empty), ['Value expected @']);
    const scalar = parseConfig(' "hi" ', 'json');
    assert.deepEqual(scalar.errors, []);
    assertScalar(scalar, '', undefined, '"hi"', 'hi');
  });
});

// ---------------------------------------------------------------------------------------------
// TOML

describe('toml', () => {
  const sample = [
    '# top comment',
    'title = "run #1" # trailing',
    'a.b."c.d" = 1',
    'big = 9007199254740993',
    'when = 1979-05-27T07:32:00Z',
    '[model]',
    "hidden = 4_096",
    "layers = [1, {kind = 'moe'}]",
    '[[stage]]',
    'steps = 10',
    '[[stage]]',
    'steps = 20',
    '[[stage.sub]]',
    'x = """multi # not a comment',
    'line"""',
    '',
  ].join('\n');

  test('tables, dotted keys, arrays of tables, inline tables, with exact ranges', () => {
    const doc = parseConfig(sample, 'toml');
    assert.deepEqual(doc.errors, []);
    assertScalar(doc, 'title', 'title', '"run #1"', 'run #1');
    assertScalar(doc, 'a.b.c.d', 'a.b."c.d"', '1', 1);
    assert.deepEqual(entry(doc, 'a.b.c.d').path, ['a', 'b', 'c.d']);
    assert.equal(entry(doc, 'a.b').kind, 'map');
    assertScalar(doc, 'model.hidden', 'hidden', '4_096', 4096);
    assert.deepEqual(slices(doc, 'model'), { key: 'model', value: "[model]\nhidden = 4_096\nlayers = [1, {kind = 'moe'}]" });
    assertScalar(doc, 'model.layers.1.kind', 'kind', "'moe'", 'moe');
    assert.equal(entry(doc, 'stage').kind, 'seq');
    assertScalar(doc, 'stage.0.steps', 'steps', '10', 10);
    assertScalar(doc, 'stage.1.steps', 'steps', '20', 20);
    assert.equal(entry(doc, 'stage.1').keyRange, undefined);
    assert.equal(entry(doc, 'stage.1.sub').kind, 'seq');
    assert.equal(entry(doc, 'stage.1.sub.0.x').value, 'multi # not a comment\nline');
    assert.deepEqual(doc.data, {
      title: 'run #1',
      a: { b: { 'c.d': 1 } },
      big: 9007199254740992,
      when: new Date('1979-05-27T07:32:00Z'),
      model: { hidden: 4096, layers: [1, { kind: 'moe' }] },
      stage: [{ steps: 10 }, { steps: 20, sub: [{ x: 'multi # not a comment\nline' }] }],
    });
  });

  test('big integers become (lossy) numbers with raw kept; datetimes are their source text', () => {
    const doc = parseConfig(sample, 'toml');
    assertScalar(doc, 'big', 'big', '9007199254740993', 9007199254740992);
    assertScalar(doc, 'when', 'when', '1979-05-27T07:32:00Z', '1979-05-27T07:32:00Z');
  });

  test('comments (not inside strings)', () => {
    const doc = parseConfig(sample, 'toml');
    assert.deepEqual(
      doc.comments.map((c) => [c.text, sample.slice(c.range.start, c.range.end)]),
      [
        ['top comment', '# top comment'],
        ['trailing', '# trailing'],
      ],
    );
  });

  test('duplicate key: one error at the key, entries before it kept, comments kept', () => {
    const text = 'a = 1\n# note\nb = [1,\n  2]\na = 2\nc = 3\n';
    const doc = parseConfig(text, 'toml');
    assert.equal(doc.errors.length, 1);
    assert.match(doc.errors[0]?.message ?? '', /multiple times/);
    assert.deepEqual(doc.errors[0]?.range, { start: text.lastIndexOf('a = 2'), end: text.lastIndexOf('a = 2') + 1 });
    assert.equal(entry(doc, 'a').value, 1);
    assert.equal(entry(doc, 'b.1').value, 2);
    assert.equal(doc.entries.has('c'), false);
    assert.deepEqual(doc.data, { a: 1, b: [1, 2] });
    assert.deepEqual(doc.comments.map((c) => c.text), ['note']);
  });

  test('comments are still found when the document does not parse', () => {
    const text = [
      'a = "say \\"#no\\" [" # c1',
      '["we#ird]key"] # c2',
      'b = """x""""   # c3',
      "c = '''y #'''  # c4",
      'd = [ "]" , \'#\' ] # c5',
      'e = = broken # c6',
      'f = "open [ # not a comment',
      '# c7',
    ].join('\n');
    const doc = parseConfig(text, 'toml');
    assert.equal(doc.errors.length, 1);
    assert.deepEqual(
      doc.comments.map((c) => text.slice(c.range.start, c.range.end)),
      ['# c1', '# c2', '# c3', '# c4', '# c5', '# c6', '# c7'],
    );
    assert.equal(entry(doc, 'a').value, 'say "#no" [');
    assert.equal(entry(doc, 'we#ird]key.b').value, 'x"');
    assert.deepEqual(entry(doc, 'we#ird]key.d').path, ['we#ird]key', 'd']);
  });

  test('brackets inside strings do not count as nesting', () => {
    const deep = '['.repeat(100);
    const text = `a = ["${deep}", '${'{'.repeat(100)}', """${deep}\n""", '''${deep}''']\n`;
    const doc = parseConfig(text, 'toml');
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(doc.data, { a: [deep, '{'.repeat(100), `${deep}\n`, deep] });
  });

  test('unclosed bracket and broken table header: errors with ranges', () => {
    const text = 'a = [1, 2\nb = 3\n';
    const doc = parseConfig(text, 'toml');
    assert.deepEqual(doc.errors.map((e) => e.range), [{ start: 10, end: 11 }]);
    const header = parseConfig('x = 0\n[t\ny = 1\n', 'toml');
    assert.equal(header.errors.length, 1);
    assert.equal(header.errors[0]?.range.start, 9);
    assert.equal(entry(header, 'x').value, 0);
  });

  test('10,000-deep arrays / inline tables / dotted keys are capped without throwing', () => {
    for (const text of [
      'a = ' + '['.repeat(10_000) + ']'.repeat(10_000),
      'a = ' + '{b = '.repeat(10_000) + '1' + '}'.repeat(10_000),
      Array(10_000).fill('k').join('.') + ' = 1',
      '[' + Array(10_000).fill('t').join('.') + ']\nx = 1',
    ]) {
      const { result: doc, ms } = timed(() => parseConfig(text, 'toml'));
      assert.ok(ms < 3000, `took ${ms} ms`);
      assert.equal(maxPathLength(doc), 64);
      assert.deepEqual(doc.errors.map((e) => e.message), ['nesting deeper than 64 levels']);
      assertWellFormed(doc);
    }
    const unclosed = parseConfig('a = ' + '['.repeat(10_000), 'toml');
    assert.equal(unclosed.errors.length, 1);
  });

  test('CRLF, BOM, empty document, a bare scalar is an error', () => {
    const text = '[t]\r\nx = 1 # c\r\ny = "s"\r\n';
    const doc = parseConfig(text, 'toml');
    assert.deepEqual(doc.errors, []);
    assertScalar(doc, 't.y', 'y', '"s"', 's');
    assert.deepEqual(doc.comments.map((c) => [c.text, text.slice(c.range.start, c.range.end)]), [['c', '# c']]);
    const bom = parseConfig('\uFEFFa = 1', 'toml');
    assert.deepEqual(bom.errors, []);
    assertScalar(bom, 'a', 'a', '1', 1);
    const empty = parseConfig('', 'toml');
    assert.deepEqual(empty.errors, []);
    assert.deepEqual(empty.data, {});
    assert.equal(entry(empty, '').kind, 'map');
    const scalar = parseConfig('42', 'toml');
    assert.equal(scalar.errors.length, 1);
    assert.equal(scalar.data, undefined);
  });
});

// ---------------------------------------------------------------------------------------------
// LineIndex, formats

describe('LineIndex', () => {
  test('positions for LF, CRLF and lone CR; round trips', () => {
    const text = 'ab\ncd\r\nef\rg😀h\r\n';
    const index = new LineIndex(text);
    assert.equal(index.lineCount, 5);
    assert.deepEqual(index.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(index.positionAt(3), { line: 1, character: 0 });
    assert.deepEqual(index.positionAt(5), { line: 1, character: 2 });
    assert.deepEqual(index.positionAt(6), { line: 1, character: 2 }, 'inside CRLF maps to line end');
    assert.deepEqual(index.positionAt(7), { line: 2, character: 0 });
    assert.deepEqual(index.positionAt(10), { line: 3, character: 0 });
    assert.deepEqual(index.positionAt(text.indexOf('h')), { line: 3, character: 3 }, 'UTF-16 units: emoji counts 2');
    assert.deepEqual(index.positionAt(text.length), { line: 4, character: 0 });
    for (let offset = 0; offset <= text.length; offset++) {
      if (offset === 6 || offset === text.length - 1) continue; // between \r and \n
      assert.equal(index.offsetAt(index.positionAt(offset)), offset, `offset ${offset}`);
    }
  });

  test('clamps out-of-range input', () => {
    const text = 'abc\r\nde';
    const index = new LineIndex(text);
    assert.deepEqual(index.positionAt(-5), { line: 0, character: 0 });
    assert.deepEqual(index.positionAt(999), { line: 1, character: 2 });
    assert.deepEqual(index.positionAt(Number.NaN), { line: 0, character: 0 });
    assert.equal(index.offsetAt({ line: 0, character: 99 }), 3);
    assert.equal(index.offsetAt({ line: 1, character: -1 }), 5);
    assert.equal(index.offsetAt({ line: 9, character: 0 }), text.length);
    assert.equal(index.offsetAt({ line: -1, character: 4 }), 0);
    assert.deepEqual(new LineIndex('').positionAt(3), { line: 0, character: 0 });
  });

  test('consecutive lone CRs are separate empty lines', () => {
    const index = new LineIndex('x\r\ry\n\r\n');
    assert.equal(index.lineCount, 5);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((o) => index.positionAt(o)), [
      { line: 0, character: 0 },
      { line: 0, character: 1 },
      { line: 1, character: 0 },
      { line: 2, character: 0 },
      { line: 2, character: 1 },
      { line: 3, character: 0 },
      { line: 3, character: 0 },
    ]);
    assert.equal(index.offsetAt({ line: 1, character: 5 }), 2);
    assert.equal(index.offsetAt({ line: 3, character: 5 }), 5);
  });

  test('agrees with a naive split on a large CRLF document', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `key_${i}: ${'x'.repeat(i % 17)}`);
    const text = lines.join('\r\n');
    const index = new LineIndex(text);
    let offset = 0;
    lines.forEach((line, i) => {
      assert.deepEqual(index.positionAt(offset + 4), { line: i, character: 4 });
      assert.equal(index.offsetAt({ line: i, character: line.length }), offset + line.length);
      offset += line.length + 2;
    });
  });
});

describe('formats', () => {
  test('formatFromFileName', () => {
    assert.equal(formatFromFileName('train.yaml'), 'yaml');
    assert.equal(formatFromFileName('dir/Train.YML'), 'yaml');
    assert.equal(formatFromFileName('ds_config.json'), 'json');
    assert.equal(formatFromFileName('settings.JSONC'), 'json');
    assert.equal(formatFromFileName('c:\\x\\pyproject.toml'), 'toml');
    assert.equal(formatFromFileName('README.md'), undefined);
    assert.equal(formatFromFileName('yaml'), undefined);
    assert.equal(formatFromFileName('dir.yaml/file'), undefined);
  });

  test('never throws on hostile or random input', () => {
    const inputs = ['\0\0', '{{{{', ']]]', '"', "'''", '&a *a', '*nope', '? ? ?', '- - -\n  - : :', '[a.b\n[[x]]]', 'a = """', '\uFEFF', '\r\r\n\n', '{"a": 1}}}}'];
    for (const text of inputs) {
      for (const format of ['yaml', 'json', 'toml'] as const) {
        const doc = parseConfig(text, format);
        assert.equal(doc.format, format);
        assertWellFormed(doc);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Corpus of real configs

/** shared/ sits beside the checkout (developers' machines and CI). */
const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus');
/** Corpus files that are genuinely invalid for a strict parser. */
const KNOWN_INVALID = new Map<string, RegExp>([['nanotron/config_qwen_with_moe.yaml', /Map keys must be unique/]]);

function corpusFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? corpusFiles(path) : [path];
    });
}

/** Value at `path` inside parsed data (objects and arrays). */
function dataAt(data: unknown, path: string[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Object.getOwnPropertyDescriptor(cur, seg)?.value;
  }
  return cur;
}

describe('corpus', { skip: existsSync(CORPUS) ? false : `${CORPUS} not present` }, () => {
  test('every config parses without throwing; errors only in known-invalid files; entries agree with data', () => {
    const withErrors: string[] = [];
    let parsed = 0;
    for (const file of corpusFiles(CORPUS)) {
      const format: ConfigFormat | undefined = formatFromFileName(file);
      if (!format) continue;
      const name = relative(CORPUS, file);
      const text = readFileSync(file, 'utf8');
      const doc = parseConfig(text, format);
      parsed++;
      assertWellFormed(doc);
      if (doc.errors.length > 0) {
        withErrors.push(name);
        console.log(`  ${name}: ${errorTexts(doc).join('; ')}`);
        assert.match(doc.errors[0]?.message ?? '', KNOWN_INVALID.get(name) ?? /^$/, `${name} has unexpected errors`);
      }
      assert.ok(doc.entries.size > 1, `${name}: no entries`);
      for (const e of doc.entries.values()) {
        const value = dataAt(doc.data, e.path);
        if (e.kind === 'map') assert.ok(value && typeof value === 'object' && !Array.isArray(value), `${name} ${e.dotted}`);
        if (e.kind === 'seq') assert.ok(Array.isArray(value), `${name} ${e.dotted}`);
        if (e.kind === 'scalar' && !(value instanceof Date)) assert.ok(Object.is(value, e.value), `${name} ${e.dotted}: ${String(value)} vs ${String(e.value)}`);
        if (e.kind === 'scalar' && format !== 'yaml') assert.equal(e.raw, text.slice(e.valueRange.start, e.valueRange.end));
      }
    }
    console.log(`  parsed ${parsed} corpus files; with errors: ${withErrors.join(', ') || 'none'}`);
    assert.ok(parsed >= 100, `only ${parsed} corpus files`);
    assert.deepEqual(withErrors, [...KNOWN_INVALID.keys()]);
  });
});
