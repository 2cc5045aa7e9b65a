using Orleans.Runtime;

namespace R2M.Orleans;

/// <summary>Settings of a rollout worker silo (<c>AddR2MWorker</c>, <see cref="R2MOrleansHostingExtensions"/>).</summary>
public sealed class R2MWorkerOptions
{
    /// <summary>Builds the worker's policy (architecture and tokenizer) once per worker. Required.</summary>
    public Func<IServiceProvider, WorkerPolicy>? CreatePolicy { get; set; }

    /// <summary>
    /// Loads the frozen reward model once per worker (null: this worker cannot embed rewards; the learner then must
    /// leave <see cref="OrleansRolloutOptions.EmbedRewardsOnWorkers"/> off).
    /// </summary>
    public Func<IServiceProvider, WorkerRewardModel>? CreateRewardModel { get; set; }

    /// <summary>
    /// Torch intra-op threads of this process (null = torch's default, all cores). Set it to cores ÷ workers when
    /// several worker processes share a machine, so they do not oversubscribe the cores.
    /// </summary>
    public int? TorchThreads { get; set; }

    /// <summary>Called before each chunk on the worker's silo (tests use it to hold a chunk while a silo stops).</summary>
    public Func<SiloAddress, RolloutChunkRequest, Task>? BeforeChunk { get; set; }
}
