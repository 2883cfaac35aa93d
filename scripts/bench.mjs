// `npm run bench`: language-server latency and memory on the examples and on generated 300- and 10,000-line
// configs, plus bundle sizes. Prints numbers (p50/p95/max in ms); targets are printed beside them, not asserted.
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
const out = resolve(root, '.cache/bench');
mkdirSync(out, { recursive: true });

/** A native plan followed by a long data-mixture section (the shape of real 10k-line configs: data lists). */
function generate(lines) {
  const head = [
    '# generated benchmark config',
    'model:',
    '  preset: llama-3-8b',
    '  seq_len: 8192',
    'training:',
    '  tokens: 1T',
    '  global_batch: 512',
    '  micro_batch: 2',
    '  precision: bf16-mixed',
    '  activation_checkpointing: full',
    'cluster:',
    '  gpu: H100',
    '  count: 64',
    'parallelism:',
    '  fsdp: true',
    'data:',
    '  mixture:',
  ];
  const body = [];
  for (let i = 0; body.length + head.length < lines; i++) {
    body.push(`    - path: s3://corpus/shard-${String(i).padStart(6, '0')}.jsonl.zst   # source ${i % 17}`);
    body.push(`      weight: ${(0.001 + (i % 97) / 1000).toFixed(4)}`);
    body.push(`      tokens: ${1 + (i % 50)}B`);
  }
  return [...head, ...body].slice(0, lines).join('\n') + '\n';
}

const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const fmt = (x) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : '—');
const stat = (xs) => `p50 ${fmt(pct(xs, 50))}  p95 ${fmt(pct(xs, 95))}  max ${fmt(Math.max(...xs))} ms (n=${xs.length})`;

async function session(file, text) {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [resolve(root, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const waiters = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    for (const w of waiters.splice(0)) if (w.version === p.version) w.resolve(p);
      else waiters.push(w);
  });
  conn.onRequest('workspace/configuration', () => [{}]);
  conn.onRequest('workspace/inlayHint/refresh', () => null);
  conn.onRequest('workspace/codeLens/refresh', () => null);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(root).toString(), capabilities: { workspace: { configuration: true } } });
  const cold = performance.now() - t0;
  await conn.sendNotification('initialized', {});
  const uri = pathToFileURL(file).toString();
  const diag = (version) => new Promise((res) => waiters.push({ version, resolve: res }));

  let t = performance.now();
  let w = diag(1);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  const first = await w;
  const open = performance.now() - t;

  // Edits: toggle the last digit of numbers spread through the file (same length, always valid).
  const sites = [...text.matchAll(/\d(?=\s*(#|$))/gm)].map((m) => m.index).filter((_, i, a) => i % Math.max(1, Math.floor(a.length / 8)) === 0).slice(0, 8);
  let version = 1;
  let cur = text;
  const editFull = [];
  const editInc = [];
  const editStruct = [];
  const lineCol = (s, off) => {
    const before = s.slice(0, off);
    const line = before.split('\n').length - 1;
    return { line, character: off - before.lastIndexOf('\n') - 1 };
  };
  for (const mode of ['full', 'incremental']) {
    for (let i = 0; i < ROUNDS; i++) {
      const off = sites[i % sites.length];
      const ch = cur[off] === '1' ? '2' : '1';
      cur = cur.slice(0, off) + ch + cur.slice(off + 1);
      version++;
      w = diag(version);
      t = performance.now();
      const change = mode === 'full' ? { text: cur } : { range: { start: lineCol(cur, off), end: lineCol(cur, off + 1) }, text: ch };
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      await w;
      (mode === 'full' ? editFull : editInc).push(performance.now() - t);
    }
  }
  // Structural edits (a comment toggled at the top of the file): no incremental fast path, a full re-parse each time.
  for (let i = 0; i < Math.min(ROUNDS, 20); i++) {
    const line = { line: 0, character: 0 };
    const insert = i % 2 === 0;
    cur = insert ? `#\n${cur}` : cur.slice(2);
    version++;
    w = diag(version);
    t = performance.now();
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [insert ? { range: { start: line, end: line }, text: '#\n' } : { range: { start: line, end: { line: 1, character: 0 } }, text: '' }] });
    await w;
    editStruct.push(performance.now() - t);
  }
  const keys = [...cur.matchAll(/^\s*([a-z_]+):/gm)].slice(0, 16).map((m) => lineCol(cur, m.index + m[0].indexOf(m[1]) + 1));
  const timed = async (n, f) => {
    const xs = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await f(i);
      xs.push(performance.now() - s);
    }
    return xs;
  };
  const hover = await timed(ROUNDS, (i) => conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: keys[i % keys.length] }));
  const lastLine = cur.split('\n').length;
  const hints = await timed(ROUNDS, () => conn.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lastLine, character: 0 } } }));
  const lens = await timed(ROUNDS, () => conn.sendRequest('textDocument/codeLens', { textDocument: { uri } }));
  let rss = NaN;
  try {
    rss = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    /* not Linux */
  }
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  conn.dispose();
  return { cold, open, diagnostics: first.diagnostics.length, editFull, editInc, editStruct, hover, hints, lens, rss };
}

const results = [];
const files = [
  ...readdirSync(resolve(root, 'examples')).filter((f) => f.endsWith('.yaml')).slice(0, 2).map((f) => resolve(root, 'examples', f)),
];
for (const lines of [300, 10_000]) {
  const p = resolve(out, `bench-${lines}.scaling.yaml`);
  writeFileSync(p, generate(lines));
  files.push(p);
}
console.log(`scaling-lens bench — node ${process.version}, ${ROUNDS} rounds per series\n`);
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const r = await session(f, text);
  results.push({ file: f.replace(root + '/', ''), lines: text.split('\n').length - 1, bytes: text.length, ...r });
  console.log(`${f.replace(root + '/', '')} (${text.split('\n').length - 1} lines, ${(text.length / 1024).toFixed(1)} KiB)`);
  console.log(`  cold start (spawn→initialize)   ${fmt(r.cold)} ms            target ≤ 300`);
  console.log(`  open→diagnostics                ${fmt(r.open)} ms (${r.diagnostics} diagnostics)`);
  console.log(`  edit→diagnostics (full)         ${stat(r.editFull)}   target p95 ≤ ${text.length > 50_000 ? 150 : 20}`);
  console.log(`  edit→diagnostics (incremental)  ${stat(r.editInc)}   (typing in a value: patched parse)`);
  console.log(`  edit→diagnostics (structural)   ${stat(r.editStruct)}   (line added/removed: full re-parse)`);
  console.log(`  hover                           ${stat(r.hover)}   target p95 ≤ 5`);
  console.log(`  inlay hints                     ${stat(r.hints)}   target p95 ≤ 5`);
  console.log(`  code lens                       ${stat(r.lens)}`);
  console.log(`  peak RSS                        ${fmt(r.rss)} MiB\n`);
}
for (const b of ['dist/server.js', 'dist/cli.js', 'dist/client.js']) {
  try {
    console.log(`bundle ${b.padEnd(16)} ${(statSync(resolve(root, b)).size / 1024 / 1024).toFixed(2)} MiB${b === 'dist/server.js' ? '   target ≤ 1.5 MB' : ''}`);
  } catch {
    /* not built */
  }
}
writeFileSync(resolve(out, 'bench.json'), JSON.stringify(results.map(({ editFull, editInc, editStruct, hover, hints, lens, ...r }) => ({ ...r, editStruct: { p50: pct(editStruct, 50), p95: pct(editStruct, 95) }, editFull: { p50: pct(editFull, 50), p95: pct(editFull, 95) }, editInc: { p50: pct(editInc, 50), p95: pct(editInc, 95) }, hover: { p50: pct(hover, 50), p95: pct(hover, 95) }, hints: { p50: pct(hints, 50), p95: pct(hints, 95) }, lens: { p50: pct(lens, 50), p95: pct(lens, 95) } })), null, 2));
console.log(`\nraw figures: .cache/bench/bench.json`);
