// Bundles the VS Code end-to-end suite and its runner (test/e2e) into dist/test/e2e for `npm run test:vscode`.
import { build } from 'esbuild';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };

// The runner runs in plain Node: its dependencies (@vscode/test-electron) stay in node_modules.
await build({ ...common, entryPoints: [resolve(root, 'test/e2e/runTest.ts')], outfile: resolve(root, 'dist/test/e2e/runTest.js'), packages: 'external' });
// The suite runs inside VS Code's extension host, which provides `vscode`.
await build({ ...common, entryPoints: [resolve(root, 'test/e2e/suite/index.ts')], outfile: resolve(root, 'dist/test/e2e/suite/index.js'), external: ['vscode'] });
console.log('built dist/test/e2e/runTest.js, dist/test/e2e/suite/index.js');
