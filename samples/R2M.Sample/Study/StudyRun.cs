using R2M.Estimators.Evaluation;
using R2M.Estimators.Rl;

namespace R2M.Sample;

/// <summary>One variant's RL run on one seed, with what the report reads of it.</summary>
/// <param name="Variant">The variant.</param>
/// <param name="Seed">The seed (shared by every variant: same SFT policy, reward model, prompts and sampling seeds).</param>
/// <param name="Steps">The per-step metrics.</param>
/// <param name="FinalGold">Greedy gold of the final policy on the evaluation prompts.</param>
/// <param name="AccuracyBefore">The frozen reward model's accuracy on gold-labelled pairs sampled from the final policy.</param>
/// <param name="AccuracyAfter">The variant's reward function's accuracy on the same pairs, after RL.</param>
/// <param name="Seconds">Wall time of the run.</param>
internal sealed record StudyRun(StudyVariant Variant, int Seed, IReadOnlyList<RlStepMetrics> Steps, double FinalGold,
    double AccuracyBefore, double AccuracyAfter, double Seconds)
{
    /// <summary>The run's gold against √KL.</summary>
    public GoldCurve Curve => new(Steps.Select(m => Math.Sqrt(Math.Max(0, m["objective/kl"]))).ToList(), Steps.Select(m => m["gold/score"]).ToList());

    /// <summary>Best 5-step mean of the rollouts' gold.</summary>
    public double BestGold => Enumerable.Range(0, Steps.Count).Max(i => Steps.Skip(Math.Max(0, i - 4)).Take(Math.Min(5, i + 1)).Average(m => m["gold/score"]));

    /// <summary>Mean of the last 5 steps of <paramref name="key"/>.</summary>
    public double Last(string key) => Steps.TakeLast(5).Average(m => m[key]);

    /// <summary>Mean of the first 5 steps of <paramref name="key"/>.</summary>
    public double First(string key) => Steps.Take(5).Average(m => m[key]);
}

/// <summary>What one seed's instrument measured before RL, per label arm.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="Arm">The label arm.</param>
/// <param name="SftGold">(a) the SFT policy's mean gold on the RL prompts, sampled at the RL temperature.</param>
/// <param name="OnPolicyAccuracy">(b) the proxy's accuracy on gold-labelled pairs sampled from the SFT policy on the RL prompts.</param>
/// <param name="OnPolicyPairs">How many such pairs (ties dropped).</param>
/// <param name="GeneratedPairAccuracy">The proxy's accuracy on the task's generated candidate pairs on the evaluation prompts, ordered by gold.</param>
/// <param name="SftEvalGold">Greedy gold of the SFT policy on the evaluation prompts.</param>
internal sealed record InstrumentCheck(int Seed, LabelArm Arm, double SftGold, double OnPolicyAccuracy, int OnPolicyPairs,
    double GeneratedPairAccuracy, double SftEvalGold);
