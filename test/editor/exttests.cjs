// Runs the extension's integration suite (extensionTestsPath) inside the real Node extension host of the VS Code
// server shipped in the code-server npm package (started with --enable-smoke-test-driver), driven by Playwright and
// Debian's Chromium: the workbench reads extensionDevelopmentPath/extensionTestsPath from the `payload` query and
// calls window.codeAutomationExit(code) when the suite ends. Exit code = the suite's result.
// Usage: node exttests.cjs <baseUrl> <workspaceFolder> <extensionDevelopmentPath> <extensionTestsPath.js>
const { chromium } = require('playwright-core');
const fs = require('node:fs');
const path = require('node:path');

const [base, folder, devPath, testsPath] = process.argv.slice(2);
const timeoutMs = Number(process.env.EXTTEST_TIMEOUT_MS || 180000);

(async () => {
  const profile = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'chrome-profile-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  const authority = new URL(base).host;
  const remote = (p) => `vscode-remote://${authority}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(devPath)],
    ['extensionTestsPath', remote(testsPath)],
    ['skipWelcome', 'true'],
  ]);
  let done;
  const exited = new Promise((r) => (done = r));
  await page.exposeFunction('codeAutomationLog', (type, args) => console.log('[ext-host]', type, ...(args || [])));
  await page.exposeFunction('codeAutomationExit', (code) => done(code));
  await page.goto(`${base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`);
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), timeoutMs))]);
  console.log(`extension tests exit code: ${code}`);
  if (code !== 0 && process.env.SHOT) await page.screenshot({ path: process.env.SHOT }).catch(() => {});
  await ctx.close();
  fs.rmSync(profile, { recursive: true, force: true });
  process.exit(code === 0 ? 0 : 1);
})().catch((e) => {
  console.log(`exttests failed: ${e && e.message}`);
  process.exit(1);
});
