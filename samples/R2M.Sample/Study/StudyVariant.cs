using R2M.Estimators.Rl;

namespace R2M.Sample;

/// <summary>The two label arms of the study: the task's labels with their length bias, and with noise only.</summary>
internal enum LabelArm
{
    /// <summary>20% flipped labels and the length bias (the task's default labeller).</summary>
    LengthBiased,
    /// <summary>20% flipped labels, no length bias.</summary>
    NoiseOnly,
}

/// <summary>One arm of the study: label arm, RL algorithm, aligner mode and whether the aligner is warm-started.</summary>
internal sealed record StudyVariant(string Name, LabelArm Arm, RlAlgorithm Algorithm, AlignerMode Mode, bool WarmStart = false)
{
    /// <summary>The baseline this variant's paired differences are taken to: vanilla with the same arm and algorithm.</summary>
    public bool IsBaseline => Mode == AlignerMode.Vanilla;

    /// <summary>
    /// Every variant: all eight with RLOO on the length-biased labels (the oracle before policy is the instrument check); vanilla, R2M and the oracle with GRPO, and with
    /// RLOO on the noise-only labels.
    /// </summary>
    public static IReadOnlyList<StudyVariant> All { get; } =
    [
        new("RLOO vanilla", LabelArm.LengthBiased, RlAlgorithm.Rloo, AlignerMode.Vanilla),
        new("RLOO + R2M", LabelArm.LengthBiased, RlAlgorithm.Rloo, AlignerMode.R2M),
        new("RLOO + oracle R2M", LabelArm.LengthBiased, RlAlgorithm.Rloo, AlignerMode.Oracle),
        new("RLOO + oracle before policy", LabelArm.LengthBiased, RlAlgorithm.Rloo, AlignerMode.OracleBeforePolicy),
        new("RLOO + R2M w/o train", LabelArm.LengthBiased, RlAlgorithm.Rloo, AlignerMode.WithoutTrain),
        new("RLOO + R2M w/ noise", LabelArm.LengthBiased, RlAlgorithm.Rloo, AlignerMode.WithNoise),
        new("RLOO + head-only iterative", LabelArm.LengthBiased, RlAlgorithm.Rloo, AlignerMode.HeadOnlyIterative),
        new("RLOO + R2M warm start", LabelArm.LengthBiased, RlAlgorithm.Rloo, AlignerMode.R2M, WarmStart: true),
        new("GRPO vanilla", LabelArm.LengthBiased, RlAlgorithm.Grpo, AlignerMode.Vanilla),
        new("GRPO + R2M", LabelArm.LengthBiased, RlAlgorithm.Grpo, AlignerMode.R2M),
        new("GRPO + oracle R2M", LabelArm.LengthBiased, RlAlgorithm.Grpo, AlignerMode.Oracle),
        new("RLOO vanilla (noise-only labels)", LabelArm.NoiseOnly, RlAlgorithm.Rloo, AlignerMode.Vanilla),
        new("RLOO + R2M (noise-only labels)", LabelArm.NoiseOnly, RlAlgorithm.Rloo, AlignerMode.R2M),
        new("RLOO + oracle R2M (noise-only labels)", LabelArm.NoiseOnly, RlAlgorithm.Rloo, AlignerMode.Oracle),
    ];

    /// <summary>
    /// The variants named in <paramref name="names"/> (case-insensitive; null: all). Refuses an unknown name, and a
    /// variant whose vanilla (same arm and algorithm) is not selected: its paired difference needs it.
    /// </summary>
    public static IReadOnlyList<StudyVariant> Select(IReadOnlyList<string>? names)
    {
        if (names is null) return All;
        var chosen = names.Select(n => All.SingleOrDefault(v => string.Equals(v.Name, n, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--variants: no variant '{n}'; the variants are: {string.Join(", ", All.Select(v => v.Name))}.")).Distinct().ToList();
        foreach (var v in chosen.Where(v => !chosen.Any(b => b.IsBaseline && b.Arm == v.Arm && b.Algorithm == v.Algorithm)))
            throw new ArgumentException($"--variants: '{v.Name}' needs its vanilla ({All.Single(b => b.IsBaseline && b.Arm == v.Arm && b.Algorithm == v.Algorithm).Name}) too.");
        return All.Where(chosen.Contains).ToList();
    }
}
