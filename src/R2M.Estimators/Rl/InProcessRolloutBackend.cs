using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
using R2M.MLNet.Sequences;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>Samples rollouts with the policy in this process (the default backend).</summary>
public sealed class InProcessRolloutBackend(CausalLM policy, SequenceCodec codec, PolicyOptimizationOptions options) : IRolloutBackend
{
    /// <inheritdoc />
    public GeneratedRollouts Generate(int step, IReadOnlyList<string> prompts)
    {
        using var noGrad = no_grad();
        Device device = policy.Body.TokenEmbeddingWeight.device;
        int maxPrompt = codec.PromptBudget(policy.Config.MaxPositions, options.MaxNewTokens);
        var (ids, mask) = codec.EncodePrompts(prompts, maxPrompt, device);
        using var generated = TextGenerator.Generate(policy, ids, mask, new GenerationOptions
        {
            MaxNewTokens = options.MaxNewTokens, Temperature = options.Temperature, TopK = options.TopK, TopP = options.TopP,
            EosId = codec.Tokenizer.EosId, PadId = codec.Tokenizer.PadId, Seed = RlSeeds.Sampling(options.Seed, step),
        });
        return new GeneratedRollouts(generated.Sequences.clone(), generated.AttentionMask.clone(), generated.PromptLength,
            codec.DecodeRows(generated.ResponseTokens));
    }
}
