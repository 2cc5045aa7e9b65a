using R2M.Estimators.Rl;
using R2M.MLNet.Native;
using static TorchSharp.torch;

namespace R2M.Tests.Rl;

public class GroupRewardLossTests
{
    public GroupRewardLossTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Gre_gradient_is_zero_when_all_rewards_of_a_group_are_equal()
    {
        using var scope = NewDisposeScope();
        var rewards = tensor(new[] { 0.7, 0.7, 0.7, 0.7 }, requires_grad: true);

        GroupRewardLoss.Entropy(rewards.reshape(1, 4), epsilon: 1e-6).sum().backward();

        rewards.grad!.abs().max().item<double>().Should().BeLessThan(1e-12, "uniform p is the entropy's maximum");
    }

    [Fact]
    public void Grebt_skips_zero_spread_groups_so_they_give_no_gradient()
    {
        using var scope = NewDisposeScope();
        var rewards = tensor(new[] { 0.2, 0.2, 0.2, 0.2, 0.0, 1.0, 0.5, 0.25 }, requires_grad: true);

        var (loss, used) = GroupRewardLoss.Compute(rewards, 4, alpha: 0.3, epsilon: 1e-6);
        loss.backward();

        used.Should().Be(1);
        rewards.grad![..4].abs().max().item<double>().Should().Be(0);
        rewards.grad![4..].abs().max().item<double>().Should().BePositive();
    }

    [Fact]
    public void Grebt_equals_the_hand_computed_mix_of_bt_and_entropy()
    {
        using var scope = NewDisposeScope();
        // One group (0, 1): BT = −log σ(1 − 0); z = (−1, 1) (population std ½); p = softmax(z).
        var (loss, _) = GroupRewardLoss.Compute(tensor(new[] { 0.0, 1.0 }), 2, alpha: 0.3, epsilon: 0);

        double bt = Math.Log(1 + Math.Exp(-1));
        double p0 = Math.Exp(-1) / (Math.Exp(-1) + Math.Exp(1)), p1 = 1 - p0;
        double gre = -(p0 * Math.Log(p0) + p1 * Math.Log(p1));
        loss.item<double>().Should().BeApproximately(0.7 * bt + 0.3 * gre, 1e-12);
    }

    [Fact]
    public void Omega_follows_the_cosine_schedule_down_to_its_floor()
    {
        R2M.MLNet.Modeling.PolicyFeedbackRewardHead.Omega(0, 100, 0.6).Should().Be(1.0);
        R2M.MLNet.Modeling.PolicyFeedbackRewardHead.Omega(25, 100, 0.6).Should().BeApproximately(0.5 * Math.Cos(Math.PI / 4) + 0.5, 1e-15);
        R2M.MLNet.Modeling.PolicyFeedbackRewardHead.Omega(50, 100, 0.6).Should().Be(0.6);
        R2M.MLNet.Modeling.PolicyFeedbackRewardHead.Omega(100, 100, 0.65).Should().Be(0.65);
    }
}
