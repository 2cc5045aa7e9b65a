namespace R2M.Estimators.Training;

/// <summary>One bin of the reliability table: pairs whose confidence falls in [Low, High).</summary>
public sealed record CalibrationBin(double Low, double High, int Count, double MeanConfidence, double Accuracy);

/// <summary>
/// How well a reward model orders held-out preference pairs. Calibration treats σ(r_c − r_r) as a forecast:
/// each pair's confidence is max(p, 1 − p), correct when p &gt; ½; the expected calibration error is
/// Σ_bins (n_bin / N)·|accuracy_bin − confidence_bin| over 10 equal-width bins of [½, 1]. <see cref="From"/> is the
/// one computation behind the trainer's validation (<see cref="RewardModelTrainer.Evaluate"/>) and
/// <c>mlContext.R2M().EvaluateRewardModel</c>.
/// </summary>
public sealed record PreferenceMetrics(int Count, double Accuracy, double MeanMargin, double Loss,
    double ExpectedCalibrationError, IReadOnlyList<CalibrationBin> Bins)
{
    /// <summary>Computes the metrics from scores of chosen and rejected responses (and optional margins).</summary>
    public static PreferenceMetrics From(IReadOnlyList<double> chosen, IReadOnlyList<double> rejected, IReadOnlyList<double>? margins = null)
    {
        int n = chosen.Count;
        if (n == 0 || rejected.Count != n) throw new ArgumentException("Need equally many chosen and rejected scores, at least one.");
        const int binCount = 10;
        var counts = new int[binCount];
        var confidence = new double[binCount];
        var correct = new double[binCount];
        double loss = 0, margin = 0, right = 0;
        for (int i = 0; i < n; i++)
        {
            double delta = chosen[i] - rejected[i];
            double m = margins?[i] ?? 0;
            loss += Softplus(-(delta - m));
            margin += delta;
            double p = BradleyTerry.Probability(chosen[i], rejected[i]);
            bool isRight = delta > 0;
            if (isRight) right++;
            double c = Math.Max(p, 1 - p);
            int bin = Math.Min(binCount - 1, (int)((c - 0.5) * 2 * binCount));
            counts[bin]++;
            confidence[bin] += c;
            correct[bin] += isRight ? 1 : 0;
        }
        var bins = new List<CalibrationBin>();
        double ece = 0;
        for (int b = 0; b < binCount; b++)
        {
            double low = 0.5 + b * 0.5 / binCount;
            if (counts[b] == 0)
            {
                bins.Add(new CalibrationBin(low, low + 0.05, 0, 0, 0));
                continue;
            }
            double conf = confidence[b] / counts[b], acc = correct[b] / counts[b];
            ece += (double)counts[b] / n * Math.Abs(acc - conf);
            bins.Add(new CalibrationBin(low, low + 0.05, counts[b], conf, acc));
        }
        return new PreferenceMetrics(n, right / n, margin / n, loss / n, ece, bins);
    }

    private static double Softplus(double x) => x > 30 ? x : Math.Log(1 + Math.Exp(x));
}
