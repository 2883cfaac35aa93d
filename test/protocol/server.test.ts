/**
 * The built server (dist/server.js) over stdio, driven like an editor: initialize → didOpen → diagnostics → hover →
 * inlay hints → code lens → code action → apply the edit → diagnostics again show the warning gone.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import { applyEdits, fileUri, root, TestClient } from './client';
import { rng } from '../helpers/rng';

type Pos = { line: number; character: number };
type Range = { start: Pos; end: Pos };
interface CodeAction {
  title: string;
  isPreferred?: boolean;
  edit?: { changes: Record<string, { range: Range; newText: string }[]> };
}

const example = 'examples/under-trained-7b.scaling.yaml';
const exampleText = readFileSync(resolve(root, example), 'utf8');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

describe('language server over stdio', () => {
  let c: TestClient;
  before(async () => {
    assert.ok(existsSync(resolve(root, 'dist/server.js')), 'run `npm run build` first (npm test does)');
    c = new TestClient();
    const init = await c.initialize();
    assert.equal(init.serverInfo?.name, 'scaling-lens');
    assert.ok(init.capabilities.hoverProvider && init.capabilities.inlayHintProvider && init.capabilities.codeLensProvider && init.capabilities.codeActionProvider);
  });
  after(async () => {
    assert.equal(await c.shutdown(), 0);
  });

  test('the full editing loop on the under-trained example', async () => {
    const uri = fileUri(example);
    const stepsLine = lineOf(exampleText, 'steps:');
    const pub = await c.open(uri, exampleText);
    const warn = pub.diagnostics.find((d) => d.code === 'under-trained');
    assert.ok(warn, JSON.stringify(pub.diagnostics));
    assert.equal(warn.range.start.line, stepsLine);
    assert.equal(warn.source, 'scaling-lens');
    assert.match(warn.codeDescription!.href, /#diagnostic-under-trained$/);
    const status = await c.notification('scalingLens/status');
    assert.match(JSON.stringify(status?.params), /Scaling Lens native/);

    const hover = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: stepsLine, character: 3 } });
    assert.ok(hover);
    assert.match(hover.contents.value, /FLOPs/);
    assert.match(hover.contents.value, /5,000 × 1,024 × 4,096/);

    const hints = await c.request<{ position: Pos; label: string }[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } });
    const stepHint = hints.find((h) => h.position.line === stepsLine);
    assert.ok(stepHint, JSON.stringify(hints));
    assert.match(stepHint.label, /tok\/param/);
    assert.ok(hints.some((h) => /params/.test(h.label)));

    const lenses = await c.request<{ command: { title: string; command: string; arguments: unknown[] } }[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.equal(lenses.length, 1);
    assert.match(lenses[0]!.command.title, /6\.74B params · 21B tokens · 8\.48e20 FLOPs/);
    assert.equal(lenses[0]!.command.command, 'scalingLens.showReport');
    assert.deepEqual(lenses[0]!.command.arguments, [uri]);

    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: warn.range, context: { diagnostics: [warn] } });
    const fix = actions.find((a) => a.title.startsWith('Set training tokens to compute-optimal'));
    assert.ok(fix?.edit, JSON.stringify(actions));
    assert.equal(fix.isPreferred, true);
    const edits = fix.edit.changes[uri]!;
    assert.equal(edits.length, 1);
    assert.equal(edits[0]!.range.start.line, stepsLine);
    const fixed = applyEdits(exampleText, edits);
    // Only the value token changes: the comment lines and the rest of the file are identical.
    assert.deepEqual(fixed.split('\n').filter((_, i) => i !== stepsLine), exampleText.split('\n').filter((_, i) => i !== stepsLine));
    const newSteps = Number(/steps: (\d+)/.exec(fixed)![1]);
    assert.ok(newSteps * 1024 * 4096 >= 20 * 6.738e9 * 0.99, String(newSteps));

    const after = await c.change(uri, 2, fixed);
    assert.equal(after.diagnostics.filter((d) => d.code === 'under-trained').length, 0);
  });

  test('hover on a model key shows params; on a memory key the breakdown', async () => {
    const uri = fileUri('examples/llama-70b-1024gpu.scaling.yaml');
    const text = readFileSync(resolve(root, 'examples/llama-70b-1024gpu.scaling.yaml'), 'utf8');
    await c.open(uri, text);
    const h1 = await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: lineOf(text, 'hidden:'), character: 4 } });
    assert.match(h1.contents.value, /Parameters \| 69B/);
    const h2 = await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line: lineOf(text, 'micro_batch:'), character: 4 } });
    assert.match(h2.contents.value, /optimizer states/);
    assert.match(h2.contents.value, /usable/);
    const none = await c.request<unknown>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
    assert.equal(none, null);
  });

  test('a quick fix edits a suffixed token in place, keeping the suffix and the comment', async () => {
    const uri = fileUri('test/fixtures/tokens.scaling.yaml');
    const text = 'model:\n  params: 7B\ntraining:\n  tokens: 20B   # keep this comment\n';
    const pub = await c.open(uri, text);
    const warn = pub.diagnostics.find((d) => d.code === 'under-trained')!;
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: warn.range, context: { diagnostics: [warn] } });
    const fixed = applyEdits(text, actions[0]!.edit!.changes[uri]!);
    assert.equal(fixed, 'model:\n  params: 7B\ntraining:\n  tokens: 140B   # keep this comment\n');
  });

  test('completion offers GPUs, presets, enum values and section keys', async () => {
    const uri = fileUri('test/fixtures/complete.scaling.yaml');
    const text = 'model:\n  preset: lla\n  \ncluster:\n  gpu: H\ntraining:\n  precision: \n';
    await c.open(uri, text);
    const at = async (line: number, character: number) => (await c.request<{ label: string }[]>('textDocument/completion', { textDocument: { uri }, position: { line, character } })).map((i) => i.label);
    assert.ok((await at(1, 13)).includes('llama-3-8b'));
    assert.ok((await at(4, 8)).includes('H100'));
    assert.ok((await at(6, 13)).includes('bf16-mixed'));
    const keys = await at(2, 2);
    assert.ok(keys.includes('layers') && keys.includes('kv_heads') && !keys.includes('preset'), keys.join(','));
  });

  test('scalingLens/report returns the explain breakdown as markdown', async () => {
    const r = await c.request<{ markdown: string }>('scalingLens/report', { uri: fileUri(example) });
    assert.match(r.markdown, /## Breakdown/);
    assert.match(r.markdown, /Memory per GPU/);
    const g = await c.request<{ name: string }[]>('scalingLens/gpus', {});
    assert.ok(g.some((x) => x.name === 'H100'));
  });

  test('a broken file yields parse-error and the server keeps answering', async () => {
    const uri = fileUri('test/fixtures/broken.scaling.yaml');
    const pub = await c.open(uri, 'model: [\n  layers: 32\n');
    assert.ok(pub.diagnostics.some((d) => d.code === 'parse-error' && d.severity === 1));
    const h = await c.request<unknown>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    assert.equal(h, null);
    const lens = await c.request<unknown[]>('textDocument/codeLens', { textDocument: { uri: fileUri(example) } });
    assert.equal(lens.length, 1);
  });

  test('unrelated YAML gets no diagnostics, hints or lenses', async () => {
    const uri = fileUri('test/fixtures/workflow.yml');
    const pub = await c.open(uri, 'name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n');
    assert.equal(pub.diagnostics.length, 0);
    assert.deepEqual(await c.request('textDocument/codeLens', { textDocument: { uri } }), []);
  });

  test('settings pulled with workspace/configuration change the figures', async () => {
    const c2 = new TestClient(['dist/server.js', '--stdio'], { defaultGpu: 'H100', defaultGpuCount: 64, mfu: 'not a number' });
    await c2.initialize();
    const uri = fileUri('test/fixtures/settings.scaling.yaml');
    await c2.open(uri, 'model:\n  preset: llama-3-8b\ntraining:\n  tokens: 1T\n');
    // Settings arrive asynchronously after `initialized`; wait for the re-publish they trigger.
    const deadline = Date.now() + 5000;
    let lens: { command: { title: string } }[] = [];
    while (Date.now() < deadline) {
      lens = await c2.request('textDocument/codeLens', { textDocument: { uri } });
      if (/days/.test(lens[0]?.command.title ?? '')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(lens[0]!.command.title, /days/);
    assert.ok(c2.notifications.some((n) => n.method === 'window/logMessage' && /scalingLens\.mfu/.test(JSON.stringify(n.params))));
    assert.equal(await c2.shutdown(), 0);
  });

  test('the scalingLens.dialects setting forces a dialect per glob', async () => {
    const c4 = new TestClient(['dist/server.js', '--stdio'], { dialects: { '**/forced/*.yml': 'gpt-neox' } });
    await c4.initialize();
    const text = '{ "num_layers": 2, "hidden_size": 64 }\n';
    const plainUri = fileUri('test/fixtures/plain/model.yml');
    await c4.open(plainUri, text);
    const status = async (uri: string) => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const n = [...c4.notifications].reverse().find((x) => x.method === 'scalingLens/status' && (x.params as { uri: string }).uri === uri);
        if (n || Date.now() > deadline) return n?.params as { dialect: string | null; reason: string } | undefined;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    assert.equal((await status(plainUri))?.dialect, null);
    const forcedUri = fileUri('test/fixtures/forced/model.yml');
    // Settings are pulled after `initialized`; the forced dialect applies once they have arrived.
    const deadline = Date.now() + 5000;
    await c4.open(forcedUri, text);
    let s = await status(forcedUri);
    while (s?.dialect !== 'GPT-NeoX' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      s = await status(forcedUri);
    }
    assert.equal(s?.dialect, 'GPT-NeoX');
    assert.match(s!.reason, /forced/);
    assert.equal(await c4.shutdown(), 0);
  });

  test('a change to a referenced file (MaxText base_config) re-analyses the config that reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scaling-lens-watch-'));
    try {
      const base = (layers: number) => `base_emb_dim: 1024\nbase_num_query_heads: 8\nbase_num_kv_heads: 8\nbase_mlp_dim: 4096\nbase_num_decoder_layers: ${layers}\nvocab_size: 32000\nmax_target_length: 1024\n`;
      writeFileSync(join(dir, 'base.yml'), base(4));
      const runText = 'base_config: base.yml\nper_device_batch_size: 4\nsteps: 100\n';
      writeFileSync(join(dir, 'run.yml'), runText);
      const uri = pathToFileURL(join(dir, 'run.yml')).toString();
      await c.open(uri, runText);
      const lens = async () => (await c.request<{ command: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri } }))[0]?.command.title ?? '';
      const before = await lens();
      assert.match(before, /params/, before);
      writeFileSync(join(dir, 'base.yml'), base(8));
      const republished = c.diagnostics(uri);
      await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(dir, 'base.yml')).toString(), type: 2 }] });
      await republished;
      const after = await lens();
      assert.notEqual(after, before, 'the code lens did not change after base.yml doubled the layers');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('`scaling-lens lsp --stdio` starts the same server', async () => {
    const c3 = new TestClient(['dist/cli.js', 'lsp', '--stdio']);
    const init = await c3.initialize();
    assert.equal(init.serverInfo?.name, 'scaling-lens');
    const pub = await c3.open(fileUri(example), exampleText);
    assert.ok(pub.diagnostics.some((d) => d.code === 'under-trained'));
    assert.equal(await c3.shutdown(), 0);
  });
});

function mutate(text: string, r: () => number): string {
  const ops = [
    () => text.slice(0, Math.floor(r() * text.length)), // truncate mid-typing
    () => {
      const i = Math.floor(r() * text.length);
      return text.slice(0, i) + ['[', '{', ':', '"', '- ', '\t', '&a ', '*a', '1e400', '-', '\n  ', '#'][Math.floor(r() * 12)] + text.slice(i);
    },
    () => {
      const i = Math.floor(r() * text.length);
      return text.slice(0, i) + text.slice(i + Math.floor(r() * 40));
    },
    () => text.replace(/\d+/g, (m) => (r() < 0.3 ? ['0', '-1', 'NaN', '1e30', '', '3.5'][Math.floor(r() * 6)]! : m)),
  ];
  return ops[Math.floor(r() * ops.length)]!();
}

const corpus = resolve(root, '../shared/corpus');
function seeds(): { name: string; text: string }[] {
  const out = readdirSync(resolve(root, 'examples')).map((f) => ({ name: `examples/${f}`, text: readFileSync(resolve(root, 'examples', f), 'utf8') }));
  if (existsSync(corpus)) {
    const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
    for (const f of walk(corpus).filter((f) => /\.(ya?ml|json|toml)$/.test(f)).slice(0, 40)) out.push({ name: f, text: readFileSync(f, 'utf8') });
  }
  return out;
}

describe('robustness: mutated configs (a small fuzz run; `npm run fuzz` runs lspbench with 1,000+ cases)', () => {
  test('every request on every mutation returns, nothing hangs, the server stays up', async () => {
    const c = new TestClient();
    await c.initialize();
    const r = rng(42);
    const all = seeds();
    let slowest = 0;
    for (let i = 0; i < 150; i++) {
      const seed = all[i % all.length]!;
      const text = mutate(seed.text, r);
      const ext = seed.name.endsWith('.toml') ? 'toml' : seed.name.endsWith('.json') ? 'json' : 'yaml';
      const uri = fileUri(`test/fixtures/fuzz-${i}.scaling.${ext}`);
      const t0 = Date.now();
      await c.open(uri, text, ext);
      const lines = text.split('\n').length;
      const pos = { line: Math.floor(r() * lines), character: Math.floor(r() * 20) };
      const range = { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } };
      await Promise.all([
        c.request('textDocument/hover', { textDocument: { uri }, position: pos }),
        c.request('textDocument/inlayHint', { textDocument: { uri }, range }),
        c.request('textDocument/codeLens', { textDocument: { uri } }),
        c.request('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } }),
        c.request('textDocument/completion', { textDocument: { uri }, position: pos }),
      ]);
      slowest = Math.max(slowest, Date.now() - t0);
      await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
    assert.ok(slowest < 2000, `slowest case ${slowest} ms`);
    assert.equal(c.proc.exitCode, null, 'server died');
    assert.ok(!c.stderr.join('').includes('uncaught'), c.stderr.join(''));
    assert.equal(await c.shutdown(), 0);
  });
});
