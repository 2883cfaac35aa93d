// Bundles the CLI (and, when present, the language server and the VS Code client) with esbuild.
import { build } from 'esbuild';
import { existsSync, readFileSync, chmodSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  mainFields: ['module', 'main'],
  // Minified always (the server bundle must stay small); linked source maps for stack traces during development.
  sourcemap: production ? false : 'linked',
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  define: { SCALING_LENS_VERSION: JSON.stringify(pkg.version) },
  legalComments: 'none',
};

const entries = [
  { in: 'server/src/cli/index.ts', out: 'dist/cli.js', executable: true },
  { in: 'server/src/lsp/main.ts', out: 'dist/server.js' },
  { in: 'client/src/extension.ts', out: 'dist/client.js', external: ['vscode'] },
];

for (const e of entries) {
  if (!existsSync(resolve(root, e.in))) continue;
  await build({
    ...common,
    entryPoints: [resolve(root, e.in)],
    outfile: resolve(root, e.out),
    external: e.external ?? [],
  });
  if (e.executable) chmodSync(resolve(root, e.out), 0o755);
}
console.log(`built ${entries.filter((e) => existsSync(resolve(root, e.in))).map((e) => e.out).join(', ')}`);
