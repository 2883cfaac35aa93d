/** The native format end to end through the dialect layer: ranges, invalid values, parse errors, directives. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/dialects/index';
import { defaultOptions } from '../../server/src/core/options';

const opts = { options: defaultOptions() };
const run = (text: string, name = 'plan.scaling.yaml') => analyzeText(text, name, opts);
const at = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);

describe('native format', () => {
  test('values carry their document ranges; the under-trained warning sits on the tokens key', () => {
    const text = 'model:\n  params: 7B\ntraining:\n  tokens: 20B   # far too few\n';
    const a = run(text);
    assert.equal(a.dialect?.id, 'native');
    const t = a.plan!.training.tokens!;
    assert.equal(t.value, 20e9);
    assert.equal(t.origin.kind === 'document' && at(text, t.origin.range), '20B');
    const f = a.findings.find((x) => x.code === 'under-trained')!;
    assert.equal(at(text, f.range), 'tokens');
    assert.equal(a.lines.positionAt(f.range.start).line, 3);
  });
  test('partial dims: the missing-value message names exactly the dims still missing', () => {
    const a = run('model:\n  layers: 4\n  hidden: 512\n');
    const f = a.findings.find((x) => x.code === 'missing-value' && /Parameter count unknown/.test(x.message))!;
    assert.match(f.message, /lack `model\.vocab` \(or set `model\.params`\)/);
    assert.doesNotMatch(f.message, /model\.layers/);
  });
  test('any subset is valid: an empty file gives only missing-value information', () => {
    const a = run('');
    assert.ok(a.findings.every((f) => f.severity === 'information'));
  });
  test('invalid values: negative, zero, NaN, non-numeric, absurd → invalid-value at the value', () => {
    const text = [
      'model:',
      '  layers: -4',
      '  hidden: 0',
      '  heads: .nan',
      '  vocab: lots',
      '  seq_len: 1e400',
      'cluster:',
      '  count: 1e30',
      '  mfu: 1.5',
      'training:',
      '  precision: bf17',
    ].join('\n');
    const a = run(text);
    const bad = a.findings.filter((f) => f.code === 'invalid-value').map((f) => at(text, f.range));
    for (const v of ['-4', '0', '.nan', 'lots', '1e400', '1e30', '1.5', 'bf17']) assert.ok(bad.includes(v), `${v} in ${JSON.stringify(bad)}`);
    assert.ok(a.findings.filter((f) => f.code === 'invalid-value').every((f) => f.severity === 'error'));
  });
  test('broken YAML → parse-error at the parser range, never a throw', () => {
    const text = 'model:\n  layers: [32\ntraining:\n  tokens: 1T\n';
    const a = run(text);
    const e = a.findings.find((f) => f.code === 'parse-error');
    assert.ok(e);
    assert.ok(e.range.start >= text.indexOf('[') - 1, `range ${JSON.stringify(e.range)}`);
  });
  test('JSON and TOML native files work the same', () => {
    const j = run('{ "model": { "params": "7B" }, "training": { "tokens": 2e10 } }', 'x.scaling.json');
    assert.ok(j.findings.some((f) => f.code === 'under-trained'));
    const t = run('[model]\nparams = "7B"\n[training]\ntokens = 20_000_000_000\n', 'x.scaling.toml');
    assert.equal(t.plan!.training.tokens!.value, 2e10);
    assert.ok(t.findings.some((f) => f.code === 'under-trained'));
    const bad = run('[model\nparams = 1', 'x.scaling.toml');
    assert.ok(bad.findings.some((f) => f.code === 'parse-error'));
  });
  test('YAML 1.1-style numbers as strings: 150_001 and "5e12"', () => {
    const a = run('training:\n  steps: 150_001\n  tokens: "5e12"\n');
    assert.equal(a.plan!.training.steps!.value, 150001);
    assert.equal(a.plan!.training.tokens!.value, 5e12);
  });
  test('`# scaling-lens: gpu=H100 count=64` directives supply hardware; the file wins over them', () => {
    const text = '# scaling-lens: gpu=H100 count=64\nmodel:\n  preset: llama-3-8b\ntraining:\n  tokens: 1T\n';
    const a = run(text);
    assert.equal(a.analysis!.resolved.accelerator?.memoryGiB, 80);
    assert.equal(a.analysis!.resolved.gpus?.value, 64);
    const o = a.plan!.cluster.gpu!.origin;
    assert.equal(o.kind === 'document' && at(text, o.range), 'gpu=H100');
    const b = run('# scaling-lens: gpu=H100\ncluster:\n  gpu: A100-40GB\n');
    assert.equal(b.analysis!.resolved.accelerator?.memoryGiB, 40);
  });
  test('unrelated YAML is left alone; content detection finds native files without the suffix', () => {
    assert.equal(run('name: ci\non: [push]\njobs: {}\n', '.github/workflows/ci.yml').dialect, undefined);
    assert.equal(run('model:\n  params: 7B\n', 'plan.yaml').dialect?.id, 'native');
  });
  test('files over the size limit get one information diagnostic and no analysis', () => {
    const a = analyzeText('a: 1\n'.repeat(10), 'big.scaling.yaml', { options: { ...defaultOptions(), maxFileBytes: 20 } });
    assert.equal(a.findings.length, 1);
    assert.equal(a.findings[0]!.severity, 'information');
    assert.equal(a.analysis, undefined);
  });
  test('alias bombs and deep nesting are bounded', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`), 'model:\n  params: 7B'].join('\n');
    const t0 = Date.now();
    run(bomb);
    run(`model: ${'['.repeat(20000)}`);
    assert.ok(Date.now() - t0 < 5000);
  });
});
