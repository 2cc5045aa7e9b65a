using R2M.Estimators.Rl;
using R2M.MLNet.Data;
using R2M.MLNet.Modeling;
using R2M.MLNet.Tokenization;

namespace R2M.Estimators.EmbeddedTask;

/// <summary>Measures a policy on the embedded task with the gold judge.</summary>
public static class EmbeddedEvaluation
{
    /// <summary>
    /// One response per prompt (<see cref="PolicyEvaluation.Generate"/>: encoded as RL and serving encode them) and
    /// their mean gold score. Temperature 0 is greedy.
    /// </summary>
    public static (IReadOnlyList<string> Responses, double MeanGold) Generate(CausalLM policy, ITextTokenizer tokenizer,
        IReadOnlyList<string> prompts, int maxNewTokens = 32, double temperature = 0, long seed = 1, int batchSize = 64)
    {
        var responses = PolicyEvaluation.Generate(policy, tokenizer, prompts, maxNewTokens, temperature, seed, batchSize);
        double gold = Enumerable.Range(0, prompts.Count).Average(i => EmbeddedJudge.Score(prompts[i], responses[i]));
        return (responses, gold);
    }

    /// <summary>
    /// Pairs of responses the policy itself writes, labelled by <paramref name="judge"/>: each of
    /// <paramref name="rounds"/> rounds samples two responses per prompt at <paramref name="temperature"/>
    /// (seeds derived from <paramref name="seed"/>) and keeps the pair, ordered by gold, when their gold differs.
    /// A scorer's accuracy on them is its on-policy gold accuracy (what RL meets, unlike generated candidates).
    /// </summary>
    public static IReadOnlyList<PreferencePair> SampleGoldPairs(CausalLM policy, ITextTokenizer tokenizer, IReadOnlyList<string> prompts,
        GoldJudge judge, int rounds = 1, int maxNewTokens = 32, double temperature = 0.7, long seed = 1)
    {
        ArgumentNullException.ThrowIfNull(judge);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var pairs = new List<PreferencePair>();
        for (int round = 0; round < rounds; round++)
        {
            var a = Generate(policy, tokenizer, prompts, maxNewTokens, temperature, seed * 7919 + 2 * round).Responses;
            var b = Generate(policy, tokenizer, prompts, maxNewTokens, temperature, seed * 7919 + 2 * round + 1).Responses;
            for (int i = 0; i < prompts.Count; i++)
            {
                double ga = judge(prompts[i], a[i]), gb = judge(prompts[i], b[i]);
                if (ga != gb) pairs.Add(ga > gb ? new PreferencePair(prompts[i], a[i], b[i]) : new PreferencePair(prompts[i], b[i], a[i]));
            }
        }
        return pairs;
    }
}
