using R2M.Estimators.Rl;
using R2M.MLNet.Data;
using R2M.MLNet.Native;
using R2M.MLNet.Rewards;
using static TorchSharp.torch;

namespace R2M.Tests.Rl;

/// <summary>The aligner's offline warm start: Bradley–Terry at ω = Ω over the policy's feedback, before RL.</summary>
public class AlignerWarmStartTests
{
    public AlignerWarmStartTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void The_first_loss_is_bradley_terry_on_omega_times_the_reward_models_margin_while_wo_is_zero()
    {
        // Wo = 0: r = φ(Ω·RTE) = Ω·φ₀(RTE) (φ₀ has no bias), so the loss of the one pair is softplus(−Ω·(s_c − s_r)).
        using var rm = PlantedRlFixture.RewardModel();
        var (policy, reference) = PlantedRlFixture.Policies(1);
        using var _ = reference;
        using var __ = policy;
        var options = new PolicyFeedbackOptions { Omega = 0.65, WarmStartEpochs = 1, LearningRate = 1e-3 };
        using var aligner = AlignerVariant.Build(options, rm, policy, initSeed: 2);
        var pair = new PreferencePair("say:", " aaaa", " bb");
        var vanilla = new RewardFunction(rm, PlantedRlFixture.Tokenizer, policy, PlantedRlFixture.Tokenizer, new FrozenRewardHead(rm.Head))
            .Score([pair.Prompt, pair.Prompt], [pair.Chosen, pair.Rejected], 1.0);
        double margin = 0.65 * ((double)vanilla[0] - vanilla[1]);

        var losses = AlignerWarmStart.Fit(aligner, rm, policy, PlantedRlFixture.Tokenizer, [pair], options);

        losses.Should().ContainSingle().Which.Should().BeApproximately(Math.Log(1 + Math.Exp(-margin)), 1e-5);
    }

    [Fact]
    public void Fitting_raises_the_aligned_reward_of_chosen_over_rejected_and_leaves_the_models_frozen_and_untouched()
    {
        using var rm = PlantedRlFixture.RewardModel();
        var (policy, reference) = PlantedRlFixture.Policies(1);
        using var _ = reference;
        using var __ = policy;
        var options = new PolicyFeedbackOptions { WarmStartEpochs = 20, LearningRate = 3e-3 };
        using var aligner = AlignerVariant.Build(options, rm, policy, initSeed: 2);
        var pairs = PlantedRlFixture.Prompts.Select((p, i) => new PreferencePair(p, " " + new string('a', 2 + i % 3), " " + new string('b', 2 + i % 3))).ToList();
        var policyBefore = policy.parameters().Select(p => p.clone()).ToList();
        var rmBefore = rm.parameters().Select(p => p.clone()).ToList();

        var losses = AlignerWarmStart.Fit(aligner, rm, policy, PlantedRlFixture.Tokenizer, pairs, options);

        losses.Should().HaveCount(20);
        losses[^1].Should().BeLessThan(losses[0] * 0.7, "Bradley–Terry on a consistent preference falls");
        policy.parameters().Zip(policyBefore).Should().OnlyContain(p => (p.First - p.Second).abs().max().item<float>() == 0);
        rm.parameters().Zip(rmBefore).Should().OnlyContain(p => (p.First - p.Second).abs().max().item<float>() == 0);
        policy.parameters().Should().OnlyContain(p => p.requires_grad, "the policy's training flags are handed back");
    }

    [Fact]
    public void No_epochs_is_a_no_op_and_no_pairs_with_epochs_is_refused()
    {
        using var rm = PlantedRlFixture.RewardModel();
        var (policy, reference) = PlantedRlFixture.Policies(1);
        using var _ = reference;
        using var __ = policy;
        using var aligner = AlignerVariant.Build(new PolicyFeedbackOptions(), rm, policy, initSeed: 2);

        AlignerWarmStart.Fit(aligner, rm, policy, PlantedRlFixture.Tokenizer, [], new PolicyFeedbackOptions()).Should().BeEmpty();
        var act = () => AlignerWarmStart.Fit(aligner, rm, policy, PlantedRlFixture.Tokenizer, [], new PolicyFeedbackOptions { WarmStartEpochs = 1 });
        act.Should().Throw<ArgumentException>().WithMessage("*needs preference pairs*");
    }
}
