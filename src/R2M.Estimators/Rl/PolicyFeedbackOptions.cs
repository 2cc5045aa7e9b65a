namespace R2M.Estimators.Rl;

/// <summary>Settings of R2M's policy-feedback aligner (see docs/r2m-choices.md for what the paper leaves open).</summary>
public sealed record PolicyFeedbackOptions
{
    /// <summary>Variant (default R2M; Vanilla turns the aligner off).</summary>
    public AlignerMode Mode { get; init; } = AlignerMode.R2M;
    /// <summary>α in GREBT = (1 − α)·BT + α·GRE (default 0.3).</summary>
    public double Alpha { get; init; } = 0.3;
    /// <summary>Ω, the floor of the blend weight ω(t) on the reward model's own embedding (default 0.6).</summary>
    public double Omega { get; init; } = 0.6;
    /// <summary>Cross-attention width d (default 64; the paper uses 2048 at 8B).</summary>
    public int Width { get; init; } = 64;
    /// <summary>AdamW learning rate of the cross-attention and score head (default 1e-4).</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>ε in the group standardisation of GRE (default 1e-6); groups whose std is below it are skipped.</summary>
    public double Epsilon { get; init; } = 1e-6;

    /// <summary>Policy (HuggingFace folder) to align when the stage runs without earlier stages.</summary>
    public string? PolicyPath { get; init; }
    /// <summary>Reward model (HuggingFace *ForSequenceClassification folder) when the stage runs without earlier stages.</summary>
    public string? RewardModelPath { get; init; }
    /// <summary>Tokenizer of <see cref="PolicyPath"/> when its folder has no tokenizer files (null: read the folder's).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public R2M.MLNet.Tokenization.TokenizerSpec? Tokenizer { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Alpha is < 0 or > 1) throw new ArgumentException($"PolicyFeedbackOptions.Alpha must be in [0, 1], got {Alpha}.");
        if (Omega is < 0 or > 1) throw new ArgumentException($"PolicyFeedbackOptions.Omega must be in [0, 1], got {Omega}.");
        if (Width < 1) throw new ArgumentException($"PolicyFeedbackOptions.Width must be positive, got {Width}.");
    }
}
