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
    /// <summary>Seed of the batch order.</summary>
    public int Seed { get; init; } = 1;
}
