/**
 * The models `<peft-calculator>` knows by name: dimensions and where each number comes from.
 * Results (parameter counts, memory) are never stored here; `widgets/core/peft-cost.ts`
 * computes them, and tests check the totals land near each model's nominal size.
 *
 * kvDim = key/value heads × head size: equal to dModel under multi-head attention, narrower
 * under grouped-query attention (Llama 2 70B, Llama 3 8B and 70B, Mistral 7B: 8 KV heads × 128 = 1024).
 * gatedMlp: SwiGLU MLPs (LLaMA, Mistral) have gate, up and down matrices; GELU MLPs (GPT, RoBERTa)
 * have up and down only. positions: rows of a learned position-embedding table (0 for RoPE).
 * experts / activeExperts: a mixture-of-experts MLP (Mixtral: 8 experts, top-2); absent for dense models.
 */
import type { ModelPreset } from '../core/peft-cost.ts';

// GPT-3: Table 2.1 gives d_model, layers and heads; §2.1 says d_ff = 4·d_model and n_ctx = 2048,
// and that GPT-3 uses GPT-2's model and tokenizer (vocabulary 50257).
const GPT3 = {
  title: 'GPT-3 paper (Brown et al. 2020), Table 2.1',
  url: 'https://arxiv.org/abs/2005.14165',
};
const LLAMA2 = {
  title: 'Llama 2 paper (Touvron et al. 2023), Table 1',
  url: 'https://arxiv.org/abs/2307.09288',
};
// Llama 3: Table 3 of the paper gives layers, model and FFN dimensions, attention and key/value
// heads; the released config.json adds the exact vocabulary (128,256 tokens, special ones included).
const LLAMA3 = {
  title: 'The Llama 3 Herd of Models (Llama Team, AI @ Meta, 2024), Table 3',
  url: 'https://arxiv.org/abs/2407.21783',
};
const ROBERTA = {
  title: 'RoBERTa paper (Liu et al. 2019)',
  url: 'https://arxiv.org/abs/1907.11692',
};
const hf = (repo: string) => ({
  title: `${repo} config.json`,
  url: `https://huggingface.co/${repo}/blob/main/config.json`,
});

export const PRESETS: readonly ModelPreset[] = [
  {
    id: 'gpt3-175b',
    label: 'GPT-3 175B',
    dModel: 12288,
    layers: 96,
    dFf: 49152,
    kvDim: 12288,
    vocab: 50257,
    heads: 96,
    gatedMlp: false,
    // GPT-3 follows GPT-2, whose output head reuses the token embedding.
    tiedEmbeddings: true,
    positions: 2048,
    sources: [GPT3],
  },
  {
    id: 'llama2-7b',
    label: 'Llama 2 7B',
    dModel: 4096,
    layers: 32,
    dFf: 11008,
    kvDim: 4096,
    vocab: 32000,
    heads: 32,
    gatedMlp: true,
    tiedEmbeddings: false,
    positions: 0,
    sources: [LLAMA2, hf('meta-llama/Llama-2-7b-hf')],
  },
  {
    id: 'llama2-13b',
    label: 'Llama 2 13B',
    dModel: 5120,
    layers: 40,
    dFf: 13824,
    kvDim: 5120,
    vocab: 32000,
    heads: 40,
    gatedMlp: true,
    tiedEmbeddings: false,
    positions: 0,
    sources: [LLAMA2, hf('meta-llama/Llama-2-13b-hf')],
  },
  {
    id: 'llama2-70b',
    label: 'Llama 2 70B',
    dModel: 8192,
    layers: 80,
    dFf: 28672,
    // Grouped-query attention: num_key_value_heads 8 × head size 128.
    kvDim: 1024,
    vocab: 32000,
    heads: 64,
    gatedMlp: true,
    tiedEmbeddings: false,
    positions: 0,
    sources: [LLAMA2, hf('meta-llama/Llama-2-70b-hf')],
  },
  {
    id: 'mistral-7b',
    label: 'Mistral 7B',
    dModel: 4096,
    layers: 32,
    dFf: 14336,
    // Grouped-query attention: n_kv_heads 8 × head_dim 128.
    kvDim: 1024,
    vocab: 32000,
    heads: 32,
    gatedMlp: true,
    tiedEmbeddings: false,
    positions: 0,
    sources: [
      { title: 'Mistral 7B paper (Jiang et al. 2023), Table 1', url: 'https://arxiv.org/abs/2310.06825' },
      hf('mistralai/Mistral-7B-v0.1'),
    ],
  },
  {
    id: 'llama3-8b',
    label: 'Llama 3 8B',
    dModel: 4096,
    layers: 32,
    dFf: 14336,
    // Grouped-query attention: num_key_value_heads 8 × head size 128.
    kvDim: 1024,
    vocab: 128256,
    heads: 32,
    gatedMlp: true,
    tiedEmbeddings: false,
    positions: 0,
    sources: [LLAMA3, hf('meta-llama/Meta-Llama-3-8B')],
  },
  {
    id: 'llama3-70b',
    label: 'Llama 3 70B',
    dModel: 8192,
    layers: 80,
    dFf: 28672,
    // Grouped-query attention: num_key_value_heads 8 × head size 128.
    kvDim: 1024,
    vocab: 128256,
    heads: 64,
    gatedMlp: true,
    tiedEmbeddings: false,
    positions: 0,
    sources: [LLAMA3, hf('meta-llama/Meta-Llama-3-70B')],
  },
  {
    id: 'mixtral-8x7b',
    label: 'Mixtral 8x7B',
    // Mistral 7B's attention with a sparse MLP: 8 SwiGLU experts per layer, each token routed to 2.
    dModel: 4096,
    layers: 32,
    dFf: 14336,
    // Grouped-query attention: num_key_value_heads 8 × head_dim 128.
    kvDim: 1024,
    vocab: 32000,
    heads: 32,
    gatedMlp: true,
    tiedEmbeddings: false,
    positions: 0,
    // num_local_experts and num_experts_per_tok in the config; num_experts and top_k_experts in the paper.
    experts: 8,
    activeExperts: 2,
    sources: [
      { title: 'Mixtral of Experts (Jiang et al. 2024), Table 1', url: 'https://arxiv.org/abs/2401.04088' },
      hf('mistralai/Mixtral-8x7B-v0.1'),
    ],
  },
  {
    id: 'roberta-base',
    label: 'RoBERTa base',
    dModel: 768,
    layers: 12,
    dFf: 3072,
    kvDim: 768,
    vocab: 50265,
    heads: 12,
    gatedMlp: false,
    tiedEmbeddings: true,
    positions: 514,
    sources: [ROBERTA, hf('FacebookAI/roberta-base')],
  },
  {
    id: 'roberta-large',
    label: 'RoBERTa large',
    dModel: 1024,
    layers: 24,
    dFf: 4096,
    kvDim: 1024,
    vocab: 50265,
    heads: 16,
    gatedMlp: false,
    tiedEmbeddings: true,
    positions: 514,
    sources: [ROBERTA, hf('FacebookAI/roberta-large')],
  },
  {
    id: 'gpt2-medium',
    label: 'GPT-2 medium',
    dModel: 1024,
    layers: 24,
    // n_inner is null in the config, meaning 4 × n_embd.
    dFf: 4096,
    kvDim: 1024,
    vocab: 50257,
    heads: 16,
    gatedMlp: false,
    tiedEmbeddings: true,
    positions: 1024,
    sources: [
      {
        title: 'GPT-2 paper (Radford et al. 2019), Table 2',
        url: 'https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf',
      },
      hf('openai-community/gpt2-medium'),
    ],
  },
];
