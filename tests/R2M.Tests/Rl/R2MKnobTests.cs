using R2M.Estimators.Rl;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Rl;

/// <summary>R2M's knobs and per-step diagnostics, against hand-worked cases.</summary>
public class R2MKnobTests
{
    public R2MKnobTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void The_oracle_takes_bradley_terry_over_every_pair_gold_orders_not_over_the_rewards_own_pair()
    {
        // One group of 3: rewards [2, 0, 1]; gold 1 > 2 > 0. Own pair (0, 1): softplus(−2). Oracle: the mean over
        // (1 over 0, 1 over 2, 2 over 0) of softplus(r_lose − r_win) = (softplus(2) + softplus(1) + softplus(1)) / 3.
        var rewards = tensor(new[] { 2.0, 0.0, 1.0 });
        var gold = tensor(new[] { 0.1, 0.9, 0.5 });

        var (own, _) = GroupRewardLoss.Compute(rewards, 3, alpha: 0, epsilon: 1e-6);
        var (oracle, _) = GroupRewardLoss.Compute(rewards, 3, alpha: 0, epsilon: 1e-6, orderBy: gold);

        own.item<double>().Should().BeApproximately(Math.Log(1 + Math.Exp(-2)), 1e-12, "its own pair is (2, 0)");
        oracle.item<double>().Should().BeApproximately((Math.Log(1 + Math.Exp(2)) + 2 * Math.Log(1 + Math.Exp(1))) / 3, 1e-12);
    }

    [Fact]
    public void The_oracle_gives_no_bradley_terry_gradient_to_a_group_whose_gold_is_all_tied()
    {
        var rewards = tensor(new[] { 2.0, 0.0, 1.0, 0.5, 0.0, 3.0 }, requires_grad: true);
        var gold = tensor(new[] { 0.5, 0.5, 0.5, 0.0, 1.0, 0.0 });      // group 1 tied; group 2: row 4 over rows 3 and 5
        var (loss, used) = GroupRewardLoss.Compute(rewards, 3, alpha: 0, epsilon: 1e-6, orderBy: gold);
        loss.backward();
        used.Should().Be(2);
        var grad = rewards.grad!.data<double>().ToArray();
        grad[..3].Should().AllSatisfy(g => g.Should().Be(0));
        // d/dr4 of mean(softplus(r3 − r4), softplus(r5 − r4)) / 2 groups = −(σ(0.5) + σ(3)) / 2 / 2
        double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
        grad[4].Should().BeApproximately(-(Sigmoid(0.5) + Sigmoid(3)) / 4, 1e-12);
    }

    [Fact]
    public void With_a_zero_output_projection_the_r2m_reward_is_omega_times_the_vanilla_reward()
    {
        manual_seed(3);
        using var rmHead = nn.Linear(6, 1, hasBias: false);
        using var head = new PolicyFeedbackRewardHead(rmHead, policyWidth: 5, width: 4);
        head.CrossAttention.ZeroOutput();
        var rte = randn(2, 6);
        var feedback = randn(2, 3, 5);
        var mask = ones(2, 3, dtype: ScalarType.Int64);

        var r = head.Reward(rte, feedback, mask, 0.7);

        var vanilla = rmHead.forward(rte).squeeze(1);
        using var own = 0.7.ToScalar();
        r.data<float>().ToArray().Should().Equal(vanilla.mul(own).data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void The_omega_horizon_sets_where_the_cosine_reaches_its_floor()
    {
        using var trainer = PlantedRlFixture.Trainer(PlantedRlFixture.Options(RlAlgorithm.Rloo, steps: 100), new PolicyFeedbackOptions { OmegaHorizon = 10, Omega = 0.6 });

        trainer.OmegaAt(0).Should().Be(1.0);
        trainer.OmegaAt(2).Should().BeApproximately(0.5 * Math.Cos(Math.PI * 2 / 10) + 0.5, 1e-15);
        trainer.OmegaAt(5).Should().Be(0.6, "½cos(π/2) + ½ = 0.5 is below the floor");
        Enumerable.Range(10, 90).Select(trainer.OmegaAt).Should().OnlyContain(w => w == 0.6,
            "past T_ω the blend stays at its floor: the cosine alone is back at 1 by t = 2·T_ω = 20");
    }

    [Fact]
    public void The_oracle_without_a_gold_judge_is_refused_at_construction()
    {
        var options = PlantedRlFixture.Options(RlAlgorithm.Rloo) with { GoldJudge = null };
        var (policy, reference) = PlantedRlFixture.Policies(1);

        Action make = () => new RlTrainer(policy, reference, PlantedRlFixture.RewardModel(), PlantedRlFixture.Tokenizer, PlantedRlFixture.Prompts,
            options, new PolicyFeedbackOptions { Mode = AlignerMode.Oracle });

        make.Should().Throw<ArgumentException>().WithMessage("*GoldJudge*");
    }

    [Fact]
    public void The_oracle_before_policy_scores_the_steps_rollouts_with_the_updated_head_and_the_oracle_after_does_not()
    {
        // Same seeds, so both collect the same rollouts; they differ only in which scores the policy update sees.
        var options = PlantedRlFixture.Options(RlAlgorithm.Rloo, steps: 1);
        var feedback = new PolicyFeedbackOptions { LearningRate = 1e-2, UpdatesPerStep = 4 };
        using var after = PlantedRlFixture.Trainer(options, feedback with { Mode = AlignerMode.Oracle });
        using var before = PlantedRlFixture.Trainer(options, feedback with { Mode = AlignerMode.OracleBeforePolicy });

        var afterStep = after.RunStep();
        var beforeStep = before.RunStep();

        beforeStep["objective/scores"].Should().Be(afterStep["objective/scores"], "the collection is the same");
        afterStep.Values.Should().NotContainKey("objective/scores_after_aligner");
        beforeStep["objective/scores_after_aligner"].Should().NotBe(beforeStep["objective/scores"], "φ moved before the policy update");
        var afterWeights = after.Policy.parameters().Select(p => p.detach().clone()).ToList();
        var beforeWeights = before.Policy.parameters().ToList();
        afterWeights.Zip(beforeWeights).Any(w => !w.First.allclose(w.Second, rtol: 0, atol: 0)).Should().BeTrue(
            "the before-policy oracle's advantages come from the updated head's scores");
        beforeStep["r2m/grebt_pair_gold_agreement"].Should().Be(afterStep["r2m/grebt_pair_gold_agreement"],
            "both aligners start from the same head and see the same rollouts before their first pass");
    }

    [Fact]
    public void Feedback_variance_share_is_the_feedback_parts_share_of_within_group_variance()
    {
        // Group 1: feedback part [1, −1], own part [0, 0] → Var 1 and 0. Group 2: feedback [0, 0], own [3, 1] → Var 0 and 1.
        float[] part = [1, -1, 0, 0];
        float[] reward = [1, -1, 3, 1];

        R2MDiagnostics.FeedbackVarianceShare(part, reward, 2).Should().BeApproximately(0.5, 1e-12);
    }

    [Fact]
    public void Rank_correlation_and_pair_gold_agreement_match_hand_counts()
    {
        // Group 1 (K = 3): a = [1, 2, 3], b = [3, 2, 1] → −1. Group 2: a = [1, 2, 3], b = [10, 20, 30] → +1. Mean 0.
        R2MDiagnostics.WithinGroupRankCorrelation([1, 2, 3, 1, 2, 3], [3, 2, 1, 10, 20, 30], 3).Should().BeApproximately(0, 1e-12);
        // Group 1: best row 2, worst row 0, gold 0.9 > 0.1 agrees. Group 2: best row 3, worst row 5, gold 0.2 < 0.7 disagrees.
        R2MDiagnostics.PairGoldAgreement([0, 1, 2, 5, 4, 3], [0.1, 0.5, 0.9, 0.2, 0.4, 0.7], 3).Should().BeApproximately(0.5, 1e-12);
    }
}
