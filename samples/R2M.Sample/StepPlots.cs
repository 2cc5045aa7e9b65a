using R2M.Estimators.Rl;

namespace R2M.Sample;

/// <summary>The main job's PNG plots of the per-step log.</summary>
internal static class StepPlots
{
    public static void Write(string folder, IReadOnlyList<RlStepMetrics> metrics, bool hasGold)
    {
        double[] steps = metrics.Select(m => (double)m.Step).ToArray();
        double[] Of(string key) => metrics.Select(m => m[key]).ToArray();
        Plots.Lines(Path.Combine(folder, "proxy_reward.png"), "Proxy reward (training rollouts)", "RL step", "reward", [("proxy", steps, Of("objective/scores"))]);
        if (hasGold) Plots.Lines(Path.Combine(folder, "gold_score.png"), "Gold score (training rollouts)", "RL step", "gold", [("gold", steps, Of("gold/score"))]);
        Plots.Lines(Path.Combine(folder, "kl.png"), "KL to the reference", "RL step", "KL (nats)", [("KL", steps, Of("objective/kl"))]);
        Plots.Lines(Path.Combine(folder, "length.png"), "Mean response length", "RL step", "tokens", [("length", steps, Of("completions/mean_length"))]);
        double[] sqrtKl = Of("objective/kl").Select(k => Math.Sqrt(Math.Max(0, k))).ToArray();
        var series = new List<(string, double[], double[])> { ("proxy", sqrtKl, Of("objective/scores")) };
        if (hasGold) series.Add(("gold", sqrtKl, Of("gold/score")));
        Plots.Lines(Path.Combine(folder, "gold_proxy_vs_sqrt_kl.png"), "Gold and proxy against sqrt(KL)", "sqrt(KL)", "score", series);
    }
}
