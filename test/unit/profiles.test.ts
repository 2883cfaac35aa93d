/** Each dialect gets the memory profile of its framework where that profile is validated; native files choose. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText, DIALECT_PROFILE } from '../../server/src/dialects/index';
import { defaultOptions } from '../../server/src/core/options';

const opts = { options: defaultOptions() };

test('torch-eager frameworks get the measured profiles; the origin says why; native defaults to generic', () => {
  assert.equal(DIALECT_PROFILE['axolotl'], 'hf');
  assert.equal(DIALECT_PROFILE['torchtitan'], 'fsdp2');
  assert.equal(DIALECT_PROFILE['nemo'], undefined);
  const axo = analyzeText('base_model: meta-llama/Meta-Llama-3-8B\nadapter: lora\nlora_r: 16\nsequence_len: 2048\nmicro_batch_size: 1\ngradient_accumulation_steps: 4\nnum_epochs: 1\n', 'lora.yml', opts);
  assert.equal(axo.dialect?.id, 'axolotl');
  assert.equal(axo.analysis?.memory?.profile.id, 'hf');
  assert.match(JSON.stringify(axo.plan?.training.framework?.origin), /Axolotl|axolotl/i);
  const native = analyzeText('model:\n  preset: llama-3-8b\n  seq_len: 2048\ntraining:\n  micro_batch: 1\n', 'x.scaling.yaml', opts);
  assert.equal(native.analysis?.memory?.profile.id, 'generic');
  const chosen = analyzeText('model:\n  preset: llama-3-8b\n  seq_len: 2048\ntraining:\n  micro_batch: 1\n  framework: hf\n', 'x.scaling.yaml', opts);
  assert.equal(chosen.analysis?.memory?.profile.id, 'hf');
});
