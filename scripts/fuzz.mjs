// `npm run fuzz [-- --cases N --seed S]`: shared/tools/lspbench's fuzz mode over ../shared/corpus against dist/server.js
// (mutated real configs; counts crashes, request errors and slow requests). The harness is copied into .cache/ and its
// own dependency (vscode-jsonrpc) installed there from the npm registry.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = resolve(root, '../shared/tools/lspbench');
const corpus = resolve(root, '../shared/corpus');
if (!existsSync(src) || !existsSync(corpus)) {
  console.log('fuzz SKIPPED: ../shared/tools/lspbench or ../shared/corpus not present beside the checkout');
  process.exit(0);
}
const dir = resolve(root, '.cache/lspbench-run');
mkdirSync(dir, { recursive: true });
for (const f of ['lspbench.mjs', 'lib.mjs', 'package.json', 'package-lock.json']) cpSync(resolve(src, f), resolve(dir, f));
if (!existsSync(resolve(dir, 'node_modules/vscode-jsonrpc'))) {
  const i = spawnSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  if (i.status !== 0) process.exit(i.status ?? 1);
}
if (!existsSync(resolve(root, 'dist/server.js'))) spawnSync(process.execPath, [resolve(root, 'scripts/build.mjs')], { stdio: 'inherit' });
const args = process.argv.slice(2);
const r = spawnSync(
  process.execPath,
  [resolve(dir, 'lspbench.mjs'), '--server', `node ${resolve(root, 'dist/server.js')} --stdio`, '--fuzz', corpus, '--ext', 'yaml,yml,json,toml', ...(args.includes('--cases') ? [] : ['--cases', '1000']), ...args],
  { stdio: 'inherit', cwd: root },
);
process.exit(r.status ?? 1);
