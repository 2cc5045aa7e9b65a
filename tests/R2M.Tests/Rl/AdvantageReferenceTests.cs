using R2M.Estimators.Rl;
using R2M.MLNet.Native;
using static TorchSharp.torch;

namespace R2M.Tests.Rl;

/// <summary>GAE with discounting and masked whitening against hand-computed numbers.</summary>
public class AdvantageReferenceTests
{
    private const double Tolerance = 1e-12;

    public AdvantageReferenceTests() => TorchRuntime.EnsureLoaded();

    private static bool Close(double x, double y) => Math.Abs(x - y) < Tolerance;

    [Fact]
    public void Gae_with_gamma_and_lambda_below_one_matches_hand_computed_advantages_and_returns()
    {
        using var scope = NewDisposeScope();
        // Row 1 is padded after 2 tokens; its padded rewards and values (7, −3, 9, 9) must not leak in.
        var rewards = tensor(new[] { 0.0, 0, 0, 1, 0.5, 2, 7, -3 }).reshape(2, 4);
        var values = tensor(new[] { 0.5, 0.4, 0.6, 0.2, 0.3, 1.0, 9, 9 }).reshape(2, 4);
        var mask = tensor(new[] { 1.0, 1, 1, 1, 1, 1, 0, 0 }).reshape(2, 4);

        var (adv, ret) = Advantages.Gae(rewards, values, mask, gamma: 0.9, lambda: 0.8);

        // γλ = 0.72. Row 0: δ3 = 1 + 0.9·0 − 0.2 = 0.8;      A3 = 0.8
        //                   δ2 = 0 + 0.9·0.2 − 0.6 = −0.42;  A2 = −0.42 + 0.72·0.8 = 0.156
        //                   δ1 = 0 + 0.9·0.6 − 0.4 = 0.14;   A1 = 0.14 + 0.72·0.156 = 0.25232
        //                   δ0 = 0 + 0.9·0.4 − 0.5 = −0.14;  A0 = −0.14 + 0.72·0.25232 = 0.0416704
        // Row 1 (last real token t = 1, nothing bootstrapped past it):
        //                   δ1 = 2 + 0.9·0 − 1.0 = 1.0;      A1 = 1.0
        //                   δ0 = 0.5 + 0.9·1.0 − 0.3 = 1.1;  A0 = 1.1 + 0.72·1.0 = 1.82
        // Returns = A + V on real tokens, 0 on padding.
        adv.data<double>().ToArray().Should().Equal(new[] { 0.0416704, 0.25232, 0.156, 0.8, 1.82, 1.0, 0, 0 }, Close);
        ret.data<double>().ToArray().Should().Equal(new[] { 0.5416704, 0.65232, 0.756, 1.0, 2.12, 2.0, 0, 0 }, Close);
    }

    [Fact]
    public void Gae_with_lambda_zero_is_the_one_step_td_error()
    {
        using var scope = NewDisposeScope();
        var rewards = tensor(new[] { 1.0, -1, 2 }).reshape(1, 3);
        var values = tensor(new[] { 0.5, 0.25, 1.0 }).reshape(1, 3);
        var mask = ones(1, 3, ScalarType.Float64);

        var (adv, _) = Advantages.Gae(rewards, values, mask, gamma: 0.5, lambda: 0.0);

        // δ0 = 1 + 0.5·0.25 − 0.5 = 0.625; δ1 = −1 + 0.5·1 − 0.25 = −0.75; δ2 = 2 + 0 − 1 = 1.
        adv.data<double>().ToArray().Should().Equal(new[] { 0.625, -0.75, 1.0 }, Close);
    }

    [Fact]
    public void Masked_whiten_uses_mean_and_population_std_of_the_masked_positions_only()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 1.0, 2, 3, 100, 4, 50, -50, 50 }).reshape(2, 4);
        var mask = tensor(new[] { 1.0, 1, 1, 0, 1, 0, 0, 0 }).reshape(2, 4);

        var w = Advantages.MaskedWhiten(x, mask, epsilon: 0).data<double>().ToArray();

        // Real values 1, 2, 3, 4: mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5.
        // The code uses the biased (population) variance 5/4 = 1.25, not the unbiased 5/3.
        double std = Math.Sqrt(1.25);
        w.Should().Equal(new[] { -1.5 / std, -0.5 / std, 0.5 / std, 0, 1.5 / std, 0, 0, 0 }, Close);
    }

    [Fact]
    public void Masked_whiten_with_default_epsilon_differs_from_the_exact_result_only_by_epsilon()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 1.0, 2, 3, 4 }).reshape(1, 4);
        var mask = tensor(new[] { 1.0, 1, 1, 1 }).reshape(1, 4);

        var w = Advantages.MaskedWhiten(x, mask).data<double>().ToArray();

        // (x − 2.5)/sqrt(1.25 + 1e-8)
        double scale = 1 / Math.Sqrt(1.25 + 1e-8);
        w.Should().Equal(new[] { -1.5 * scale, -0.5 * scale, 0.5 * scale, 1.5 * scale }, Close);
    }
}
