/** The client validates `scalingLens.*` before the server pulls it: bad fields fall back to defaults. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeSettings } from '../../server/src/core/options';
import { EditorSettingsSchema } from '../../server/src/core/options';

const defaults = EditorSettingsSchema.parse({});

test('valid settings pass through; unknown keys (trace.server) are dropped', () => {
  const { settings, problems } = normalizeSettings({ mfu: 0.5, defaultGpu: 'H100', trace: { server: 'verbose' } });
  assert.deepEqual(problems, []);
  assert.deepEqual(settings, { ...defaults, mfu: 0.5, defaultGpu: 'H100' });
});

test('a bad field falls back to its default, the others are kept', () => {
  const { settings, problems } = normalizeSettings({ mfu: 2, pue: 'x', gridIntensity: 0.2 });
  assert.equal(settings.mfu, defaults.mfu);
  assert.equal(settings.pue, defaults.pue);
  assert.equal(settings.gridIntensity, 0.2);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /^scalingLens\.mfu: .*using the default$/);
});

test('bad map entries and array elements are dropped, not the whole setting', () => {
  const good = { name: 'MyGPU', memoryGiB: 80, bf16Tflops: 900 };
  const { settings, problems } = normalizeSettings({
    prices: { H100: 2.2, A100: -1 },
    customAccelerators: [{ name: 'Bad', memoryGiB: -1, bf16Tflops: 1 }, good, 'nonsense'],
    files: ['**/*.yaml', 3],
  });
  assert.deepEqual(settings.prices, { H100: 2.2 });
  assert.deepEqual(settings.customAccelerators, [good]);
  assert.deepEqual(settings.files, ['**/*.yaml']);
  assert.ok(problems.some((p) => p.startsWith('scalingLens.customAccelerators[0].memoryGiB:')), problems.join('\n'));
  assert.ok(problems.every((p) => p.endsWith('ignoring this entry')));
});

test('a section that is not an object gives the defaults', () => {
  assert.deepEqual(normalizeSettings(undefined), { settings: defaults, problems: [] });
  const { settings, problems } = normalizeSettings(42);
  assert.deepEqual(settings, defaults);
  assert.equal(problems.length, 1);
});
