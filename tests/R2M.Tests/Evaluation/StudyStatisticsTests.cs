using R2M.Estimators.Evaluation;

namespace R2M.Tests.Evaluation;

/// <summary>The study's statistics against hand-computed cases.</summary>
public class StudyStatisticsTests
{
    [Fact]
    public void The_kernel_curve_weights_each_point_by_a_gaussian_of_its_distance()
    {
        var curve = new GoldCurve([0.0, 1.0], [0.0, 1.0]);

        curve.At(0.5, 1.0).Should().BeApproximately(0.5, 1e-15, "both points are equally far");
        curve.At(0.0, 1.0).Should().BeApproximately(Math.Exp(-0.5) / (1 + Math.Exp(-0.5)), 1e-15);
    }

    [Fact]
    public void The_mean_over_a_range_is_the_level_of_a_flat_curve_and_the_midpoint_of_a_symmetric_line()
    {
        var x = Enumerable.Range(0, 1001).Select(i => i / 1000.0).ToList();

        new GoldCurve(x, x.Select(_ => 0.7).ToList()).MeanOver(1.0).Should().BeApproximately(0.7, 1e-12);
        new GoldCurve(x, x).MeanOver(1.0).Should().BeApproximately(0.5, 1e-9, "the kernel's pull at the two ends is symmetric");
        new GoldCurve(x, x).MeanOver(0.5).Should().BeLessThan(0.3, "only the first half of the line counts");
    }

    [Fact]
    public void Reach_is_the_largest_five_step_running_mean_so_one_outlying_step_does_not_set_it()
    {
        new GoldCurve([0.0, 0.0, 0.0, 0.0, 10.0], [0.5, 0.5, 0.5, 0.5, 0.5]).Reach.Should().BeApproximately(2.0, 1e-15);
        new GoldCurve([1.0], [0.5]).Reach.Should().Be(1.0);
    }

    [Fact]
    public void The_bootstrap_interval_of_identical_differences_is_a_point_and_of_plus_minus_one_spans_both()
    {
        var (m, l, h) = PairedBootstrap.Interval([0.1, 0.1, 0.1]);
        new[] { m, l, h }.Should().OnlyContain(v => Math.Abs(v - 0.1) < 1e-15);
        var (mean, low, high) = PairedBootstrap.Interval([1.0, -1.0]);
        (mean, low, high).Should().Be((0.0, -1.0, 1.0), "a quarter of resamples are (1, 1) and a quarter (−1, −1)");
        double.IsNaN(PairedBootstrap.Interval([]).Mean).Should().BeTrue();
    }

    [Fact]
    public void The_bootstrap_interval_of_a_shifted_sample_excludes_zero_and_of_a_centred_one_covers_it()
    {
        var random = new Random(5);
        var shifted = Enumerable.Range(0, 12).Select(_ => 0.05 + 0.02 * (random.NextDouble() - 0.5)).ToList();
        var centred = Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? 0.05 : -0.05).ToList();

        PairedBootstrap.Interval(shifted).Low.Should().BeGreaterThan(0);
        var c = PairedBootstrap.Interval(centred);
        c.Low.Should().BeLessThan(0);
        c.High.Should().BeGreaterThan(0);
    }
}
