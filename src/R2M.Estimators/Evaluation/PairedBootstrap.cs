namespace R2M.Estimators.Evaluation;

/// <summary>A mean of paired differences over seeds with a 95% percentile bootstrap interval (resampling seeds).</summary>
public static class PairedBootstrap
{
    /// <summary>Resamples drawn (fixed seed, so a report is reproducible).</summary>
    public const int Resamples = 10_000;

    /// <summary>The mean of <paramref name="differences"/> and its 2.5% and 97.5% bootstrap quantiles; NaN when empty.</summary>
    public static (double Mean, double Low, double High) Interval(IReadOnlyList<double> differences)
    {
        var d = differences.Where(double.IsFinite).ToArray();
        if (d.Length == 0) return (double.NaN, double.NaN, double.NaN);
        var random = new Random(20261203);
        var means = new double[Resamples];
        for (int r = 0; r < Resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < d.Length; i++) sum += d[random.Next(d.Length)];
            means[r] = sum / d.Length;
        }
        Array.Sort(means);
        return (d.Average(), means[(int)(0.025 * (Resamples - 1))], means[(int)Math.Ceiling(0.975 * (Resamples - 1))]);
    }
}
