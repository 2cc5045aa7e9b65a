using R2M.Estimators.Validation;

namespace R2M.Estimators.Training;

/// <summary>Settings of reward-model training with the Bradley–Terry loss.</summary>
public sealed record RewardModelOptions
{
    /// <summary>Most passes over the training pairs (default 2); early stopping may end sooner.</summary>
    public int Epochs { get; init; } = 2;
    /// <summary>Pairs per optimizer step (default 8; each pair is two sequences).</summary>
    public int BatchSize { get; init; } = 8;
    /// <summary>AdamW learning rate (default 5e-4 for small models from scratch; ~1e-5 for pretrained bodies).</summary>
    public double LearningRate { get; init; } = 5e-4;
    /// <summary>AdamW weight decay (default 0.01).</summary>
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>Gradient-norm clip (default 1).</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>
    /// Compute precision of training (default None: float32). BFloat16 runs forward and backward in bf16 with float32
    /// master weights and optimizer state, and hands back float32 weights (for GPUs with bf16 tensor cores).
    /// </summary>
    public R2M.MLNet.Training.MixedPrecision MixedPrecision { get; init; }
    /// <summary>Longest encoded prompt + response, in tokens (default 256).</summary>
    public int MaxLength { get; init; } = 256;
    /// <summary>
    /// Reward centering: adds coefficient · mean((r_c + r_r)²) to the loss, pulling rewards toward zero mean
    /// (0 = off, default).
    /// </summary>
    public double CenterRewardsCoefficient { get; init; }
    /// <summary>Stop after this many epochs without a lower validation loss, keeping the best weights (default 1; 0 = never stop early).</summary>
    public int EarlyStoppingPatience { get; init; } = 1;
    /// <summary>
    /// HuggingFace folder for the reward model: a *ForSequenceClassification checkpoint (trained further here)
    /// or a causal LM (its body, with a new head). Null initialises the body from the policy (default).
    /// </summary>
    public string? CheckpointPath { get; init; }
    /// <summary>Policy (HuggingFace folder) when no SupervisedFineTune stage runs before; null fine-tunes a small policy from scratch on Prompt → Chosen first.</summary>
    public string? PolicyPath { get; init; }
    /// <summary>Fraction of prompts held out for validation, split by a hash of the prompt (default 0.1).</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Receives a report after every epoch.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IProgress<RewardModelEpochReport>? Progress { get; init; }
    /// <summary>Seed of the batch order.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>
    /// Stops training before the next batch (checked before the first one too), also when the stage runs inside a
    /// pipeline's Fit; training then throws <see cref="OperationCanceledException"/>.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of its range, its value and
    /// the range. Called by the estimator's constructor.
    /// </summary>
    public void Validate()
    {
        const string c = nameof(RewardModelOptions) + ".";
        OptionCheck.Training(c, Epochs, BatchSize, LearningRate, WeightDecay, MaxGradNorm, MaxLength, ValidationFraction, MixedPrecision);
        OptionCheck.NonNegative(c + nameof(CenterRewardsCoefficient), CenterRewardsCoefficient);
        OptionCheck.AtLeast(c + nameof(EarlyStoppingPatience), EarlyStoppingPatience, 0);
    }
}
