namespace R2M.Estimators.Evaluation;

/// <summary>
/// A run's gold against √KL, smoothed: a Gaussian-kernel (Nadaraya–Watson) regression of each step's rollout gold
/// on its √KL, so the curve follows distance from the SFT policy, not step order. The study's primary measure is
/// the curve's mean over [0, X] (its area divided by X), X the √KL every compared run reaches.
/// </summary>
public sealed class GoldCurve
{
    private readonly double[] x;
    private readonly double[] y;

    /// <summary>The curve of per-step (√KL, gold) points.</summary>
    public GoldCurve(IReadOnlyList<double> sqrtKl, IReadOnlyList<double> gold)
    {
        if (sqrtKl.Count != gold.Count || sqrtKl.Count == 0) throw new ArgumentException("One √KL per gold value, at least one.");
        (x, y) = (sqrtKl.ToArray(), gold.ToArray());
    }

    /// <summary>How far the run got: the largest √KL of its 5-step running mean (one outlying step does not count).</summary>
    public double Reach => Enumerable.Range(0, x.Length).Max(i => x[Math.Max(0, i - 4)..(i + 1)].Average());

    /// <summary>The smoothed gold at √KL = <paramref name="at"/>, with kernel width <paramref name="bandwidth"/>.</summary>
    public double At(double at, double bandwidth)
    {
        double weights = 0, sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double z = (x[i] - at) / bandwidth, w = Math.Exp(-0.5 * z * z);
            weights += w;
            sum += w * y[i];
        }
        return weights > 1e-12 ? sum / weights : y[NearestIndex(at)];
    }

    /// <summary>
    /// The curve's mean over [0, <paramref name="range"/>] (41 points, trapezoid rule), kernel width a tenth of the
    /// range (at least 0.05).
    /// </summary>
    public double MeanOver(double range)
    {
        if (!(range > 0)) return At(0, 0.05);
        double h = Bandwidth(range), sum = 0;
        const int points = 41;
        for (int i = 0; i < points; i++) sum += (i == 0 || i == points - 1 ? 0.5 : 1) * At(range * i / (points - 1), h);
        return sum / (points - 1);
    }

    /// <summary>The kernel width used over [0, <paramref name="range"/>].</summary>
    public static double Bandwidth(double range) => Math.Max(0.05, range / 10);

    private int NearestIndex(double at) => Enumerable.Range(0, x.Length).MinBy(i => Math.Abs(x[i] - at));
}
