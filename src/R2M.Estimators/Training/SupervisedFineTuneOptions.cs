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
}
