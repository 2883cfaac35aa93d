// A user's-eye UI test in code-server (the VS Code web UI) with the packaged .vsix installed: open examples/, see the
// code lens and the inlay hints, hover a key, open the Problems panel, apply the quick fix from the lightbulb menu.
// Checks visible text, saves screenshots under test-results/. Usage: node ui.cjs <baseUrl> <workspaceFolder> <shotsDir>
const { chromium } = require('playwright-core');
const fs = require('node:fs');
const path = require('node:path');

const [base, folder, shots] = process.argv.slice(2);
const t0 = Date.now();
const lap = (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const text = async (loc) => (await loc.innerText()).replace(/\s+/g, ' ').trim();

(async () => {
  fs.mkdirSync(shots, { recursive: true });
  const profile = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'chrome-profile-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1500, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  const shot = (name) => page.screenshot({ path: path.join(shots, name) });
  let ok = true;
  try {
    await page.goto(`${base}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
    lap('workbench loaded');
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'under-trained-7b.scaling.yaml' }).first();
    await row.waitFor({ timeout: 60000 });
    await row.click();
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines', { hasText: 'global_batch' }).waitFor({ timeout: 30000 });
    lap('under-trained-7b.scaling.yaml open');

    const lens = editor.locator('.codelens-decoration', { hasText: 'Scaling Lens' }).first();
    await lens.waitFor({ timeout: 60000 });
    const lensText = await text(lens);
    lap(`code lens: ${JSON.stringify(lensText)}`);
    if (!/6\.74B params · 21B tokens · 8\.48e20 FLOPs/.test(lensText)) throw new Error(`unexpected code lens ${lensText}`);

    // Inlay hints are injected text; their label is in the DOM of the view lines.
    await page.waitForFunction(() => [...document.querySelectorAll('.view-lines span')].some((s) => /≈\s.*tok\/param/.test(s.textContent || '')), null, { timeout: 30000 });
    const hint = await page.evaluate(() => [...document.querySelectorAll('.view-lines span')].map((s) => s.textContent || '').find((t) => /≈\s.*tok\/param/.test(t)));
    lap(`inlay hint on steps: ${JSON.stringify(hint)}`);
    await page.waitForSelector('.monaco-editor .squiggly-warning', { timeout: 30000 });
    await shot('1-editor.png');

    const steps = editor.locator('.view-line span', { hasText: /^steps$/ }).first();
    const box = await steps.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover:visible', { hasText: 'FLOPs' }).first();
    await hover.waitFor({ timeout: 30000 });
    const hoverText = await text(hover);
    lap(`hover: ${JSON.stringify(hoverText.slice(0, 160))}…`);
    if (!/5,000 × 1,024 × 4,096/.test(hoverText)) throw new Error('hover lacks the token derivation');
    await shot('2-hover.png');

    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel', { hasText: 'Under-trained' }).first();
    await problems.waitFor({ timeout: 30000 });
    lap(`problems: ${JSON.stringify((await text(problems)).slice(0, 160))}`);
    await shot('3-problems.png');

    await steps.click();
    await page.keyboard.press('Control+.');
    const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Set training tokens to compute-optimal' }).first();
    await item.waitFor({ timeout: 30000 });
    lap(`quick fix menu: ${JSON.stringify(await text(page.locator('.action-widget').first()))}`);
    await shot('4-quickfix.png');
    await item.click();
    await page.waitForFunction(() => [...document.querySelectorAll('.view-line')].some((l) => /steps:\s(?!5000)\d+/.test(l.textContent || '')), null, { timeout: 30000 });
    const line = await page.evaluate(() => [...document.querySelectorAll('.view-line')].map((l) => l.textContent || '').find((t) => /steps:/.test(t)));
    lap(`after the fix: ${JSON.stringify(line)}`);
    await page.waitForFunction(() => !document.querySelector('.markers-panel') || !/Under-trained/.test(document.querySelector('.markers-panel').textContent || ''), null, { timeout: 30000 });
    lap('the under-trained warning is gone from the Problems panel');
    await shot('5-fixed.png');
  } catch (e) {
    ok = false;
    console.log(`FAILED: ${String(e.message).split('\n')[0]}`);
    await shot('failure.png').catch(() => {});
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  lap(ok ? 'UI PASS' : 'UI FAIL');
  process.exit(ok ? 0 : 1);
})();
