using R2M.Estimators.Rl;

namespace R2M.Sample;

/// <summary>The main job's PNG plots of the per-step logs, one series per RL run.</summary>
internal static class StepPlots
{
    public static void Write(string folder, IReadOnlyList<(string Name, IReadOnlyList<RlStepMetrics> Metrics)> runs, bool hasGold)
    {
        double[] Steps(IReadOnlyList<RlStepMetrics> m) => m.Select(x => (double)x.Step).ToArray();
        double[] Of(IReadOnlyList<RlStepMetrics> m, string key) => m.Select(x => x[key]).ToArray();
        double[] SqrtKl(IReadOnlyList<RlStepMetrics> m) => Of(m, "objective/kl").Select(k => Math.Sqrt(Math.Max(0, k))).ToArray();
        void BySteps(string file, string title, string y, string key) =>
            Plots.Lines(Path.Combine(folder, file), title, "RL step", y, runs.Select(r => (r.Name, Steps(r.Metrics), Of(r.Metrics, key))));
        BySteps("proxy_reward.png", "Proxy reward (training rollouts)", "reward", "objective/scores");
        if (hasGold) BySteps("gold_score.png", "Gold score (training rollouts)", "gold", "gold/score");
        BySteps("kl.png", "KL to the reference", "KL (nats)", "objective/kl");
        BySteps("length.png", "Mean response length", "tokens", "completions/mean_length");
        Plots.PointsWithCurves(Path.Combine(folder, "proxy_vs_sqrt_kl.png"), "Proxy (the reward each run optimises) against sqrt(KL)", "sqrt(KL)", "reward",
            runs.Select(r => (r.Name, SqrtKl(r.Metrics), Of(r.Metrics, "objective/scores"))).ToList());
        if (hasGold)
            Plots.PointsWithCurves(Path.Combine(folder, "gold_vs_sqrt_kl.png"), "Gold against sqrt(KL)", "sqrt(KL)", "gold",
                runs.Select(r => (r.Name, SqrtKl(r.Metrics), Of(r.Metrics, "gold/score"))).ToList());
    }
}
