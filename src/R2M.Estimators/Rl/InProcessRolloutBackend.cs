using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
using R2M.MLNet.Sequences;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// Samples rollouts with the policy in this process (the default backend), chunk after chunk. A cluster's
/// workers call <see cref="GenerateChunk"/> on their own copy of the policy, so both give the same tokens.
/// </summary>
public sealed class InProcessRolloutBackend(CausalLM policy, SequenceCodec codec, PolicyOptimizationOptions options) : IRolloutBackend
{
    /// <inheritdoc />
    public IReadOnlyList<GeneratedRollouts> Generate(int step, IReadOnlyList<RolloutChunk> chunks, IDictionary<string, double> metrics) =>
        chunks.Select(GenerateChunk).ToArray();

    /// <summary>Samples one response per row of <paramref name="chunk"/> under the chunk's seed.</summary>
    public GeneratedRollouts GenerateChunk(RolloutChunk chunk)
    {
        using var noGrad = no_grad();
        Device device = policy.Body.TokenEmbeddingWeight.device;
        int maxPrompt = codec.PromptBudget(policy.Config.MaxPositions, options.MaxNewTokens);
        var (ids, mask) = codec.EncodePrompts(chunk.Prompts, maxPrompt, device);
        using var generated = TextGenerator.Generate(policy, ids, mask, new GenerationOptions
        {
            MaxNewTokens = options.MaxNewTokens, Temperature = options.Temperature, TopK = options.TopK, TopP = options.TopP,
            EosId = codec.Tokenizer.EosId, PadId = codec.Tokenizer.PadId, Seed = chunk.Seed,
        });
        return new GeneratedRollouts(generated.Sequences.clone(), generated.AttentionMask.clone(), generated.PromptLength,
            codec.DecodeRows(generated.ResponseTokens));
    }
}
