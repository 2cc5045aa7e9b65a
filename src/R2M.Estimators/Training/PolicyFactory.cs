using R2M.MLNet.Modeling;
using R2M.MLNet.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Estimators.Training;

/// <summary>Creates the initial policy when the user brings no model: a Llama-shaped decoder for a tokenizer.</summary>
public static class PolicyFactory
{
    /// <summary>The config of a from-scratch policy of <paramref name="size"/> for <paramref name="tokenizer"/>.</summary>
    public static CausalLMConfig Config(ITextTokenizer tokenizer, PolicySize size, int maxPositions = 512)
    {
        var (layers, d, heads, kv) = size switch
        {
            PolicySize.Tiny => (2, 64, 4, 2),
            PolicySize.Small => (4, 128, 4, 2),
            _ => (4, 256, 8, 4),
        };
        return CausalLMConfig.Llama(tokenizer.VocabSize, d, layers, heads, kv, intermediateSize: 8 * d / 3 / 16 * 16 + 16,
            maxPositions: maxPositions, tieWordEmbeddings: true) with
        {
            BosTokenId = tokenizer.BosId, EosTokenId = tokenizer.EosId, PadTokenId = tokenizer.PadId,
        };
    }

    /// <summary>A randomly initialised policy (seeded) on <paramref name="device"/>.</summary>
    public static CausalLM FromScratch(ITextTokenizer tokenizer, PolicySize size, int seed, Device? device = null)
    {
        manual_seed(seed);
        var model = new CausalLM(Config(tokenizer, size));
        if (device is not null) model.to(device);
        return model;
    }

    /// <summary>An independent copy with the same weights (the frozen reference policy).</summary>
    public static CausalLM Clone(CausalLM policy)
    {
        var copy = new CausalLM(policy.Config);
        using (no_grad())
        {
            var source = policy.state_dict();
            foreach (var (key, tensor) in copy.state_dict()) tensor.copy_(source[key]);
        }
        copy.to(policy.Body.TokenEmbeddingWeight.device);
        copy.eval();
        return copy;
    }
}
