namespace R2M.Estimators.Rl;

/// <summary>The reward-model variants the R2M paper compares.</summary>
public enum AlignerMode
{
    /// <summary>Vanilla: the frozen reward model, r = φ₀(RTE).</summary>
    Vanilla,
    /// <summary>R2M: policy feedback blended in and trained by GREBT once per RL step.</summary>
    R2M,
    /// <summary>Ablation "w/o train": feedback blended in, the module never trained.</summary>
    WithoutTrain,
    /// <summary>Ablation "w/ noise": feedback replaced by Gaussian noise of the same mean and variance, trained.</summary>
    WithNoise,
    /// <summary>Baseline: only φ updated by GREBT on the reward model's own scores each step, no feedback.</summary>
    HeadOnlyIterative,
    /// <summary>
    /// Positive control (not in the paper): R2M whose Bradley–Terry term is taken over every pair of each group that
    /// the gold judge (<see cref="PolicyOptimizationOptions.GoldJudge"/>, required) orders, instead of over the best
    /// and worst response by its own rewards.
    /// If this does not beat vanilla, the instrument or the aligner path cannot show any effect.
    /// </summary>
    Oracle,
}
