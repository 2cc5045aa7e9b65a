using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Native;
using R2M.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Rl;

public class RlTrainerTests
{
    private static Dictionary<string, Tensor> Snapshot(TorchSharp.torch.nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    private static bool SameWeights(Dictionary<string, Tensor> before, TorchSharp.torch.nn.Module module) =>
        module.state_dict().All(kv => Tensors.BitEqual(before[kv.Key], kv.Value));

    [Fact]
    public void At_step_zero_the_r2m_reward_equals_the_vanilla_reward_exactly()
    {
        using var trainer = PlantedRlFixture.Trainer(PlantedRlFixture.Options(RlAlgorithm.Rloo), new PolicyFeedbackOptions());
        using var scope = NewDisposeScope();

        using var rollout = trainer.CollectRollout();

        trainer.OmegaAt(0).Should().Be(1.0);
        Tensors.BitEqual(rollout.Scores, rollout.VanillaScores).Should().BeTrue();
    }

    [Fact]
    public void Aligner_update_changes_only_the_cross_attention_and_head_never_the_policy_or_reward_model_body()
    {
        // A random (not zero) output projection, so every attention matrix has a gradient at the first update.
        using var trainer = PlantedRlFixture.Trainer(PlantedRlFixture.Options(RlAlgorithm.Rloo, steps: 2),
            new PolicyFeedbackOptions { LearningRate = 1e-2, ZeroInitOutput = false });
        using var scope = NewDisposeScope();
        trainer.RunStep();                                  // step 0; step 1 has ω = 0.6, so the attention gets gradients
        using var rollout = trainer.CollectRollout();
        trainer.UpdatePolicy(rollout);
        var policy = Snapshot(trainer.Policy);
        var rewardModel = Snapshot(trainer.RewardModel);
        var cross = Snapshot(trainer.Aligner!.CrossAttention);
        var head = Snapshot(trainer.Aligner.Score);

        var metrics = new Dictionary<string, double>();
        trainer.UpdateAligner(rollout, metrics);

        metrics["r2m/groups_used"].Should().BePositive();
        SameWeights(policy, trainer.Policy).Should().BeTrue("the policy is not the aligner's to train");
        SameWeights(rewardModel, trainer.RewardModel).Should().BeTrue("the reward-model body and its original head stay frozen");
        trainer.Aligner.CrossAttention.state_dict().Should().OnlyContain(kv => !Tensors.BitEqual(cross[kv.Key], kv.Value), "every attention matrix moved");
        SameWeights(head, trainer.Aligner.Score).Should().BeFalse("φ moved");
    }

    [Theory]
    [InlineData(RlAlgorithm.Ppo)]
    [InlineData(RlAlgorithm.Rloo)]
    [InlineData(RlAlgorithm.Grpo)]
    public void At_the_first_minibatch_of_the_first_epoch_the_ratio_is_exactly_one(RlAlgorithm algorithm)
    {
        using var trainer = PlantedRlFixture.Trainer(PlantedRlFixture.Options(algorithm), new PolicyFeedbackOptions());

        var metrics = trainer.RunStep();

        metrics["val/first_minibatch_ratio_max_dev"].Should().Be(0);
        metrics["policy/approxkl_avg"].Should().BePositive("later minibatches see an updated policy");
    }

    [Fact]
    public void Evaluation_prompts_are_answered_greedily_every_interval_and_after_the_last_step()
    {
        string[] held = ["later:", "other:", "again:"];
        using var trainer = PlantedRlFixture.Trainer(PlantedRlFixture.Options(RlAlgorithm.Rloo, steps: 5) with { EvaluationPrompts = held, EvaluationInterval = 2 },
            new PolicyFeedbackOptions { Mode = AlignerMode.Vanilla });

        var metrics = trainer.Train();

        metrics.Select(m => m.Values.ContainsKey("eval/gold_greedy")).Should().Equal(false, true, false, true, true);
        // The last value is the final policy's: recompute it independently, answer by answer.
        var answers = PolicyEvaluation.Generate(trainer.Policy, PlantedRlFixture.Tokenizer, held, maxNewTokens: 10);
        metrics[^1]["eval/gold_greedy"].Should().Be(held.Select((p, i) => PlantedRlFixture.Gold(p, answers[i])).Average());
        metrics[^1]["eval/mean_length"].Should().Be(answers.Average(a => PlantedRlFixture.Tokenizer.Encode(a).Count));
    }

    [Fact]
    public void An_empty_evaluation_prompt_list_is_refused_by_name()
    {
        var options = PlantedRlFixture.Options(RlAlgorithm.Rloo) with { EvaluationPrompts = [] };
        options.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*EvaluationPrompts*");
    }

    [Fact]
    public void A_nan_reward_stops_the_run_naming_the_step_and_the_quantity_and_nothing_is_written()
    {
        using var dir = new TempDir();
        string log = dir.File("metrics.jsonl");
        using var trainer = PlantedRlFixture.Trainer(PlantedRlFixture.Options(RlAlgorithm.Rloo) with { MetricsLogPath = log }, new PolicyFeedbackOptions { Mode = AlignerMode.Vanilla });
        trainer.Train(steps: 1);
        using var nan = float.NaN.ToScalar();
        using (no_grad()) trainer.RewardModel.Head.weight!.fill_(nan);
        var policyBefore = Snapshot(trainer.Policy);

        Action run = () => trainer.Train(steps: 1);

        run.Should().Throw<NonFiniteValueException>().WithMessage("RL: reward became NaN at step 1; training stopped and nothing was saved from that state.");
        File.ReadAllLines(log).Should().HaveCount(1, "the failed step wrote no metrics");
        SameWeights(policyBefore, trainer.Policy).Should().BeTrue("the policy was not updated from a NaN reward");
        trainer.Step.Should().Be(1);
    }

    [Theory]
    [InlineData(RlAlgorithm.Rloo, AlignerMode.R2M)]
    [InlineData(RlAlgorithm.Ppo, AlignerMode.R2M)]
    [InlineData(RlAlgorithm.Grpo, AlignerMode.WithNoise)]
    [InlineData(RlAlgorithm.Rloo, AlignerMode.Oracle, 2)]
    public void Resumed_run_gives_the_same_metrics_at_the_next_step_as_the_uninterrupted_run(RlAlgorithm algorithm, AlignerMode mode, int replaySteps = 0)
    {
        using var dir = new TempDir();
        var options = PlantedRlFixture.Options(algorithm, steps: 6) with { KlTarget = 0.5 };
        var feedback = new PolicyFeedbackOptions { Mode = mode, LearningRate = 1e-2, ReplaySteps = replaySteps };
        RlStepMetrics expected;
        using (var uninterrupted = PlantedRlFixture.Trainer(options, feedback))
        {
            uninterrupted.Train(steps: 3);
            RlCheckpoint.Save(uninterrupted, dir.File("ckpt"));
            expected = uninterrupted.RunStep();
        }

        using var resumed = RlCheckpoint.Resume(dir.File("ckpt"), PlantedRlFixture.Tokenizer, PlantedRlFixture.Prompts, PlantedRlFixture.Gold);
        resumed.Step.Should().Be(3);
        var actual = resumed.RunStep();

        actual.Step.Should().Be(3);
        var compared = expected.Values.Keys.Where(k => !k.StartsWith("time/", StringComparison.Ordinal)).ToList();
        compared.Should().Contain(["objective/scores", "objective/kl", "loss/policy_avg", "kl_coef", "gold/score", "r2m/phi_drift"]);
        foreach (string key in compared) actual[key].Should().Be(expected[key], key);
        if (replaySteps > 0) actual["r2m/replay_steps"].Should().Be(replaySteps, "the two earlier steps' rollouts came back with the checkpoint");
    }

    [Fact]
    public void Missing_eos_penalty_lowers_the_reward_of_responses_that_never_ended()
    {
        var options = PlantedRlFixture.Options(RlAlgorithm.Rloo, steps: 1) with { KlMode = KlMode.None, MissingEosPenalty = -2.0, MaxNewTokens = 3 };
        using var trainer = PlantedRlFixture.Trainer(options, new PolicyFeedbackOptions { Mode = AlignerMode.Vanilla });

        var m = trainer.RunStep();

        m["completions/eos_rate"].Should().BeLessThan(1, "3 new tokens rarely reach EOS from a random policy");
        m["objective/rlhf_reward"].Should().BeApproximately(m["objective/scores"] - 2.0 * (1 - m["completions/eos_rate"]), 1e-4);
    }

    [Fact]
    public void Metrics_are_appended_as_jsonl_while_training_runs_and_reported_through_progress()
    {
        using var dir = new TempDir();
        var reported = new List<RlStepMetrics>();
        var options = PlantedRlFixture.Options(RlAlgorithm.Grpo, steps: 2) with { Progress = new SyncProgress<RlStepMetrics>(reported.Add), MetricsLogPath = dir.File("m.jsonl") };
        using var trainer = PlantedRlFixture.Trainer(options, new PolicyFeedbackOptions());

        trainer.Train();

        reported.Select(m => m.Step).Should().Equal(0, 1);
        var lines = File.ReadAllLines(dir.File("m.jsonl"));
        lines.Should().HaveCount(2);
        lines[1].Should().StartWith("{\"step\":1,").And.Contain("\"r2m/omega\":").And.Contain("\"gold/score\":").And.Contain("\"policy/clipfrac_avg\":");
    }
}

/// <summary>IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
