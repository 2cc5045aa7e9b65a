using System.Collections.Concurrent;
using System.Diagnostics;
using Orleans.Runtime;
using R2M.Estimators.Rl;
using R2M.MLNet.Modeling;
using static TorchSharp.torch;

namespace R2M.Orleans;

/// <summary>
/// The learner's rollout backend on an Orleans cluster: each step publishes the policy's weights under a new
/// version, then hands the step's chunks to the active silos' <see cref="IRolloutWorkerGrain"/>s, each taking
/// the next chunk when free. A chunk whose worker fails or times out goes back in the queue and that worker sits
/// out the rest of the round (when all have failed, a new round starts after a pause with the silos then active,
/// at most <see cref="OrleansRolloutOptions.MaxRounds"/>), so every chunk is kept from exactly one answer. Results come back in chunk
/// order. Step metrics: <c>cluster/retries</c>, <c>cluster/workers</c>, <c>cluster/weight_bytes</c>,
/// <c>time/weight_publish_s</c>, <c>time/weight_sync_s</c> (slowest worker), <c>time/worker_busy_s</c> (the busiest
/// worker's sync and sampling time), <c>time/dispatch_overhead_s</c> (the rest of the step's rollout wall time).
/// </summary>
public sealed class OrleansRolloutBackend : IRolloutBackend
{
    private readonly IGrainFactory grains;
    private readonly CausalLM policy;
    private readonly PolicyOptimizationOptions options;
    private readonly OrleansRolloutOptions cluster;
    private readonly PolicyWeightSource source;
    private readonly IWeightSource sourceReference; // the object is held weakly by Orleans: keep both alive here

    /// <summary>Creates the backend for <paramref name="policy"/> (the learner's), sampling with <paramref name="options"/>.</summary>
    public OrleansRolloutBackend(IGrainFactory grains, CausalLM policy, PolicyOptimizationOptions options, OrleansRolloutOptions? cluster = null)
    {
        this.cluster = cluster ?? new OrleansRolloutOptions();
        this.cluster.Validate();
        (this.grains, this.policy, this.options) = (grains, policy, options);
        source = new PolicyWeightSource(this.cluster.WeightChunkBytes, this.cluster.SharedWeightsDirectory);
        sourceReference = grains.CreateObjectReference<IWeightSource>(source);
    }

    /// <inheritdoc />
    public IReadOnlyList<GeneratedRollouts> Generate(int step, IReadOnlyList<RolloutChunk> chunks, IDictionary<string, double> metrics)
    {
        var watch = Stopwatch.StartNew();
        var weights = source.Publish(policy, step, sourceReference, out _);
        metrics["time/weight_publish_s"] = watch.Elapsed.TotalSeconds;
        var results = Task.Run(() => DispatchAsync(step, chunks, weights, metrics)).GetAwaiter().GetResult();
        Device device = policy.Body.TokenEmbeddingWeight.device;
        var parts = results.Select(r => new GeneratedRollouts(
            tensor(r.Sequences, [r.Rows, r.Columns], device: device), tensor(r.AttentionMask, [r.Rows, r.Columns], device: device),
            r.PromptLength, r.Responses)
        {
            RewardTokenEmbeddings = r.RewardTokenEmbeddings is { } rte ? tensor(rte, [r.Rows, rte.Length / Math.Max(1, r.Rows)], device: device) : null,
        }).ToArray();
        // The busiest worker's own time (weight sync + sampling, summed over its chunks) is the step's critical path;
        // the rest of the wall time is the cluster's: messages, (de)serialisation, queueing.
        double busiest = results.GroupBy(r => r.Worker).Max(g => g.Sum(r => r.WeightSyncSeconds + r.GenerationSeconds));
        metrics["time/worker_busy_s"] = busiest;
        metrics["time/dispatch_overhead_s"] = Math.Max(0, watch.Elapsed.TotalSeconds - metrics["time/weight_publish_s"] - busiest);
        return parts;
    }

    private async Task<RolloutChunkResult[]> DispatchAsync(int step, IReadOnlyList<RolloutChunk> chunks, WeightsRef weights, IDictionary<string, double> metrics)
    {
        var results = new RolloutChunkResult?[chunks.Count];
        var queue = new ConcurrentQueue<RolloutChunk>(chunks);
        var failed = new ConcurrentDictionary<string, Exception>();   // sitting out this round
        var everFailed = new ConcurrentDictionary<string, bool>();
        int retries = 0, rounds = 0;
        var workers = await Workers();
        metrics["cluster/workers"] = workers.Count;
        while (!queue.IsEmpty)
        {
            var alive = workers.Where(w => !failed.ContainsKey(w)).ToList();
            if (alive.Count == 0)
            {
                // Every worker failed this round: a lost gateway or directory partition can fail healthy workers'
                // calls too. Let membership settle, then try the silos still active (or newly joined) again.
                if (++rounds > cluster.MaxRounds)
                    throw new InvalidOperationException($"Step {step}: every rollout worker failed in {cluster.MaxRounds} rounds.", failed.Values.LastOrDefault());
                await Task.Delay(TimeSpan.FromSeconds(rounds)).ConfigureAwait(false);
                workers = await Workers().ConfigureAwait(false);
                failed.Clear();
                continue;
            }
            await Task.WhenAll(alive.Select(async worker =>
            {
                var grain = grains.GetGrain<IRolloutWorkerGrain>(worker);
                while (queue.TryDequeue(out var chunk))
                {
                    try
                    {
                        var request = new RolloutChunkRequest(step, chunk.Index, [.. chunk.Prompts], chunk.Seed, options.MaxNewTokens,
                            options.Temperature, options.TopK, options.TopP, weights, cluster.EmbedRewardsOnWorkers);
                        var result = await grain.Generate(request).WaitAsync(cluster.ChunkTimeout).ConfigureAwait(false);
                        if (result.Index != chunk.Index || result.Responses.Length != chunk.Prompts.Count
                            || (cluster.EmbedRewardsOnWorkers && result.RewardTokenEmbeddings is not { Length: > 0 }))
                            throw new InvalidDataException($"Worker {worker} answered chunk {chunk.Index} with chunk {result.Index} of {result.Responses.Length} rows.");
                        results[chunk.Index] = result;
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        failed[worker] = e;
                        everFailed[worker] = true;
                        Interlocked.Increment(ref retries);
                        queue.Enqueue(chunk);
                        return; // this worker sits out the rest of the step
                    }
                }
            })).ConfigureAwait(false);
        }
        metrics["cluster/retries"] = retries;
        metrics["cluster/failed_workers"] = everFailed.Count;
        var done = results.Select((r, i) => r ?? throw new InvalidOperationException($"Step {step}: chunk {i} has no result.")).ToArray();
        metrics["cluster/weight_bytes"] = done.Sum(r => (double)r.WeightBytes);
        metrics["time/weight_sync_s"] = done.Max(r => r.WeightSyncSeconds);
        return done;
    }

    /// <summary>The active silos' worker keys, in a fixed order.</summary>
    private async Task<List<string>> Workers()
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false);
        return hosts.Where(h => h.Value == SiloStatus.Active).Select(h => h.Key.ToParsableString()).Order(StringComparer.Ordinal).ToList();
    }
}
