using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;
using R2M.MLNet.Modeling;
using R2M.Orleans;
using R2M.Tests.Rl;

namespace R2M.Tests.Orleans;

/// <summary>
/// A TestCluster silo that hosts a rollout worker for the planted task's tiny policy. Silos run in the test
/// process, so <see cref="BeforeChunk"/> lets a test hold a chunk on one silo.
/// </summary>
internal sealed class WorkerSilo : ISiloConfigurator
{
    public static Func<SiloAddress, RolloutChunkRequest, Task>? BeforeChunk;

    public void Configure(ISiloBuilder builder) => builder.AddR2MWorker(o =>
    {
        o.CreatePolicy = _ => new WorkerPolicy(new CausalLM(PlantedRlFixture.PolicyConfig), PlantedRlFixture.Tokenizer);
        o.CreateRewardModel = _ => new WorkerRewardModel(PlantedRlFixture.RewardModel(), PlantedRlFixture.Tokenizer);
        o.BeforeChunk = (silo, request) => BeforeChunk?.Invoke(silo, request) ?? Task.CompletedTask;
    });

    public static async Task<TestCluster> StartAsync()
    {
        var cluster = new TestClusterBuilder(2).AddSiloBuilderConfigurator<WorkerSilo>().Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
