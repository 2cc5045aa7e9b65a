using Microsoft.ML;
using R2M.Estimators;
using R2M.Estimators.Pipeline;
using R2M.Estimators.Training;
using R2M.MLNet.Modeling;
using R2M.MLNet.Persistence;
using R2M.MLNet.Serving;
using R2M.MLNet.Tokenization;

namespace R2M.Tests.Infrastructure;

/// <summary>Writes tiny R2M model zips (random weights, no training) for the archive and serving tests.</summary>
internal static class TinyModelZip
{
    private static readonly object Gate = new();

    /// <summary>Saves a tiny model whose weights depend on <paramref name="seed"/>; generation stops after <paramref name="maxNewTokens"/> tokens.</summary>
    public static void Save(string path, int seed, int maxNewTokens = 4, double omega = 0.5)
    {
        // Building the ML.NET graph stand-in is cheap; serialise it so parallel test classes do not share MLContext state.
        lock (Gate)
        {
            var r2m = new MLContext(seed).R2M(); // loads libtorch
            var tokenizer = new ByteLevelTokenizer();
            var policy = PolicyFactory.FromScratch(tokenizer, PolicySize.Tiny, seed: seed);
            var rewardModel = RewardModelFactory.FromPolicy(policy);
            var aligner = new PolicyFeedbackRewardHead(rewardModel.Head, policy.Config.HiddenSize, 8);
            using var model = new R2MModel(policy, TokenizerSpec.ByteLevel, rewardModel, aligner, omega,
                new R2MGenerationDefaults { MaxNewTokens = maxNewTokens });
            r2m.SaveModel(model, path);
        }
    }
}
