using R2M.MLNet.IO;

namespace R2M.MLNet.Modeling;

/// <summary>
/// Checks a parsed config against <see cref="ModelFileLimits"/> and against itself (positive epsilons, token ids
/// inside the vocabulary) before any module is built, so a hostile config.json costs no memory.
/// </summary>
internal static class HfConfigBounds
{
    public static void Check(CausalLMConfig c, HfConfigFieldReader r)
    {
        bool gpt2 = c.Family == ModelFamily.Gpt2;
        Range(c.VocabSize, 1, ModelFileLimits.MaxVocab, "vocab_size");
        Range(c.HiddenSize, 1, ModelFileLimits.MaxWidth, gpt2 ? "n_embd" : "hidden_size");
        Range(c.NumLayers, 1, ModelFileLimits.MaxLayers, gpt2 ? "n_layer" : "num_hidden_layers");
        Range(c.NumHeads, 1, ModelFileLimits.MaxHeads, gpt2 ? "n_head" : "num_attention_heads");
        Range(c.NumKeyValueHeads, 1, ModelFileLimits.MaxHeads, gpt2 ? "n_head" : "num_key_value_heads");
        Range(c.HeadDim, 0, ModelFileLimits.MaxWidth, "head_dim");
        Range(c.IntermediateSize, 1, ModelFileLimits.MaxIntermediate, gpt2 ? "n_inner" : "intermediate_size");
        Range(c.MaxPositions, 1, ModelFileLimits.MaxPositions, gpt2 ? "n_positions" : "max_position_embeddings");
        string eps = gpt2 ? "layer_norm_epsilon" : "rms_norm_eps";
        if (!(c.NormEps > 0) || !(c.NormEps < 1)) throw r.Bad(eps, $"must be a positive number below 1, got {c.NormEps}");
        // Ids past this model's vocabulary are kept as read: transformers' GPT-2 defaults (50256) sit in the configs of
        // tiny test checkpoints with 1,000-token vocabularies, and nothing indexes with these ids. Negative ids and
        // ids no vocabulary here can have are refused.
        foreach (var (id, field) in new[] { (c.BosTokenId, "bos_token_id"), (c.EosTokenId, "eos_token_id"), (c.PadTokenId, "pad_token_id") })
        {
            if (id is int v && (v < 0 || v >= ModelFileLimits.MaxVocab)) throw r.Bad(field, $"{v} is not a token id (outside [0, {ModelFileLimits.MaxVocab}))");
        }

        void Range(int value, int min, int max, string field)
        {
            if (value < min || value > max) throw r.Bad(field, $"{value} is outside [{min}, {max}] (see docs/reliability.md for the bounds)");
        }
    }
}
