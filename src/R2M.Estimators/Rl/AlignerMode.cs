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
    /// <summary>
    /// Instrument check (not in the paper): the oracle whose update runs on the step's rollouts before they are scored
    /// for the policy update (R2M updates after it), so the policy's advantages already carry the gold order the
    /// aligner learnt on those very rollouts. It shows whether a study's measure can see a better reward through the
    /// aligner path at all, apart from how well one step's lesson carries to the next step's samples. Needs the gold judge.
    /// </summary>
    OracleBeforePolicy,
}
