using R2M.Estimators.Validation;

namespace R2M.Estimators.Training;

/// <summary>Settings of supervised fine-tuning on prompt → chosen.</summary>
public sealed record SupervisedFineTuneOptions
{
    /// <summary>Passes over the training pairs (default 3).</summary>
    public int Epochs { get; init; } = 3;
    /// <summary>Sequences per optimizer step (default 16).</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>AdamW learning rate (default 1e-3, for small models trained from scratch; use ~1e-5 for pretrained ones).</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>AdamW weight decay (default 0).</summary>
    public double WeightDecay { get; init; }
    /// <summary>Gradient-norm clip (default 1).</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>
    /// Compute precision of training (default None: float32). BFloat16 runs forward and backward in bf16 with float32
    /// master weights and optimizer state, and hands back float32 weights (for GPUs with bf16 tensor cores).
    /// </summary>
    public R2M.MLNet.Training.MixedPrecision MixedPrecision { get; init; }
    /// <summary>Longest encoded prompt + response, in tokens (default 256).</summary>
    public int MaxLength { get; init; } = 256;
    /// <summary>HuggingFace folder of the policy to fine-tune; null trains a new policy from scratch (default).</summary>
    public string? PolicyPath { get; init; }
    /// <summary>Shape of a from-scratch policy (default Small).</summary>
    public PolicySize PolicySize { get; init; } = PolicySize.Small;
    /// <summary>Tokenizer of a from-scratch policy (default byte-level); a loaded policy uses its folder's tokenizer.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public R2M.MLNet.Tokenization.TokenizerSpec? Tokenizer { get; init; }
    /// <summary>Fraction of prompts held out for validation, split by a hash of the prompt (default 0.1).</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Receives a report after every epoch.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IProgress<SupervisedFineTuneReport>? Progress { get; init; }
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
        const string c = nameof(SupervisedFineTuneOptions) + ".";
        OptionCheck.Training(c, Epochs, BatchSize, LearningRate, WeightDecay, MaxGradNorm, MaxLength, ValidationFraction, MixedPrecision);
        OptionCheck.Defined(c + nameof(PolicySize), PolicySize);
    }
}
