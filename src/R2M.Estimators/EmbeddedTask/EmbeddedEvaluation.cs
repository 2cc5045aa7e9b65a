using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
using R2M.MLNet.Tokenization;
using static TorchSharp.torch;

namespace R2M.Estimators.EmbeddedTask;

/// <summary>Measures a policy on the embedded task with the gold judge.</summary>
public static class EmbeddedEvaluation
{
    /// <summary>
    /// Generates one response per prompt (batches of <paramref name="batchSize"/>, [BOS] prompt as RL encodes
    /// it) and returns the responses with the mean gold score. Temperature 0 is greedy.
    /// </summary>
    public static (IReadOnlyList<string> Responses, double MeanGold) Generate(CausalLM policy, ITextTokenizer tokenizer,
        IReadOnlyList<string> prompts, int maxNewTokens = 32, double temperature = 0, long seed = 1, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (prompts.Count == 0) throw new ArgumentException("At least one prompt is needed.", nameof(prompts));
        Device device = policy.Body.TokenEmbeddingWeight.device;
        policy.eval();
        var responses = new List<string>(prompts.Count);
        for (int start = 0; start < prompts.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var chunk = prompts.Skip(start).Take(batchSize).ToList();
            var encoded = chunk.Select(p => (IReadOnlyList<int>)(tokenizer.BosId is int bos ? [bos, .. tokenizer.Encode(p)] : tokenizer.Encode(p).ToList())).ToList();
            var (ids, mask) = PromptBatch.LeftPad(encoded, tokenizer.PadId, device);
            using var result = TextGenerator.Generate(policy, ids, mask, new GenerationOptions
            {
                MaxNewTokens = maxNewTokens, Temperature = temperature, EosId = tokenizer.EosId, PadId = tokenizer.PadId, Seed = seed + start,
            });
            var tokens = result.ResponseTokens.cpu();
            for (int row = 0; row < chunk.Count; row++)
                responses.Add(tokenizer.Decode(tokens[row].data<long>().ToArray().Select(t => (int)t)));
        }
        double gold = Enumerable.Range(0, prompts.Count).Average(i => EmbeddedJudge.Score(prompts[i], responses[i]));
        return (responses, gold);
    }
}
