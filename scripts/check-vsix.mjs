// Checks a built .vsix: size ≤ 2 MB, bundled code only (no node_modules, no sources, no maps), the files a user
// needs present, and the bundled CLI runs from the extracted package.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const vsix = resolve(process.argv[2] ?? 'scaling-lens.vsix');
const size = statSync(vsix).size;
const list = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).trim().split('\n');
const problems = [];
if (size > 2 * 1024 * 1024) problems.push(`size ${size} bytes > 2 MB`);
for (const need of ['extension/package.json', 'extension/readme.md', 'extension/LICENSE.txt', 'extension/images/icon.png', 'extension/dist/client.js', 'extension/dist/server.js', 'extension/dist/cli.js']) {
  if (!list.some((f) => f.toLowerCase() === need.toLowerCase())) problems.push(`missing ${need}`);
}
for (const f of list) if (/node_modules\/|\.ts$|\.map$|(^|\/)test\//.test(f)) problems.push(`unexpected ${f}`);
const dir = mkdtempSync(join(tmpdir(), 'vsix-'));
try {
  execFileSync('unzip', ['-q', vsix, '-d', dir]);
  const out = execFileSync(process.execPath, [join(dir, 'extension/dist/cli.js'), '--version'], { encoding: 'utf8' }).trim();
  if (!/^\d+\.\d+\.\d+/.test(out)) problems.push(`bundled CLI printed ${JSON.stringify(out)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${vsix}: ${(size / 1024).toFixed(0)} KiB, ${list.length} files`);
for (const f of list) console.log(`  ${f}`);
if (problems.length) {
  console.error(`check-vsix FAILED:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('check-vsix: ok');
