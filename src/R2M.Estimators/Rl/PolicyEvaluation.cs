using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
using R2M.MLNet.Sequences;
using R2M.MLNet.Tokenization;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>Responses of a policy to evaluation prompts, encoded and decoded as RL and serving do.</summary>
public static class PolicyEvaluation
{
    /// <summary>
    /// One response per prompt, in batches of <paramref name="batchSize"/> (prompts encoded by
    /// <see cref="SequenceCodec"/>). Temperature 0 is greedy; otherwise batch b samples with seed
    /// <paramref name="seed"/> + its first prompt's index. The policy runs in evaluation mode and is left in the mode
    /// it had.
    /// </summary>
    public static IReadOnlyList<string> Generate(CausalLM policy, ITextTokenizer tokenizer, IReadOnlyList<string> prompts,
        int maxNewTokens = 32, double temperature = 0, long seed = 1, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0) throw new ArgumentException("At least one prompt is needed.", nameof(prompts));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNewTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Device device = policy.Body.TokenEmbeddingWeight.device;
        bool wasTraining = policy.training;
        policy.eval();
        try
        {
            var codec = new SequenceCodec(tokenizer);
            int maxPrompt = codec.PromptBudget(policy.Config.MaxPositions, maxNewTokens);
            var responses = new List<string>(prompts.Count);
            for (int start = 0; start < prompts.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var chunk = prompts.Skip(start).Take(batchSize).ToList();
                var (ids, mask) = codec.EncodePrompts(chunk, maxPrompt, device);
                using var result = TextGenerator.Generate(policy, ids, mask, new GenerationOptions
                {
                    MaxNewTokens = maxNewTokens, Temperature = temperature, EosId = tokenizer.EosId, PadId = tokenizer.PadId, Seed = seed + start,
                });
                responses.AddRange(codec.DecodeRows(result.ResponseTokens));
            }
            return responses;
        }
        finally
        {
            if (wasTraining) policy.train();
        }
    }
}
