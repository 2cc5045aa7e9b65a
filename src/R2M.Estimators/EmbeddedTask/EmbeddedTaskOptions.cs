namespace R2M.Estimators.EmbeddedTask;

/// <summary>Sizes and label flaws of the generated embedded task. Defaults fit a 2-core CPU run of a few minutes.</summary>
public sealed record EmbeddedTaskOptions
{
    /// <summary>Share of instructions held out for evaluation, per task kind (default 0.2).</summary>
    public double EvalFraction { get; init; } = 0.2;
    /// <summary>SFT training pairs, from the training instructions (default 6000).</summary>
    public int SftPairs { get; init; } = 6000;
    /// <summary>SFT validation pairs, good answers to the evaluation instructions (default 200).</summary>
    public int SftValidationPairs { get; init; } = 200;
    /// <summary>
    /// Share of SFT answers that are mediocre — wrong or truncated in equal parts — so that the SFT policy is
    /// imperfect and RL has room to improve (default 0.8: the SFT policy's sampled gold on the RL prompts is then
    /// about 0.65; docs/embedded-task.md).
    /// </summary>
    public double MediocreFraction { get; init; } = 0.8;
    /// <summary>
    /// Share of the mediocre SFT answers that are wrong (a wrong word); the rest are cut short (default 0.5).
    /// </summary>
    public double WrongShare { get; init; } = 0.5;
    /// <summary>Preference pairs for reward-model training, from the training instructions (default 4000).</summary>
    public int PreferencePairs { get; init; } = 4000;
    /// <summary>Preference pairs for validation, from the evaluation instructions (default 400).</summary>
    public int ValidationPreferencePairs { get; init; } = 400;
    /// <summary>Probability that a preference label is flipped (default 0.2); see <see cref="EmbeddedLabeller"/>.</summary>
    public double NoiseRate { get; init; } = 0.2;
    /// <summary>Gold gap within which the labeller prefers the longer answer (default 0.2); see <see cref="EmbeddedLabeller"/>.</summary>
    public double LengthBias { get; init; } = 0.2;

    /// <summary>
    /// Rounds of <see cref="EmbeddedTaskData.LabelPolicySamples"/>: pairs of the SFT policy's own samples on every
    /// training prompt, labelled by the same labeller, added to the reward model's data (default 30, about 2,200 pairs).
    /// </summary>
    public int PolicySampleRounds { get; init; } = 30;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(EvalFraction > 0 && EvalFraction < 1)) throw new ArgumentException($"EmbeddedTaskOptions.EvalFraction must be in (0, 1), got {EvalFraction}.");
        if (SftPairs < 1) throw new ArgumentException($"EmbeddedTaskOptions.SftPairs must be at least 1, got {SftPairs}.");
        if (SftValidationPairs < 0) throw new ArgumentException($"EmbeddedTaskOptions.SftValidationPairs must be >= 0, got {SftValidationPairs}.");
        if (!(MediocreFraction >= 0 && MediocreFraction <= 1)) throw new ArgumentException($"EmbeddedTaskOptions.MediocreFraction must be in [0, 1], got {MediocreFraction}.");
        if (!(WrongShare >= 0 && WrongShare <= 1)) throw new ArgumentException($"EmbeddedTaskOptions.WrongShare must be in [0, 1], got {WrongShare}.");
        if (PreferencePairs < 1) throw new ArgumentException($"EmbeddedTaskOptions.PreferencePairs must be at least 1, got {PreferencePairs}.");
        if (ValidationPreferencePairs < 0) throw new ArgumentException($"EmbeddedTaskOptions.ValidationPreferencePairs must be >= 0, got {ValidationPreferencePairs}.");
        if (!(NoiseRate >= 0 && NoiseRate <= 0.5)) throw new ArgumentException($"EmbeddedTaskOptions.NoiseRate must be in [0, 0.5], got {NoiseRate}.");
        if (PolicySampleRounds < 0) throw new ArgumentException($"EmbeddedTaskOptions.PolicySampleRounds must be >= 0, got {PolicySampleRounds}.");
        if (!(LengthBias >= 0 && LengthBias <= 1)) throw new ArgumentException($"EmbeddedTaskOptions.LengthBias must be in [0, 1], got {LengthBias}.");
    }
}
