/**
 * MaxText `model_name` → the keys its `configs/models/<name>.yml` sets, for models whose MaxText dims are not (or not
 * exactly) a preset in core/presets.ts. Used only when the model file itself cannot be read (a run config outside
 * a MaxText checkout); the file, when readable, always wins. Values are copied key for key from
 * AI-Hypercomputer/maxtext @e591f30 `src/maxtext/configs/models/<name>.yml` (shared/corpus/maxtext/<name>.yml).
 * MaxText's own GPT-3 differs from the paper's (vocab padded to 50,304, a 16,384-row trainable position table), so it
 * is listed here rather than left to the `gpt3-175b` preset.
 */

export type MaxTextValue = number | string | boolean | string[];

export interface MaxTextModel {
  source: string;
  keys: Readonly<Record<string, MaxTextValue>>;
}

const SRC = (name: string): string => `MaxText src/maxtext/configs/models/${name}.yml @e591f30`;

export const MAXTEXT_MODELS: Readonly<Record<string, MaxTextModel>> = {
  'deepseek3-671b': {
    source: SRC('deepseek3-671b'),
    keys: {
      base_emb_dim: 7168,
      base_num_query_heads: 128,
      base_num_kv_heads: 128,
      base_mlp_dim: 18432,
      base_moe_mlp_dim: 2048,
      base_num_decoder_layers: 61,
      first_num_dense_layers: 3,
      mlp_activations: ['silu', 'linear'],
      vocab_size: 129280,
      logits_via_embedding: false,
      num_experts: 256,
      num_experts_per_tok: 8,
      shared_experts: 1,
      decoder_block: 'deepseek',
      attention_type: 'mla',
      q_lora_rank: 1536,
      kv_lora_rank: 512,
      qk_nope_head_dim: 128,
      qk_rope_head_dim: 64,
      v_head_dim: 128,
    },
  },
  'qwen3-235b-a22b': {
    source: SRC('qwen3-235b-a22b'),
    keys: {
      decoder_block: 'qwen3_moe',
      base_emb_dim: 4096,
      base_mlp_dim: 1536,
      base_num_query_heads: 64,
      base_num_kv_heads: 4,
      base_num_decoder_layers: 94,
      head_dim: 128,
      mlp_activations: ['silu', 'linear'],
      vocab_size: 151936,
      num_experts: 128,
      num_experts_per_tok: 8,
      base_moe_mlp_dim: 1536,
    },
  },
  'gpt-oss-20b': {
    source: SRC('gpt-oss-20b'),
    keys: {
      base_emb_dim: 2880,
      base_num_query_heads: 64,
      base_num_kv_heads: 8,
      head_dim: 64,
      attention_bias: true,
      base_mlp_dim: 2880,
      base_moe_mlp_dim: 2880,
      mlp_activations: ['sigmoid', 'linear'],
      mlp_bias: true,
      num_experts: 32,
      num_experts_per_tok: 4,
      base_num_decoder_layers: 24,
      vocab_size: 201088,
      logits_via_embedding: false,
      decoder_block: 'gpt_oss',
    },
  },
  'gpt3-175b': {
    source: SRC('gpt3-175b'),
    keys: {
      base_emb_dim: 12288,
      base_num_query_heads: 96,
      base_num_kv_heads: 96,
      base_mlp_dim: 49152,
      base_num_decoder_layers: 96,
      head_dim: 128,
      trainable_position_size: 16384,
      mlp_activations: ['gelu'],
      vocab_size: 50304,
      logits_via_embedding: true,
      decoder_block: 'gpt3',
    },
  },
};

/** The MaxText model table entry for a `model_name`, if any. */
export function maxTextModel(name: string): MaxTextModel | undefined {
  return Object.prototype.hasOwnProperty.call(MAXTEXT_MODELS, name) ? MAXTEXT_MODELS[name] : undefined;
}
