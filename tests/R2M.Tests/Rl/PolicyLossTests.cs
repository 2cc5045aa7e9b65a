using R2M.Estimators.Rl;
using R2M.MLNet.Native;
using static TorchSharp.torch;

namespace R2M.Tests.Rl;

/// <summary>The policy-loss terms and reward shaping against values worked out by hand.</summary>
public class PolicyLossTests
{
    public PolicyLossTests() => TorchRuntime.EnsureLoaded();

    private static Tensor T(params double[] v) => tensor(v, dtype: ScalarType.Float64);
    private static Tensor T2(double[,] v) => tensor(v, dtype: ScalarType.Float64);

    [Fact]
    public void Kl_in_the_reward_is_k1_summed_over_response_tokens_and_subtracted_with_beta()
    {
        // Row 0: log π_old − log π_ref = [0.5, −0.2, (pad)]; row 1: [0.1, 0.3, 0.4]. β = 0.1.
        var mask = T2(new double[,] { { 1, 1, 0 }, { 1, 1, 1 } });
        var k1 = RewardShaping.K1(T2(new double[,] { { -1.0, -2.2, -9 }, { -0.9, -0.7, -0.6 } }), T2(new double[,] { { -1.5, -2.0, 0 }, { -1.0, -1.0, -1.0 } }), mask);
        var rewards = RewardShaping.SequenceRewards(T(1.0, 2.0), k1, 0.1);

        k1.sum(1).data<double>().ToArray().Should().Equal([0.30000000000000004, 0.7999999999999999], (a, b) => Math.Abs(a - b) < 1e-12);
        // 1 − 0.1·0.3 = 0.97; 2 − 0.1·0.8 = 1.92
        rewards.data<double>().ToArray().Should().Equal([0.97, 1.92], (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Kl_in_the_loss_is_the_masked_mean_of_k3()
    {
        // d = log π_ref − log π: row 0 [0.5, −0.5], row 1 [1.0, (pad)]. k3 = e^d − d − 1.
        var logp = T2(new double[,] { { -1.0, -1.0 }, { -2.0, 0 } });
        var refLogp = T2(new double[,] { { -0.5, -1.5 }, { -1.0, 5 } });
        var mask = T2(new double[,] { { 1, 1 }, { 1, 0 } });
        double expected = ((Math.Exp(0.5) - 1.5) + (Math.Exp(-0.5) - 0.5) + (Math.E - 2)) / 3;

        PolicyLoss.K3(logp, refLogp, mask).item<double>().Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void Ppo_token_rewards_put_the_score_on_the_last_response_token_and_minus_beta_k1_on_every_token()
    {
        var k1 = T2(new double[,] { { 0.2, 0.4, 0.0 }, { 0.1, 0.1, 0.1 } });
        var mask = T2(new double[,] { { 1, 1, 0 }, { 1, 1, 1 } });

        var rewards = RewardShaping.TokenRewards(T(3.0, -1.0), k1, mask, beta: 0.5);

        // Row 0: [−0.1, −0.2 + 3, 0]; row 1: [−0.05, −0.05, −0.05 − 1].
        rewards.data<double>().ToArray().Should().Equal([-0.1, 2.8, 0, -0.05, -0.05, -1.05], (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Clipped_value_loss_takes_the_larger_of_the_clipped_and_unclipped_errors()
    {
        // V_old = [0, 0, 0], V = [0.5, −0.1, 0.3], G = [1, 1, −1], clip 0.2.
        // V_clip = [0.2, −0.1, 0.2]; errors²: max(0.25, 0.64) = 0.64; max(1.21, 1.21) = 1.21; max(1.69, 1.44) = 1.69.
        var (loss, fraction) = PolicyLoss.ClippedValue(T2(new double[,] { { 0.5, -0.1, 0.3 } }), T2(new double[,] { { 0, 0, 0 } }),
            T2(new double[,] { { 1, 1, -1 } }), T2(new double[,] { { 1, 1, 1 } }), 0.2);

        loss.item<double>().Should().BeApproximately(0.5 * (0.64 + 1.21 + 1.69) / 3, 1e-12);
        fraction.item<double>().Should().BeApproximately(2.0 / 3, 1e-12);
    }

    [Fact]
    public void Clipped_surrogate_stops_the_gain_beyond_the_clip_range()
    {
        // Ratios e^0.5 ≈ 1.6487 (A = +1: clipped to 1.2 → −1.2) and e^−0.5 ≈ 0.6065 (A = −1: clipped to 0.8 → 0.8).
        var (loss, ratio) = PolicyLoss.ClippedSurrogate(T2(new double[,] { { 0.5, -0.5 } }), T2(new double[,] { { 0, 0 } }),
            T2(new double[,] { { 1, -1 } }), T2(new double[,] { { 1, 1 } }), 0.2);

        ratio.data<double>().ToArray().Should().Equal([Math.Exp(0.5), Math.Exp(-0.5)], (a, b) => Math.Abs(a - b) < 1e-12);
        loss.item<double>().Should().BeApproximately((-1.2 + 0.8) / 2, 1e-12);
    }

    [Fact]
    public void Ppo_advantages_are_gae_of_the_token_rewards_whitened_over_response_tokens()
    {
        // One row, two tokens, γ = λ = 1, V_old = 0, β = 0: token rewards [0, 2] → A = [2, 2] before whitening.
        // A second row [0, 4] → A = [4, 4]. Whitened over 4 tokens: mean 3, variance 1 → [−1, −1, 1, 1].
        var mask = T2(new double[,] { { 1, 1 }, { 1, 1 } });
        var zeros = T2(new double[,] { { 0, 0 }, { 0, 0 } });

        var (a, returns) = Advantages.For(RlAlgorithm.Ppo, T(2.0, 4.0), zeros, mask, 0, 1, zeros, 1, 1);

        a.data<double>().ToArray().Should().Equal([-1, -1, 1, 1], (x, y) => Math.Abs(x - y) < 1e-6);
        returns!.data<double>().ToArray().Should().Equal([2, 2, 4, 4], (x, y) => Math.Abs(x - y) < 1e-12);
    }
}
