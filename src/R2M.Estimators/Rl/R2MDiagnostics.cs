namespace R2M.Estimators.Rl;

/// <summary>
/// Per-step numbers that say what the aligner is doing, over groups of K rows (rows g·K … g·K + K − 1).
/// Each returns NaN when no group qualifies.
/// </summary>
public static class R2MDiagnostics
{
    /// <summary>
    /// Share of the within-group variance of the reward that comes through the feedback path:
    /// Σ_g Var_g(a) / Σ_g (Var_g(a) + Var_g(r − a)), with a the feedback part and r the whole reward.
    /// </summary>
    public static double FeedbackVarianceShare(IReadOnlyList<float> feedbackPart, IReadOnlyList<float> reward, int groupSize)
    {
        double fromFeedback = 0, total = 0;
        for (int start = 0; start + groupSize <= reward.Count; start += groupSize)
        {
            var a = Enumerable.Range(start, groupSize).Select(i => (double)feedbackPart[i]).ToArray();
            var own = Enumerable.Range(start, groupSize).Select(i => reward[i] - (double)feedbackPart[i]).ToArray();
            fromFeedback += Variance(a);
            total += Variance(a) + Variance(own);
        }
        return total > 0 ? fromFeedback / total : double.NaN;
    }

    /// <summary>Mean over groups of Spearman's rank correlation between <paramref name="a"/> and <paramref name="b"/> (ties share ranks).</summary>
    public static double WithinGroupRankCorrelation(IReadOnlyList<float> a, IReadOnlyList<float> b, int groupSize)
    {
        double sum = 0;
        int groups = 0;
        for (int start = 0; start + groupSize <= a.Count; start += groupSize)
        {
            var ra = Ranks(Enumerable.Range(start, groupSize).Select(i => (double)a[i]).ToArray());
            var rb = Ranks(Enumerable.Range(start, groupSize).Select(i => (double)b[i]).ToArray());
            double r = Pearson(ra, rb);
            if (double.IsNaN(r)) continue;
            sum += r;
            groups++;
        }
        return groups > 0 ? sum / groups : double.NaN;
    }

    /// <summary>
    /// Of the groups whose (argmax, argmin) pair of <paramref name="rewards"/> differs in gold, the share where the
    /// argmax has the higher gold: how often GREBT's self-labelled pair is right.
    /// </summary>
    public static double PairGoldAgreement(IReadOnlyList<float> rewards, IReadOnlyList<double> gold, int groupSize)
    {
        int agree = 0, decided = 0;
        for (int start = 0; start + groupSize <= rewards.Count; start += groupSize)
        {
            int best = start, worst = start;
            for (int i = start + 1; i < start + groupSize; i++)
            {
                if (rewards[i] > rewards[best]) best = i;
                if (rewards[i] < rewards[worst]) worst = i;
            }
            if (best == worst || gold[best] == gold[worst]) continue;
            decided++;
            if (gold[best] > gold[worst]) agree++;
        }
        return decided > 0 ? (double)agree / decided : double.NaN;
    }

    private static double Variance(double[] x)
    {
        double mean = x.Average();
        return x.Sum(v => (v - mean) * (v - mean)) / x.Length;
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    private static double[] Ranks(double[] x)
    {
        var order = Enumerable.Range(0, x.Length).OrderBy(i => x[i]).ToArray();
        var ranks = new double[x.Length];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && x[order[j + 1]] == x[order[i]]) j++;
            for (int t = i; t <= j; t++) ranks[order[t]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        return ranks;
    }
}
