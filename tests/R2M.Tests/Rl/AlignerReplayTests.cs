using R2M.Estimators.Rl;
using R2M.MLNet.IO;
using R2M.MLNet.Native;
using R2M.MLNet.Rewards;
using R2M.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Rl;

/// <summary>The aligner's replay of earlier steps' rollouts: what it keeps, what it trains on, how it is saved.</summary>
public class AlignerReplayTests
{
    public AlignerReplayTests() => TorchRuntime.EnsureLoaded();

    private static void AddStep(AlignerReplay replay, int step, long width = 3, long policyWidth = 5)
    {
        using var scope = NewDisposeScope();
        using var value = ((float)step).ToScalar();
        using var negated = ((float)-step).ToScalar();
        var rte = full(4, width, value);
        using var feedback = new PolicyFeedback(full(4, 2, policyWidth, negated), ones(4, 2, dtype: ScalarType.Int64));
        replay.Add(step, rte, feedback, [step, 0.5, 0.25, 1], groupSize: 2);
    }

    /// <summary>A replay of capacity 3 holding <paramref name="steps"/>, saved to replay.safetensors in <paramref name="dir"/>.</summary>
    private static (AlignerReplay Replay, string Path) Saved(TempDir dir, params int[] steps)
    {
        var replay = new AlignerReplay(3);
        foreach (int step in steps) AddStep(replay, step);
        string path = dir.File("replay.safetensors");
        replay.Save(path);
        return (replay, path);
    }

    [Fact]
    public void It_keeps_the_newest_steps_up_to_its_capacity_and_nothing_at_capacity_zero()
    {
        using var replay = new AlignerReplay(2);
        using var none = new AlignerReplay(0);
        foreach (int step in new[] { 3, 4, 5 })
        {
            AddStep(replay, step);
            AddStep(none, step);
        }

        replay.Entries.Select(e => e.Step).Should().Equal([4, 5], "step 3 was dropped when step 5 came");
        replay.Entries.Last().RewardTokenEmbeddings.data<float>().ToArray().Should().OnlyContain(v => v == 5f, "a copy of the step's tensor is kept");
        none.Count.Should().Be(0);
    }

    [Fact]
    public void Saved_steps_load_back_with_their_tensors_gold_and_group_size()
    {
        using var dir = new TempDir();
        var (replay, path) = Saved(dir, 7, 8);
        using var saved = replay;

        using var loaded = new AlignerReplay(3);
        loaded.Load(path, CPU, rewardWidth: 3, policyWidth: 5);

        loaded.Entries.Select(e => (e.Step, e.GroupSize)).Should().Equal([(7, 2), (8, 2)]);
        foreach (var (a, b) in replay.Entries.Zip(loaded.Entries))
        {
            b.RewardTokenEmbeddings.allclose(a.RewardTokenEmbeddings, rtol: 0, atol: 0).Should().BeTrue();
            b.Feedback!.Hidden.allclose(a.Feedback!.Hidden, rtol: 0, atol: 0).Should().BeTrue();
            b.Feedback.Mask.allclose(a.Feedback.Mask, rtol: 0, atol: 0).Should().BeTrue();
            b.Gold.Should().Equal(a.Gold);
        }
    }

    [Fact]
    public void A_file_that_does_not_fit_the_models_or_the_capacity_is_refused_naming_the_tensor()
    {
        using var dir = new TempDir();
        var (replay, path) = Saved(dir, 1, 2);
        using var saved = replay;

        using var narrow = new AlignerReplay(3);
        AddStep(narrow, 9);
        Action wrongWidth = () => narrow.Load(path, CPU, rewardWidth: 4, policyWidth: 5);
        wrongWidth.Should().Throw<R2MModelFormatException>().Which.Message.Should().Be($"{path}: field '0.rte': width 3 is not the reward model's 4.");

        using var small = new AlignerReplay(1);
        Action tooMany = () => small.Load(path, CPU, rewardWidth: 3, policyWidth: 5);
        tooMany.Should().Throw<R2MModelFormatException>().WithMessage("*holds 2 steps but this trainer keeps at most 1*");

        Safetensors.Save(path, new Dictionary<string, Tensor> { ["0.info"] = tensor(new long[] { 1, 3 }), ["0.rte"] = zeros(4, 3) });
        Action badGroups = () => narrow.Load(path, CPU, rewardWidth: 3, policyWidth: 5);
        badGroups.Should().Throw<R2MModelFormatException>().WithMessage("*'0.info'*group size 3 do not fit 4 rows*");
        narrow.Entries.Select(e => e.Step).Should().Equal([9], "a refused file changes nothing");
    }

    [Fact]
    public void The_update_trains_on_kept_steps_that_read_feedback_so_not_on_step_0_scored_at_omega_1()
    {
        var options = PlantedRlFixture.Options(RlAlgorithm.Rloo, steps: 3);
        var feedback = new PolicyFeedbackOptions { Mode = AlignerMode.Oracle, LearningRate = 1e-2 };
        using var plain = PlantedRlFixture.Trainer(options, feedback);
        using var replaying = PlantedRlFixture.Trainer(options, feedback with { ReplaySteps = 1 });

        var steps = Enumerable.Range(0, 3).Select(_ => (Plain: plain.RunStep(), Replaying: replaying.RunStep())).ToList();

        steps[0].Replaying["r2m/phi_drift"].Should().Be(steps[0].Plain["r2m/phi_drift"], "nothing is kept before the first update");
        steps[1].Replaying["r2m/phi_drift"].Should().Be(steps[1].Plain["r2m/phi_drift"], "step 0 ran at ω = 1 and read no feedback, so it cannot join");
        steps[1].Replaying["r2m/replay_steps"].Should().Be(1);
        steps[2].Replaying["r2m/aligner_loss"].Should().Be(steps[2].Plain["r2m/aligner_loss"], "the logged loss is the step's own, from the same head and rollouts");
        steps[2].Replaying["r2m/phi_drift"].Should().NotBe(steps[2].Plain["r2m/phi_drift"], "step 1's rollouts joined step 2's loss");
    }
}
