using R2M.Estimators.Training;

namespace R2M.Tests.Training;

public class PreferenceMetricsTests
{
    [Fact]
    public void Accuracy_margin_loss_and_calibration_match_a_hand_computed_case()
    {
        // Pair 1: Δ = 2 (right, p = σ(2) = 0.8808); pair 2: Δ = −1 (wrong, p = 0.2689, confidence 0.7311).
        var m = PreferenceMetrics.From([2.0, 0.0], [0.0, 1.0]);

        m.Accuracy.Should().Be(0.5);
        m.MeanMargin.Should().Be(0.5);
        m.Loss.Should().BeApproximately((Math.Log(1 + Math.Exp(-2)) + Math.Log(1 + Math.Exp(1))) / 2, 1e-12);
        // Confidence 0.8808 falls in bin [0.85, 0.90) with accuracy 1; 0.7311 in [0.70, 0.75) with accuracy 0.
        double p1 = 1 / (1 + Math.Exp(-2)), p2 = 1 / (1 + Math.Exp(-1));
        m.ExpectedCalibrationError.Should().BeApproximately(0.5 * (1 - p1) + 0.5 * p2, 1e-12);
        m.Bins[7].Count.Should().Be(1);
        m.Bins[4].Count.Should().Be(1);
        m.Bins[4].Accuracy.Should().Be(0);
    }

    [Fact]
    public void Ties_count_as_wrong()
    {
        PreferenceMetrics.From([1.0], [1.0]).Accuracy.Should().Be(0);
    }
}
