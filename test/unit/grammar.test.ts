/**
 * TextMate injection grammars (syntaxes/scaling-lens.*.tmLanguage.json), tokenized with vscode-textmate and
 * vscode-oniguruma the way VS Code does it, over small host grammars written for this test
 * (test/fixtures/grammars/: we cannot ship or download VS Code's own YAML/TOML/JSON grammars).
 *
 * Snapshots: test/fixtures/grammar/sample.{yaml,toml,json}.snap. Regenerate with UPDATE_SNAPSHOTS=1.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type IOnigLib, type IRawGrammar, type StateStack } from 'vscode-textmate';

const root = resolve(import.meta.dirname, '../..');
const SYNTAXES = resolve(root, 'syntaxes');
const HOSTS = resolve(root, 'test/fixtures/grammars');
const SAMPLES = resolve(root, 'test/fixtures/grammar');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

const SIZE = 'constant.numeric.size.scaling-lens';
const UNIT = 'keyword.other.unit.scaling-lens';
const MARKER = 'keyword.control.directive.scaling-lens';
const KEY = 'variable.parameter.scaling-lens';
const ASSIGN = 'keyword.operator.assignment.scaling-lens';
const VALUE = 'string.unquoted.scaling-lens';
const NUMBER = 'constant.numeric.scaling-lens';
const DIRECTIVE_SCOPES = [MARKER, KEY, ASSIGN, VALUE, NUMBER, 'meta.directive.scaling-lens'];

/** The shipped grammars: file, scopeName, and the injectionSelector package.json relies on. */
const SHIPPED = [
  {
    file: 'scaling-lens.injection.tmLanguage.json',
    scopeName: 'scaling-lens.injection',
    injectionSelector: 'L:source.yaml -comment, L:source.toml -comment, L:source.json -comment, L:source.json.comments -comment',
  },
  {
    file: 'scaling-lens.directive.tmLanguage.json',
    scopeName: 'scaling-lens.directive',
    injectionSelector: 'L:comment.line.number-sign, L:comment.line.double-slash, L:comment.block',
  },
  {
    file: 'scaling-lens.directive-comment.tmLanguage.json',
    scopeName: 'scaling-lens.directive-comment',
    injectionSelector:
      'L:source.yaml -comment -string, L:source.toml -comment -string, L:source.json -comment -string, L:source.json.comments -comment -string',
  },
] as const;

const HOST_FILES: Record<string, string> = {
  'source.yaml': 'yaml.tmLanguage.json',
  'source.toml': 'toml.tmLanguage.json',
  'source.json': 'json.tmLanguage.json',
  'source.json.comments': 'json.tmLanguage.json', // same fixture, served under the JSONC scope name
};

// ---------------------------------------------------------------------------------------------
// Registry

let onigLib: Promise<IOnigLib> | undefined;
function loadOniguruma(): Promise<IOnigLib> {
  onigLib ??= oniguruma.loadWASM(readFileSync(resolve(root, 'node_modules/vscode-oniguruma/release/onig.wasm'))).then(() => ({
    createOnigScanner: (sources: string[]) => oniguruma.createOnigScanner(sources),
    createOnigString: (str: string) => oniguruma.createOnigString(str),
  }));
  return onigLib;
}

function readGrammar(path: string): IRawGrammar {
  return parseRawGrammar(readFileSync(path, 'utf8'), path);
}

function loadRaw(scopeName: string): IRawGrammar | null {
  const shipped = SHIPPED.find((s) => s.scopeName === scopeName);
  if (shipped) return readGrammar(resolve(SYNTAXES, shipped.file));
  const host = HOST_FILES[scopeName];
  if (host === undefined) return null;
  const raw = readGrammar(resolve(HOSTS, host));
  return raw.scopeName === scopeName ? raw : { ...raw, scopeName };
}

/** A registry that injects `injections` into every host, as `contributes.grammars[].injectTo` does in VS Code. */
function makeRegistry(injections: readonly string[]): Registry {
  return new Registry({
    onigLib: loadOniguruma(),
    loadGrammar: async (scopeName) => loadRaw(scopeName),
    getInjections: (scopeName) => (scopeName in HOST_FILES ? [...injections] : undefined),
  });
}

const ALL_INJECTIONS = SHIPPED.map((s) => s.scopeName);
const registry = makeRegistry(ALL_INJECTIONS);
const grammars = new Map<string, Promise<IGrammar>>();

function grammarFor(scopeName: string, reg: Registry = registry): Promise<IGrammar> {
  const load = async (): Promise<IGrammar> => {
    const g = await reg.loadGrammar(scopeName);
    assert.ok(g, `no grammar for ${scopeName}`);
    return g;
  };
  if (reg !== registry) return load();
  let g = grammars.get(scopeName);
  if (!g) grammars.set(scopeName, (g = load()));
  return g;
}

// ---------------------------------------------------------------------------------------------
// Tokens

interface Tok {
  text: string;
  /** Scopes without the root (source.*) scope. */
  scopes: string[];
}

function tokenizeLine(grammar: IGrammar, line: string, state: StateStack): { tokens: Tok[]; state: StateStack } {
  const r = grammar.tokenizeLine(line, state, 1_000);
  assert.ok(!r.stoppedEarly, `tokenizing ${JSON.stringify(line)} timed out`);
  const tokens = r.tokens
    .map((t) => ({ text: line.slice(t.startIndex, Math.min(t.endIndex, line.length)), scopes: t.scopes.slice(1) }))
    .filter((t) => t.text.length > 0);
  assert.equal(tokens.map((t) => t.text).join(''), line, 'tokens cover the line');
  return { tokens, state: r.ruleStack };
}

async function tokens(scopeName: string, line: string, reg?: Registry): Promise<Tok[]> {
  return tokenizeLine(await grammarFor(scopeName, reg), line, INITIAL).tokens;
}

/** Maximal runs of adjacent tokens that carry `scope`, as text. */
function runs(toks: readonly Tok[], scope: string): string[] {
  const out: string[] = [];
  let current: string | undefined;
  for (const t of toks) {
    if (t.scopes.includes(scope)) current = (current ?? '') + t.text;
    else if (current !== undefined) {
      out.push(current);
      current = undefined;
    }
  }
  if (current !== undefined) out.push(current);
  return out;
}

function hasAny(toks: readonly Tok[], scopes: readonly string[]): boolean {
  return toks.some((t) => t.scopes.some((s) => scopes.includes(s)));
}

// ---------------------------------------------------------------------------------------------
// Snapshots

function render(name: string, grammar: IGrammar): string {
  const text = readFileSync(resolve(SAMPLES, name), 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out = [`# ${name}: each line, then its tokens as "text" and scopes (root scope left out). UPDATE_SNAPSHOTS=1 rewrites this file.`];
  let state: StateStack = INITIAL;
  lines.forEach((line, i) => {
    const r = tokenizeLine(grammar, line, state);
    state = r.state;
    out.push(`${i + 1}: ${line}`);
    for (const t of r.tokens) out.push(`    ${JSON.stringify(t.text)} ${t.scopes.join(' ')}`.trimEnd());
  });
  return out.join('\n') + '\n';
}

describe('grammar snapshots', () => {
  for (const [sample, scopeName] of [
    ['sample.yaml', 'source.yaml'],
    ['sample.toml', 'source.toml'],
    ['sample.json', 'source.json.comments'],
  ] as const) {
    test(`${sample} (${scopeName})`, async () => {
      const actual = render(sample, await grammarFor(scopeName));
      const snap = resolve(SAMPLES, `${sample}.snap`);
      if (UPDATE) {
        writeFileSync(snap, actual);
        return;
      }
      assert.ok(existsSync(snap), `missing snapshot ${snap}: run with UPDATE_SNAPSHOTS=1`);
      assert.equal(actual, readFileSync(snap, 'utf8'), `${sample}: tokens changed; if intended, rerun with UPDATE_SNAPSHOTS=1 and review the diff`);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Shipped grammar files

describe('grammar files', () => {
  for (const s of SHIPPED) {
    test(`${s.file}: scopeName, injectionSelector, regexes compile`, async () => {
      const json: unknown = JSON.parse(readFileSync(resolve(SYNTAXES, s.file), 'utf8'));
      assert.ok(json && typeof json === 'object' && !Array.isArray(json), 'grammar is a JSON object');
      const g = json as Record<string, unknown>;
      assert.equal(g.scopeName, s.scopeName);
      assert.equal(g.injectionSelector, s.injectionSelector);
      const lib = await loadOniguruma();
      const regexes: string[] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) {
            if ((k === 'match' || k === 'begin' || k === 'end') && typeof x === 'string') regexes.push(x);
            else walk(x);
          }
        }
      };
      walk(g);
      assert.ok(regexes.length > 0, 'grammar has rules');
      for (const re of regexes) assert.doesNotThrow(() => lib.createOnigScanner([re]), `regex does not compile: ${re}`);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Size literals

describe('size literals', () => {
  const sizes = async (scopeName: string, line: string): Promise<string[]> => runs(await tokens(scopeName, line), SIZE);

  test('YAML plain scalars', async () => {
    assert.deepEqual(await sizes('source.yaml', 'tokens: 15T'), ['15T']);
    assert.deepEqual(runs(await tokens('source.yaml', 'tokens: 15T'), UNIT), ['T']);
    assert.deepEqual(await sizes('source.yaml', 'max_duration: 2e12T'), ['2e12T']);
    assert.deepEqual(runs(await tokens('source.yaml', 'max_duration: 2e12T'), UNIT), ['T']);
    assert.deepEqual(await sizes('source.yaml', 'train_iters: 150_001'), ['150_001']);
    assert.deepEqual(runs(await tokens('source.yaml', 'train_iters: 150_001'), UNIT), []);
    assert.deepEqual(await sizes('source.yaml', 'params: 1.4T  # comment'), ['1.4T']);
    assert.deepEqual(await sizes('source.yaml', 'vocab: 128k'), ['128k']);
    assert.deepEqual(await sizes('source.yaml', 'flops: 2e12'), ['2e12']);
    assert.deepEqual(await sizes('source.yaml', 'flops: 5E+9'), ['5E+9']);
    assert.deepEqual(await sizes('source.yaml', 'warmup: 2e3'), ['2e3']);
    assert.deepEqual(await sizes('source.yaml', 'epochs: 3ep'), ['3ep']);
    assert.deepEqual(runs(await tokens('source.yaml', 'epochs: 3ep'), UNIT), ['ep']);
    assert.deepEqual(await sizes('source.yaml', 'sizes: [125M, 1.3B]'), ['125M', '1.3B']);
    assert.deepEqual(await sizes('source.yaml', '  - 300B'), ['300B']);
  });

  test('YAML quoted scalars', async () => {
    assert.deepEqual(await sizes('source.yaml', 'tokens: "5e12"'), ['5e12']);
    assert.deepEqual(await sizes('source.yaml', "params: '300B'"), ['300B']);
    assert.deepEqual(await sizes('source.yaml', '  - "15.6T"'), ['15.6T']);
    const t = await tokens('source.yaml', 'tokens: "5e12"');
    assert.ok(
      t.find((x) => x.text === '5e12')?.scopes.includes('string.quoted.double.yaml'),
      'the literal stays inside the host string scope',
    );
  });

  test('not matched: words, small or negative exponents, plain integers, keys, partial scalars', async () => {
    for (const line of [
      'name: llama-7B-hf',
      'name: "llama-7B-hf"',
      'weird: 7B-final',
      'note: ran 300B tokens',
      'lr: 3e-4',
      'wd: 1e-1',
      'tiny: 1e2',
      'hidden: 4096',
      '300B: a key',
      'id: x7B',
      'hex: 0x7B',
      'version: 1.4.0',
    ]) {
      assert.deepEqual(await sizes('source.yaml', line), [], line);
    }
    // Plain numbers stay the host grammar's business.
    assert.ok((await tokens('source.yaml', 'hidden: 4096')).find((t) => t.text === '4096')?.scopes.includes('constant.numeric.yaml'));
    assert.ok((await tokens('source.yaml', 'lr: 3e-4')).find((t) => t.text === '3e-4')?.scopes.includes('constant.numeric.yaml'));
  });

  test('TOML', async () => {
    assert.deepEqual(await sizes('source.toml', 'steps = 1_000'), ['1_000']);
    assert.deepEqual(await sizes('source.toml', 'tokens = "2e12"'), ['2e12']);
    assert.deepEqual(await sizes('source.toml', "params = '70B'"), ['70B']);
    assert.deepEqual(await sizes('source.toml', 'budget = [1e21, 3e23]'), ['1e21', '3e23']);
    assert.deepEqual(await sizes('source.toml', 'table = { tokens = "300B", seq = 2048 }'), ['300B']);
    assert.deepEqual(await sizes('source.toml', 'lr = 3e-4'), []);
    assert.deepEqual(await sizes('source.toml', 'hidden = 4096'), []);
    assert.deepEqual(await sizes('source.toml', '1_000 = "key"'), []);
    assert.deepEqual(await sizes('source.toml', 'name = "llama-7B-hf"'), []);
  });

  test('JSON and JSONC', async () => {
    for (const scope of ['source.json', 'source.json.comments']) {
      assert.deepEqual(await sizes(scope, '{ "tokens": "5e12" }'), ['5e12'], scope);
      assert.deepEqual(await sizes(scope, '{"flops":3.1e23, "params": "70B"}'), ['3.1e23', '70B'], scope);
      assert.deepEqual(await sizes(scope, '{ "sizes": ["125M", "1.3B"] }'), ['125M', '1.3B'], scope);
      assert.deepEqual(await sizes(scope, '{ "300B": "key", "lr": 3e-4, "hidden": 4096 }'), [], scope);
      assert.deepEqual(await sizes(scope, '{ "name": "llama-7B-hf", "note": "on 300B tokens" }'), [], scope);
    }
  });

  test('not inside comments', async () => {
    assert.deepEqual(await sizes('source.yaml', '# tokens: 15T'), []);
    assert.deepEqual(await sizes('source.toml', 'x = 1 # steps = 1_000'), []);
    assert.deepEqual(await sizes('source.json.comments', '{ // "tokens": "5e12"'), []);
  });
});

// ---------------------------------------------------------------------------------------------
// Directive comments

describe('directive comments', () => {
  function assertDirective(toks: readonly Tok[], keys: string[], values: string[], numbers: string[]): void {
    assert.deepEqual(runs(toks, MARKER), ['scaling-lens:']);
    assert.deepEqual(runs(toks, KEY), keys);
    assert.deepEqual(runs(toks, ASSIGN), keys.map(() => '='));
    assert.deepEqual(runs(toks, VALUE), values);
    assert.deepEqual(runs(toks, NUMBER), numbers);
    const from = toks.findIndex((t) => t.text.startsWith('#') || t.text.startsWith('/'));
    assert.ok(from >= 0, 'a comment token');
    for (const t of toks.slice(from)) assert.ok(t.scopes.some((s) => s.startsWith('comment.')), `${JSON.stringify(t.text)} is in a comment scope`);
  }

  test('YAML / TOML `#` comments', async () => {
    assertDirective(await tokens('source.yaml', '# scaling-lens: gpu=H100 count=64'), ['gpu', 'count'], ['H100'], ['64']);
    assertDirective(await tokens('source.yaml', '# scaling-lens: gpu=H100 count=64 mfu=0.45'), ['gpu', 'count', 'mfu'], ['H100'], ['64', '0.45']);
    assertDirective(await tokens('source.yaml', 'tokens: 15T # scaling-lens: gpus=512'), ['gpus'], [], ['512']);
    assertDirective(await tokens('source.toml', '# scaling-lens: gpu=H100 count=64'), ['gpu', 'count'], ['H100'], ['64']);
    assertDirective(await tokens('source.toml', 'steps = 1_000   # scaling-lens: count=64'), ['count'], [], ['64']);
    // The size literal before a trailing directive is still a size literal.
    assert.deepEqual(runs(await tokens('source.yaml', 'tokens: 15T # scaling-lens: gpus=512'), SIZE), ['15T']);
  });

  test('JSONC `//` and `/* */` comments', async () => {
    for (const scope of ['source.json.comments', 'source.json']) {
      assertDirective(await tokens(scope, '// scaling-lens: gpu=H100 count=64'), ['gpu', 'count'], ['H100'], ['64']);
      assertDirective(await tokens(scope, '{ "a": 1, // scaling-lens: mfu=0.4'), ['mfu'], [], ['0.4']);
      assertDirective(await tokens(scope, '/* scaling-lens: gpu=H100 count=64 */'), ['gpu', 'count'], ['H100'], ['64']);
      const block = await tokens(scope, '/* scaling-lens: gpu=H100 */');
      assert.ok(block.find((t) => t.text === '*/')?.scopes.includes('comment.block.json'), 'the host closes its block comment');
    }
  });

  test('inside a comment scope the host opened (no pre-emptive directive-comment grammar)', async () => {
    const reg = makeRegistry(['scaling-lens.injection', 'scaling-lens.directive']);
    const toks = await tokens('source.yaml', '# scaling-lens: gpu=H100 count=64', reg);
    assertDirective(toks, ['gpu', 'count'], ['H100'], ['64']);
    assert.ok(toks.every((t) => t.scopes.includes('comment.line.number-sign.yaml')), 'all inside the host comment');
  });

  test('ordinary comments and strings are left alone', async () => {
    for (const [scope, line] of [
      ['source.yaml', '# gpu=H100'],
      ['source.yaml', '# gpu=H100 count=64'],
      ['source.yaml', '# see # scaling-lens: gpu=H100'],
      ['source.yaml', 'cmd: "run # scaling-lens: gpu=H100"'],
      ['source.yaml', 'name: scaling-lens: x'],
      ['source.toml', '# gpu=H100'],
      ['source.toml', 'x = "# scaling-lens: gpu=H100"'],
      ['source.json.comments', '// gpu=H100'],
      ['source.json.comments', '{ "a": "// scaling-lens: gpu=H100" }'],
    ] as const) {
      const toks = await tokens(scope, line);
      assert.ok(!hasAny(toks, DIRECTIVE_SCOPES), `${scope}: ${line}\n${JSON.stringify(toks)}`);
    }
    // …and the ordinary comment is still the host's comment.
    assert.ok((await tokens('source.yaml', '# gpu=H100')).every((t) => t.scopes.includes('comment.line.number-sign.yaml')));
  });

  test('marker spelling follows the server: case-insensitive, blanks before the colon, quoted values', async () => {
    const toks = await tokens('source.yaml', "# Scaling-Lens : gpu='H100 SXM' count=64");
    assert.deepEqual(runs(toks, MARKER), ['Scaling-Lens :']);
    assert.deepEqual(runs(toks, KEY), ['gpu', 'count']);
    assert.deepEqual(runs(toks, 'string.quoted.scaling-lens'), ["'H100 SXM'"]);
    assert.deepEqual(runs(toks, NUMBER), ['64']);
  });
});
