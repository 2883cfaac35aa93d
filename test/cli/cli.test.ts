/** The built CLI (dist/cli.js) as a user runs it: reports, exit codes, JSON against its schema, SARIF. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';

const root = resolve(import.meta.dirname, '../..');
const cli = resolve(root, 'dist/cli.js');
const sh = (args: string[], cwd = root) => {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const tmp = mkdtempSync(join(tmpdir(), 'scaling-lens-cli-'));
const write = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

before(() => assert.ok(existsSync(cli), 'run `npm run build` first (npm test does)'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('scaling-lens check', () => {
  test('text report for every example; exit 0 when no error-severity finding', () => {
    const r = sh(['check', 'examples/under-trained-7b.scaling.yaml', 'examples/llama3-8b-64xh100.scaling.yaml']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /under-trained/);
    assert.match(r.out, /8\.03B/);
    assert.match(r.out, /2 files: 0 errors, 1 warning/);
  });
  test('--format json follows schemas/report.schema.json and the DESIGN §5 contract', () => {
    const r = sh(['check', '--format', 'json', 'examples/']);
    type Diag = { code: string; range: { start: { line: number; character: number } } };
    const report: { version: number; files: { file: string; compute: { flops: number }; diagnostics: Diag[] }[] } = JSON.parse(r.out);
    const schema = JSON.parse(readFileSync(resolve(root, 'schemas/report.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ strict: false });
    assert.ok(ajv.validate(schema, report), JSON.stringify(ajv.errors));
    assert.equal(report.version, 1);
    assert.ok(report.files.length >= 5);
    const gpt3 = report.files.find((f) => f.file.includes('gpt3'))!;
    assert.ok(Math.abs(gpt3.compute.flops / 3.14e23 - 1) < 0.01);
    const u = report.files.find((f) => f.file.includes('under-trained'))!;
    const d = u.diagnostics.find((x) => x.code === 'under-trained')!;
    const lines = readFileSync(resolve(root, 'examples/under-trained-7b.scaling.yaml'), 'utf8').split('\n');
    assert.match(lines[d.range.start.line]!.slice(d.range.start.character), /^steps:/);
  });
  test('unknown figures are null (never omitted) with a missing-value diagnostic naming the key', () => {
    const f = write('params-only.scaling.yaml', 'model:\n  params: 7B\n');
    const r = sh(['check', '--format', 'json', f]);
    const file = JSON.parse(r.out).files[0];
    assert.equal(file.training.tokens, null);
    assert.equal(file.cost.usd, null);
    assert.ok('flopsExact' in file.compute);
    assert.ok(file.diagnostics.some((d: { code: string; message: string }) => d.code === 'missing-value' && d.message.includes('training.tokens')));
  });
  test('--gpu/--gpus/--mfu/--price override the file', () => {
    const f = write('hw.scaling.yaml', 'model:\n  preset: llama-3-8b\ntraining:\n  tokens: 1T\n');
    const a = JSON.parse(sh(['check', '-f', 'json', '--gpu', 'H100', '--gpus', '64', '--mfu', '0.5', '--price', '2', f]).out).files[0];
    const b = JSON.parse(sh(['check', '-f', 'json', '--gpu', 'H100', '--gpus', '128', '--mfu', '0.25', '--price', '2', f]).out).files[0];
    assert.equal(a.cluster.gpus, 64);
    assert.equal(a.cluster.mfu, 0.5);
    assert.ok(Math.abs(b.cost.gpuHours / a.cost.gpuHours - 2) < 1e-9);
    assert.ok(Math.abs(a.cost.usd - 2 * a.cost.gpuHours) < 1e-6);
  });
  test('exit 1 when an error-severity finding exists', () => {
    const f = write('bad.scaling.yaml', 'model:\n  layers: -1\n');
    assert.equal(sh(['check', f]).code, 1);
  });
  test('--format sarif is SARIF 2.1.0 with rules and results', () => {
    const sarif = JSON.parse(sh(['check', '--format', 'sarif', 'examples/under-trained-7b.scaling.yaml']).out);
    assert.equal(sarif.version, '2.1.0');
    const res = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'under-trained');
    assert.equal(res.level, 'warning');
    assert.equal(res.locations[0].physicalLocation.region.startLine, 7);
    assert.ok(res.fixes[0].description.text.startsWith('Set training tokens to compute-optimal'));
    assert.ok(sarif.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === 'does-not-fit'));
  });
  test('usage and I/O errors: one line on stderr, exit 2, no stack trace', () => {
    for (const args of [['check'], ['frobnicate'], ['check', '--format', 'xml', 'examples/'], ['check', '--gpus', 'many', 'examples/'], ['check', '--nope', 'x'], ['check', join(tmp, 'missing.yaml')], ['explain']]) {
      const r = sh(args);
      assert.equal(r.code, 2, `${args.join(' ')} → ${r.code} ${r.err}`);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.doesNotMatch(r.err, /\bat .+:\d+:\d+/);
    }
  });
  test('hostile input files never crash: binary, huge numbers, alias bomb, deep nesting', () => {
    const files = [
      write('bin.scaling.yaml', '\u0000\u0001\u0002garbage: [\n'),
      write('nums.scaling.yaml', 'model:\n  params: 1e400\ncluster:\n  count: 1e30\n'),
      write('nest.scaling.json', '['.repeat(50_000)),
      write('bomb.scaling.yaml', 'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n'),
    ];
    for (const f of files) {
      const r = sh(['check', '--format', 'json', f]);
      assert.ok(r.code === 0 || r.code === 1, `${f}: ${r.code} ${r.err}`);
      JSON.parse(r.out);
    }
  });
});

describe('scaling-lens explain', () => {
  test('every figure with formula and provenance (keys with line numbers, presets, defaults)', () => {
    const r = sh(['explain', 'examples/under-trained-7b.scaling.yaml']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /`training\.steps` \(line 7\)/);
    assert.match(r.out, /preset `llama-2-7b`/);
    assert.match(r.out, /default scalingLens\.mfu/);
    assert.match(r.out, /6 · N_active · D/);
    assert.match(r.out, /optimizer states/);
  });
});
