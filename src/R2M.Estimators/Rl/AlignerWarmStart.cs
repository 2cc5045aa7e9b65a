using R2M.Estimators.Training;
using R2M.MLNet.Data;
using R2M.MLNet.Modeling;
using R2M.MLNet.Rewards;
using R2M.MLNet.Tokenization;
using R2M.MLNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// The offline warm start of R2M's aligner (beyond the paper; off by default): before RL, the cross-attention and
/// φ are fitted on the preference pairs with Bradley–Terry, −log σ(r(chosen) − r(rejected)), where each reward is
/// R2M's blend at ω = Ω over the given policy's feedback. The reward-model body and the policy stay frozen.
/// </summary>
public static class AlignerWarmStart
{
    /// <summary>Pairs per optimizer step.</summary>
    public const int BatchSize = 16;

    /// <summary>
    /// Trains <paramref name="aligner"/> in place for <see cref="PolicyFeedbackOptions.WarmStartEpochs"/> epochs over
    /// <paramref name="pairs"/> (AdamW at <see cref="PolicyFeedbackOptions.LearningRate"/>, pairs shuffled from
    /// <see cref="PolicyFeedbackOptions.Seed"/>) and returns each epoch's mean loss. No epochs: returns none.
    /// </summary>
    public static IReadOnlyList<double> Fit(PolicyFeedbackRewardHead aligner, SequenceScoreModel rewardModel, CausalLM policy,
        ITextTokenizer tokenizer, IReadOnlyList<PreferencePair> pairs, PolicyFeedbackOptions options, ITextTokenizer? rewardTokenizer = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(aligner);
        ArgumentNullException.ThrowIfNull(pairs);
        options.Validate();
        if (options.WarmStartEpochs == 0) return [];
        if (pairs.Count == 0) throw new ArgumentException("The aligner's warm start needs preference pairs; got none.", nameof(pairs));
        var reward = new RewardFunction(rewardModel, rewardTokenizer ?? tokenizer, policy, tokenizer, new AlignedRewardHead(aligner, trainable: true));
        bool policyWasTraining = policy.training;
        policy.eval();
        rewardModel.eval();
        var frozen = policy.parameters().Concat(rewardModel.parameters()).Select(p => (p, p.requires_grad)).ToList();
        foreach (var (p, _) in frozen) p.requires_grad = false;
        using var optimizer = new HeldScalarOptimizers.AdamW(aligner.parameters(), lr: options.LearningRate);
        var random = new Random(RlSeeds.WarmStart(options.Seed));
        double omega = options.Omega;
        var losses = new List<double>();
        try
        {
            for (int epoch = 0; epoch < options.WarmStartEpochs; epoch++)
            {
                double sum = 0;
                int batches = 0;
                foreach (var batch in Minibatches.Shuffled(pairs.Count, BatchSize, random))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var prompts = batch.Select(i => pairs[i].Prompt).ToList();
                    var chosen = batch.Select(i => pairs[i].Chosen).ToList();
                    var rejected = batch.Select(i => pairs[i].Rejected).ToList();
                    using var chosenFeedback = reward.Feedback(prompts, chosen, omega);
                    using var rejectedFeedback = reward.Feedback(prompts, rejected, omega);
                    var margin = reward.Rewards(reward.Embed(prompts, chosen), chosenFeedback, omega)
                               - reward.Rewards(reward.Embed(prompts, rejected), rejectedFeedback, omega);
                    var loss = -nn.functional.logsigmoid(margin).mean();
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    sum += loss.item<float>();
                    batches++;
                }
                losses.Add(sum / batches);
            }
        }
        finally
        {
            foreach (var (p, requiresGrad) in frozen) p.requires_grad = requiresGrad;
            if (policyWasTraining) policy.train();
        }
        return losses;
    }
}
