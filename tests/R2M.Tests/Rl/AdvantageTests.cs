using R2M.Estimators.Rl;
using R2M.MLNet.Native;
using static TorchSharp.torch;

namespace R2M.Tests.Rl;

public class AdvantageTests
{
    public AdvantageTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Rloo_advantage_subtracts_the_mean_of_the_other_samples_of_the_group()
    {
        using var scope = NewDisposeScope();
        // Group 1: 1 − 11/3, 2 − 10/3, 3 − 9/3, 6 − 6/3; group 2: all equal → 0.
        var a = Advantages.Rloo(tensor(new[] { 1.0, 2, 3, 6, 5, 5, 5, 5 }), 4).data<double>().ToArray();

        a.Should().Equal(new[] { 1 - 11 / 3.0, 2 - 10 / 3.0, 0, 4, 0, 0, 0, 0 }, (x, y) => Math.Abs(x - y) < 1e-12);
    }

    [Fact]
    public void Grpo_advantage_is_the_group_z_score_with_the_unbiased_std()
    {
        using var scope = NewDisposeScope();
        double std = Math.Sqrt((4 + 1 + 0 + 9) / 3.0); // mean 3

        var a = Advantages.Grpo(tensor(new[] { 1.0, 2, 3, 6 }), 4, epsilon: 0).data<double>().ToArray();

        a.Should().Equal(new[] { -2 / std, -1 / std, 0, 3 / std }, (x, y) => Math.Abs(x - y) < 1e-12);
    }

    [Fact]
    public void Gae_matches_the_hand_computed_recursion_and_stops_at_the_mask()
    {
        using var scope = NewDisposeScope();
        var rewards = tensor(new[] { 0.0, 0, 1, 0, 2, 0 }).reshape(2, 3);
        var values = tensor(new[] { 0.5, 0.2, 0.1, 0.3, 0.4, 9.0 }).reshape(2, 3);
        var mask = tensor(new[] { 1.0, 1, 1, 1, 1, 0 }).reshape(2, 3);

        var (adv, ret) = Advantages.Gae(rewards, values, mask, gamma: 1.0, lambda: 0.5);

        // Row 0: δ = (0 + 0.2 − 0.5, 0 + 0.1 − 0.2, 1 − 0.1) = (−0.3, −0.1, 0.9); A = (−0.125, 0.35, 0.9).
        // Row 1 ends after 2 tokens (its value 9 is never used): δ = (0.1, 1.6); A = (0.9, 1.6, 0).
        adv.data<double>().ToArray().Should().Equal(new[] { -0.125, 0.35, 0.9, 0.9, 1.6, 0 }, (x, y) => Math.Abs(x - y) < 1e-12);
        ret.data<double>().ToArray().Should().Equal(new[] { 0.375, 0.55, 1.0, 1.2, 2.0, 0 }, (x, y) => Math.Abs(x - y) < 1e-12);
    }

    [Fact]
    public void Kl_controller_moves_beta_toward_the_target_and_fixed_beta_stays()
    {
        var adaptive = new KlController(0.1, target: 6, horizon: 100);
        adaptive.Update(kl: 12, samples: 10);     // error clipped to +0.2: β·(1 + 0.2·10/100)
        adaptive.Value.Should().BeApproximately(0.1 * 1.02, 1e-12);
        adaptive.Update(kl: 5.4, samples: 10);    // error −0.1
        adaptive.Value.Should().BeApproximately(0.1 * 1.02 * 0.99, 1e-12);

        var fixedBeta = new KlController(0.05, target: null, horizon: 100);
        fixedBeta.Update(100, 10);
        fixedBeta.Value.Should().Be(0.05);
    }
}
