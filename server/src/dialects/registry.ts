/** Every dialect adapter. Detection picks the highest score; ties go to the earlier entry. */
import type { DialectAdapter } from './types';
import { NATIVE_ADAPTER } from './nativeAdapter';
import { NEMO_ADAPTER } from './nemo';
import { NANOTRON_ADAPTER } from './nanotron';
import { MAXTEXT_ADAPTER } from './maxtext';
import { OLMO_ADAPTER } from './olmo';
import { LEVANTER_ADAPTER } from './levanter';
import { LITGPT_ADAPTER } from './litgpt';
import { TORCHTITAN_ADAPTER } from './torchtitan';
import { HF_ADAPTER } from './hf';
import { ACCELERATE_ADAPTER } from './accelerate';
import { AXOLOTL_ADAPTER } from './axolotl';
import { MISTRAL_FINETUNE_ADAPTER } from './mistralFinetune';
import { NEOX_ADAPTER } from './neox';
import { DEEPSPEED_ADAPTER } from './deepspeed';
import { MEGATRON_ADAPTER } from './megatron';

export const ADAPTERS: readonly DialectAdapter[] = [
  NATIVE_ADAPTER,
  NEMO_ADAPTER,
  NANOTRON_ADAPTER,
  MAXTEXT_ADAPTER,
  OLMO_ADAPTER,
  LEVANTER_ADAPTER,
  LITGPT_ADAPTER,
  TORCHTITAN_ADAPTER,
  HF_ADAPTER,
  ACCELERATE_ADAPTER,
  AXOLOTL_ADAPTER,
  MISTRAL_FINETUNE_ADAPTER,
  NEOX_ADAPTER,
  DEEPSPEED_ADAPTER,
  MEGATRON_ADAPTER,
];
