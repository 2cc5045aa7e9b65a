using R2M.MLNet.IO;
using Orleans.Runtime;
using R2M.Estimators.Rl;
using R2M.MLNet.Modeling;
using R2M.MLNet;
using R2M.Orleans;
using R2M.Tests.Infrastructure;
using R2M.Tests.Rl;
using static TorchSharp.torch;

namespace R2M.Tests.Orleans;

/// <summary>
/// The learner on an in-process Orleans TestCluster (2 silos, loopback) against the in-process backend, on the
/// planted task with 4 prompts per step in chunks of 1 (4 chunks over 2 workers).
/// </summary>
public class OrleansRolloutTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(3);

    private static PolicyOptimizationOptions Options(int steps) =>
        PlantedRlFixture.Options(RlAlgorithm.Rloo, steps) with { RolloutChunkPrompts = 1, GoldJudge = PlantedRlFixture.Gold };

    private static RlTrainer Trainer(PolicyOptimizationOptions options, Func<CausalLM, IRolloutBackend>? backend = null)
    {
        var (policy, reference) = PlantedRlFixture.Policies(1);
        return new RlTrainer(policy, reference, PlantedRlFixture.RewardModel(), PlantedRlFixture.Tokenizer, PlantedRlFixture.Prompts,
            options, new PolicyFeedbackOptions(), rollouts: backend?.Invoke(policy));
    }

    private static IEnumerable<string> Compared(RlStepMetrics m) =>
        m.Values.Keys.Where(k => !k.StartsWith("time/", StringComparison.Ordinal) && !k.StartsWith("cluster/", StringComparison.Ordinal));

    [Fact]
    public async Task A_two_silo_cluster_run_with_reward_embeddings_on_workers_gives_the_same_metrics_as_the_in_process_run()
    {
        var options = Options(steps: 3);
        IReadOnlyList<RlStepMetrics> expected;
        using (var local = Trainer(options)) expected = local.Train();

        var cluster = await WorkerSilo.StartAsync();
        try
        {
            using var remote = Trainer(options, policy => new OrleansRolloutBackend(cluster.Client, policy, options,
                new OrleansRolloutOptions { EmbedRewardsOnWorkers = true }));
            long weightFile = Safetensors.ToBytes(remote.Policy.state_dict()).LongLength;
            var actual = await Task.Run(() => remote.Train()).WaitAsync(Hang);

            actual.Should().HaveCount(3);
            for (int step = 0; step < 3; step++)
            {
                Compared(actual[step]).Should().BeEquivalentTo(Compared(expected[step]));
                Compared(expected[step]).Should().Contain(["objective/scores", "objective/kl", "loss/policy_avg", "r2m/aligner_loss", "gold/score"]);
                foreach (string key in Compared(expected[step])) actual[step][key].Should().Be(expected[step][key], $"step {step}, {key}");
                actual[step]["cluster/workers"].Should().Be(2);
                actual[step]["cluster/retries"].Should().Be(0);
                double fetched = actual[step]["cluster/weight_bytes"];
                (fetched % weightFile).Should().Be(0, "each worker fetches a version's weights whole, once");
                fetched.Should().BeInRange(weightFile, 2 * weightFile, "a worker fetches only when the version changes: once per step");
            }
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Stopping_a_silo_during_a_step_re_dispatches_its_chunk_and_every_prompt_is_scored_once()
    {
        var options = Options(steps: 1);
        using var local = Trainer(options);
        using var expected = local.CollectRollout();

        var cluster = await WorkerSilo.StartAsync();
        var victim = cluster.SecondarySilos[0].SiloAddress;
        var held = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        WorkerSilo.BeforeChunk = async (silo, request) =>
        {
            if (!silo.Equals(victim) || !held.TrySetResult(request.Index)) return;
            await release.Task; // hold the victim's first chunk until its silo is gone; then do no torch work that
            throw new OperationCanceledException("the silo was stopped"); // would outlive the test (silos share the process)
        };
        try
        {
            using var remote = Trainer(options, policy => new OrleansRolloutBackend(cluster.Client, policy, options,
                new OrleansRolloutOptions { ChunkTimeout = TimeSpan.FromSeconds(15) }));
            var metrics = new Dictionary<string, double>();
            var collect = Task.Run(() => remote.CollectRollout(metrics));
            int heldChunk = await held.Task.WaitAsync(Hang);
            await cluster.KillSiloAsync(cluster.SecondarySilos[0]).WaitAsync(Hang);
            release.SetResult();
            using var actual = await collect.WaitAsync(Hang);

            heldChunk.Should().BeInRange(0, 3);
            metrics["cluster/retries"].Should().BeGreaterThanOrEqualTo(1, "the held chunk was re-dispatched");
            metrics["cluster/failed_workers"].Should().BeInRange(1, 2, "the stopped silo's worker failed (a call routed through it may fail too)");
            actual.Prompts.Should().Equal(expected.Prompts, "every prompt of the step once, in order");
            actual.Responses.Should().Equal(expected.Responses);
            Tensors.BitEqual(actual.Sequences, expected.Sequences).Should().BeTrue();
            Tensors.BitEqual(actual.Scores, expected.Scores).Should().BeTrue("each row scored once, as in process");
        }
        finally
        {
            WorkerSilo.BeforeChunk = null;
            release.TrySetResult();
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Weights_read_from_a_shared_path_give_the_same_rollouts_as_weights_fetched_from_the_learner()
    {
        var options = Options(steps: 1);
        using var local = Trainer(options);
        using var expected = local.CollectRollout();
        string shared = Directory.CreateTempSubdirectory("r2m-weights-").FullName;
        var cluster = await WorkerSilo.StartAsync();
        try
        {
            using var remote = Trainer(options, policy => new OrleansRolloutBackend(cluster.Client, policy, options,
                new OrleansRolloutOptions { SharedWeightsDirectory = shared }));
            var metrics = new Dictionary<string, double>();
            using var actual = await Task.Run(() => remote.CollectRollout(metrics)).WaitAsync(Hang);

            Directory.GetFiles(shared, "*.safetensors").Should().ContainSingle("the learner wrote this version's weights there");
            metrics["cluster/weight_bytes"].Should().BePositive();
            actual.Responses.Should().Equal(expected.Responses);
            Tensors.BitEqual(actual.Scores, expected.Scores).Should().BeTrue();
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
            Directory.Delete(shared, recursive: true);
        }
    }

    [Fact]
    public async Task A_learner_resumed_from_its_checkpoint_continues_on_the_cluster_as_the_uninterrupted_run_does()
    {
        var options = Options(steps: 3);
        RlStepMetrics expected;
        using (var local = Trainer(options))
        {
            local.Train(steps: 2);
            expected = local.RunStep();
        }

        using var dir = new TempDir();
        var cluster = await WorkerSilo.StartAsync();
        try
        {
            using (var first = Trainer(options, policy => new OrleansRolloutBackend(cluster.Client, policy, options)))
            {
                await Task.Run(() => first.Train(steps: 2)).WaitAsync(Hang);
                RlCheckpoint.Save(first, dir.File("ckpt"));
            } // the learner dies; the workers keep the weights of its last version

            using var resumed = RlCheckpoint.Resume(dir.File("ckpt"), PlantedRlFixture.Tokenizer, PlantedRlFixture.Prompts, PlantedRlFixture.Gold,
                rollouts: (policy, rl) => new OrleansRolloutBackend(cluster.Client, policy, rl));
            resumed.Step.Should().Be(2);
            var actual = await Task.Run(() => resumed.RunStep()).WaitAsync(Hang);

            actual["cluster/weight_bytes"].Should().BePositive("a new learner run is a new weights version: workers refetch");
            Compared(actual).Should().BeEquivalentTo(Compared(expected));
            foreach (string key in Compared(expected)) actual[key].Should().Be(expected[key], key);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
