using R2M.Estimators.Validation;

namespace R2M.Estimators.Rl;

/// <summary>Settings of RL fine-tuning (PPO, RLOO, GRPO). Defaults suit small policies on CPU.</summary>
public sealed record PolicyOptimizationOptions
{
    /// <summary>The algorithm (default RLOO).</summary>
    public RlAlgorithm Algorithm { get; init; } = RlAlgorithm.Rloo;
    /// <summary>RL steps T (default 100).</summary>
    public int Steps { get; init; } = 100;
    /// <summary>Prompts per step (default 8).</summary>
    public int PromptsPerStep { get; init; } = 8;
    /// <summary>Samples per prompt K, a group (default 4; at least 2 for RLOO and GRPO).</summary>
    public int SamplesPerPrompt { get; init; } = 4;
    /// <summary>Most tokens generated per response (default 32).</summary>
    public int MaxNewTokens { get; init; } = 32;
    /// <summary>Sampling temperature, also applied to the logits of training forwards (default 0.7 as in the paper).</summary>
    public double Temperature { get; init; } = 0.7;
    /// <summary>Top-k for sampling (0 = off).</summary>
    public int TopK { get; init; }
    /// <summary>Top-p for sampling (1 = off).</summary>
    public double TopP { get; init; } = 1.0;
    /// <summary>Policy AdamW learning rate (default 1e-4 for small policies; the paper uses 1e-6…6e-6 at 8B).</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>Policy epochs k per batch (default 2, as in the paper).</summary>
    public int PolicyEpochs { get; init; } = 2;
    /// <summary>Minibatches per epoch (default 2).</summary>
    public int MiniBatches { get; init; } = 2;
    /// <summary>PPO ratio clip ε (default 0.2).</summary>
    public double ClipRange { get; init; } = 0.2;
    /// <summary>Value clip for PPO (default 0.2).</summary>
    public double ValueClipRange { get; init; } = 0.2;
    /// <summary>Value-loss coefficient for PPO (default 0.1).</summary>
    public double ValueCoefficient { get; init; } = 0.1;
    /// <summary>Discount γ for GAE (default 1).</summary>
    public double Gamma { get; init; } = 1.0;
    /// <summary>GAE λ (default 0.95).</summary>
    public double Lambda { get; init; } = 0.95;
    /// <summary>Entropy bonus coefficient (default 0).</summary>
    public double EntropyCoefficient { get; init; }
    /// <summary>Where the KL to the reference enters (default in the reward).</summary>
    public KlMode KlMode { get; init; } = KlMode.InReward;
    /// <summary>KL coefficient β (default 0.05), the initial value when adaptive.</summary>
    public double KlCoefficient { get; init; } = 0.05;
    /// <summary>Adaptive KL controller target (null = fixed β).</summary>
    public double? KlTarget { get; init; }
    /// <summary>Adaptive KL controller horizon, in samples (default 10000).</summary>
    public double KlHorizon { get; init; } = 10000;
    /// <summary>Gradient-norm clip (default 1).</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>Score normalisation before advantages (default none).</summary>
    public RewardNormalization RewardNormalization { get; init; } = RewardNormalization.None;
    /// <summary>Added to the score of a response that ended without EOS (null = off; e.g. −1).</summary>
    public double? MissingEosPenalty { get; init; }
    /// <summary>
    /// Precision of the policy's training (default none: float32). BFloat16 computes in bf16 with float32 master
    /// weights and AdamW state; the policy comes back in float32 when training ends.
    /// </summary>
    public R2M.MLNet.Training.MixedPrecision MixedPrecision { get; init; }
    /// <summary>
    /// Prompts per rollout chunk, the unit a backend samples and a cluster dispatches to one worker (null = all of
    /// the step's prompts, one chunk). Each chunk has its own seed from (seed, step, chunk index), so the responses
    /// depend on this value but not on the backend or the worker.
    /// </summary>
    public int? RolloutChunkPrompts { get; init; }
    /// <summary>Seed: prompt order, sampling, noise; everything random follows from it and the step.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Receives each step's metrics.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IProgress<RlStepMetrics>? Progress { get; init; }
    /// <summary>Appends each step's metrics to this JSONL file as training runs (null = none).</summary>
    public string? MetricsLogPath { get; init; }
    /// <summary>A ground-truth judge, logged as gold/score (null = none).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public GoldJudge? GoldJudge { get; init; }
    /// <summary>
    /// Prompts the policy answers greedily every <see cref="EvaluationInterval"/> steps and after the last step (null =
    /// none): their mean response length is logged as eval/mean_length and, with <see cref="GoldJudge"/>, their mean
    /// gold score as eval/gold_greedy. Held-out prompts show what the policy does with what it learnt, not on the
    /// prompts it trains on.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string>? EvaluationPrompts { get; init; }
    /// <summary>Steps between evaluations on <see cref="EvaluationPrompts"/> (default 5).</summary>
    public int EvaluationInterval { get; init; } = 5;
    /// <summary>Stops training between two RL steps; Fit then throws <see cref="OperationCanceledException"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of its range, its value and
    /// the range. Called by the estimator's constructor.
    /// </summary>
    public void Validate()
    {
        const string c = nameof(PolicyOptimizationOptions) + ".";
        OptionCheck.Defined(c + nameof(Algorithm), Algorithm);
        OptionCheck.AtLeast(c + nameof(Steps), Steps, 1);
        OptionCheck.AtLeast(c + nameof(PromptsPerStep), PromptsPerStep, 1);
        if (RolloutChunkPrompts is int chunk) OptionCheck.Between(c + nameof(RolloutChunkPrompts), chunk, 1, PromptsPerStep);
        OptionCheck.AtLeast(c + nameof(SamplesPerPrompt), SamplesPerPrompt, Algorithm == RlAlgorithm.Ppo ? 1 : 2);
        OptionCheck.AtLeast(c + nameof(MaxNewTokens), MaxNewTokens, 1);
        OptionCheck.Positive(c + nameof(Temperature), Temperature);
        OptionCheck.AtLeast(c + nameof(TopK), TopK, 0);
        OptionCheck.InRange(c + nameof(TopP), TopP, double.Epsilon, 1);
        OptionCheck.Positive(c + nameof(LearningRate), LearningRate);
        OptionCheck.AtLeast(c + nameof(PolicyEpochs), PolicyEpochs, 1);
        OptionCheck.Between(c + nameof(MiniBatches), MiniBatches, 1, PromptsPerStep * SamplesPerPrompt);
        OptionCheck.Positive(c + nameof(ClipRange), ClipRange);
        OptionCheck.Positive(c + nameof(ValueClipRange), ValueClipRange);
        OptionCheck.NonNegative(c + nameof(ValueCoefficient), ValueCoefficient);
        OptionCheck.InRange(c + nameof(Gamma), Gamma, 0, 1);
        OptionCheck.InRange(c + nameof(Lambda), Lambda, 0, 1);
        OptionCheck.NonNegative(c + nameof(EntropyCoefficient), EntropyCoefficient);
        OptionCheck.Defined(c + nameof(KlMode), KlMode);
        OptionCheck.NonNegative(c + nameof(KlCoefficient), KlCoefficient);
        if (KlTarget is double target) OptionCheck.Positive(c + nameof(KlTarget), target);
        OptionCheck.Positive(c + nameof(KlHorizon), KlHorizon);
        OptionCheck.AtLeast(c + nameof(EvaluationInterval), EvaluationInterval, 1);
        if (EvaluationPrompts is { Count: 0 }) throw new ArgumentOutOfRangeException(c + nameof(EvaluationPrompts), "PolicyOptimizationOptions.EvaluationPrompts is empty: give at least one prompt, or null for no evaluation.");
        OptionCheck.Positive(c + nameof(MaxGradNorm), MaxGradNorm);
        OptionCheck.Defined(c + nameof(RewardNormalization), RewardNormalization);
        OptionCheck.Defined(c + nameof(MixedPrecision), MixedPrecision);
        if (MissingEosPenalty is double penalty && !double.IsFinite(penalty))
            throw new ArgumentOutOfRangeException(c + nameof(MissingEosPenalty), penalty, $"{c}{nameof(MissingEosPenalty)} must be finite or null; got {penalty}.");
    }
}
