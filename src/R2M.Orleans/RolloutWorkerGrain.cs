using R2M.MLNet.IO;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using R2M.Estimators.Rl;
using R2M.MLNet;
using R2M.MLNet.Rewards;
using R2M.MLNet.Sequences;
using static TorchSharp.torch;

namespace R2M.Orleans;

/// <summary>
/// Samples chunks with this silo's copy of the policy through <see cref="InProcessRolloutBackend.GenerateChunk"/>,
/// the code the learner runs in process, so a chunk's tokens do not depend on where it ran. Weights are fetched
/// only when the request's version differs from the one loaded.
/// </summary>
[SiloKeyPlacement]
internal sealed class RolloutWorkerGrain(IOptions<R2MWorkerOptions> options, ILocalSiloDetails silo, IServiceProvider services)
    : Grain, IRolloutWorkerGrain, IDisposable
{
    private WorkerPolicy? model;
    private SequenceCodec? codec;
    private WeightsVersion? loaded;
    private WorkerRewardModel? rewardModel;
    private SequenceCodec? rewardCodec;

    public async Task<RolloutChunkResult> Generate(RolloutChunkRequest request)
    {
        if (options.Value.BeforeChunk is { } hook) await hook(silo.SiloAddress, request);
        model ??= (options.Value.CreatePolicy ?? throw new InvalidOperationException("R2MWorkerOptions.CreatePolicy is not set."))(services);
        codec ??= new SequenceCodec(model.Tokenizer);
        if (request.EmbedRewards && rewardModel is null)
        {
            rewardModel = (options.Value.CreateRewardModel ?? throw new InvalidOperationException(
                "The learner asked for reward embeddings on workers, but R2MWorkerOptions.CreateRewardModel is not set."))(services);
            rewardCodec = new SequenceCodec(rewardModel.Tokenizer);
        }

        var watch = Stopwatch.StartNew();
        long bytes = 0;
        if (loaded != request.Weights.Version)
        {
            bytes = await Sync(request.Weights);
            loaded = request.Weights.Version;
        }
        double sync = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var sampling = new PolicyOptimizationOptions
        {
            MaxNewTokens = request.MaxNewTokens, Temperature = request.Temperature, TopK = request.TopK, TopP = request.TopP,
        };
        var chunk = new RolloutChunk(request.Step, request.Index, request.Prompts, request.Seed);
        var result = await Task.Run(() =>
        {
            using var scope = NewDisposeScope();
            var g = new InProcessRolloutBackend(model.Policy, codec, sampling).GenerateChunk(chunk);
            float[]? rte = request.EmbedRewards
                ? RewardFunction.Embed(rewardModel!.Model, rewardCodec!, chunk.Prompts, g.Responses).to_type(ScalarType.Float32).cpu().data<float>().ToArray()
                : null;                                                                      // (N, D_rm) row-major
            return (Rows: (int)g.Sequences.shape[0], Columns: (int)g.Sequences.shape[1], g.PromptLength,
                Sequences: g.Sequences.cpu().data<long>().ToArray(), Mask: g.AttentionMask.cpu().data<long>().ToArray(), g.Responses, Rte: rte);
        });
        return new RolloutChunkResult(request.Index, result.Rows, result.Columns, result.PromptLength, result.Sequences, result.Mask,
            result.Responses, silo.SiloAddress.ToParsableString(), sync, bytes, watch.Elapsed.TotalSeconds, result.Rte);
    }

    /// <summary>Loads the weights of <paramref name="weights"/> into the policy; returns the bytes read.</summary>
    private async Task<long> Sync(WeightsRef weights)
    {
        Dictionary<string, Tensor> tensors;
        if (weights.SharedPath is { } path)
        {
            long length = new FileInfo(path).Length;
            if (length != weights.Bytes) throw new InvalidDataException($"Weights {weights.Version} at {path} have {length} bytes; the learner wrote {weights.Bytes}.");
            tensors = await Task.Run(() => Safetensors.Load(path));
        }
        else
        {
            var source = weights.Source ?? throw new InvalidOperationException("A weights reference needs a source or a shared path.");
            using var buffer = new MemoryStream((int)weights.Bytes);
            for (int i = 0; i < weights.Chunks; i++) buffer.Write(await source.Read(weights.Version, i));
            if (buffer.Length != weights.Bytes)
                throw new InvalidDataException($"Weights {weights.Version} arrived with {buffer.Length} bytes; the learner published {weights.Bytes}.");
            tensors = await Task.Run(() => Safetensors.Load(buffer.ToArray()));
        }
        var policy = model!.Policy;
        await Task.Run(() =>
        {
            try
            {
                using var noGrad = no_grad();
                var state = policy.state_dict();
                if (!state.Keys.Order().SequenceEqual(tensors.Keys.Order()))
                    throw new InvalidDataException("The learner's policy weights do not match the worker's architecture (different state-dict keys).");
                foreach (var (name, tensor) in state) tensor.copy_(tensors[name]);
            }
            finally
            {
                foreach (var t in tensors.Values) t.Dispose();
            }
        });
        return weights.Bytes;
    }

    public void Dispose()
    {
        model?.Policy.Dispose();
        rewardModel?.Model.Dispose();
    }
}
