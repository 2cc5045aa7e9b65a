using System.Globalization;
using System.Text.Json;
using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
using R2M.MLNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Benchmarks;

/// <summary>
/// KV-cache against full recomputation for batched sampling, and a training step (forward, loss,
/// backward, AdamW) in tokens per second, at one small Llama-shaped policy.
/// </summary>
internal static class GenerationBenchmark
{
    public static int Run(BenchArgs a)
    {
        R2M.MLNet.Native.NativeHeap.RetainFreedMemory(); // the heap policy the figures in docs/benchmarks.md were measured with
        int batch = a.Int("batch", 16), newTokens = a.Int("new-tokens", 128), prompt = a.Int("prompt", 32);
        int layers = a.Int("layers", 4), d = a.Int("d", 256), heads = a.Int("heads", 8), vocab = a.Int("vocab", 259);
        int repeats = a.Int("repeats", 3);
        Device device = new(a.String("device", "cpu"));
        string family = a.String("family", "llama");
        var dtype = a.String("dtype", "float32") switch
        {
            "float32" => ScalarType.Float32,
            "bf16" or "bfloat16" => ScalarType.BFloat16,
            var other => throw new ArgumentException($"--dtype must be float32 or bf16, got '{other}'."),
        };
        var config = family == "gpt2"
            ? CausalLMConfig.Gpt2(vocab, d, layers, heads, maxPositions: 1024)
            : CausalLMConfig.Llama(vocab, d, layers, heads, heads / 2, intermediateSize: 8 * d / 3 / 64 * 64 + 64, maxPositions: 4096);

        manual_seed(1);
        var model = new CausalLM(config);
        model.to(dtype);
        model.to(device);
        model.eval();
        long parameters = model.parameters().Sum(p => p.numel());
        var prompts = randint(0, vocab, [batch, prompt], dtype: ScalarType.Int64, device: device);
        var mask = ones_like(prompts);
        var options = new GenerationOptions { MaxNewTokens = newTokens, EosId = -1, PadId = 0, Temperature = 1.0, Seed = 1 };

        void Generate(bool cache, int tokens)
        {
            using var result = TextGenerator.Generate(model, prompts, mask, options with { UseCache = cache, MaxNewTokens = tokens });
        }
        double cacheSeconds = Measure.MedianSeconds(repeats, () => Generate(true, newTokens), device: device);
        double noCacheSeconds = Measure.MedianSeconds(repeats, () => Generate(false, newTokens), warmup: () => Generate(false, 8), device: device);
        // Profile of the cached step: tensor handles created per token (each one a libtorch call through P/Invoke) and
        // the time a token costs per handle: the step is dispatch-bound when that time is near a bare call's.
        static long Created() => DisposeScopeManager.Statistics.CreatedInScopeCount + DisposeScopeManager.Statistics.CreatedOutsideScopeCount;
        long createdBefore = Created();
        Generate(true, newTokens);
        double handlesPerToken = (double)(Created() - createdBefore) / newTokens;
        double generated = (double)batch * newTokens;
        double cacheRate = generated / cacheSeconds, noCacheRate = generated / noCacheSeconds;

        // Training step: causal-LM loss over batch x (prompt + new tokens), AdamW.
        int trainLength = prompt + newTokens;
        var trainIds = randint(0, vocab, [batch, trainLength], dtype: ScalarType.Int64, device: device);
        model.train();
        var optimizer = new HeldScalarOptimizers.AdamW(model.parameters(), lr: 1e-4);
        void ForwardBackward()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.Forward(trainIds).Logits;                                   // (B, T, V)
            nn.functional.cross_entropy(logits[.., ..^1].reshape(-1, vocab), trainIds[.., 1..].reshape(-1)).backward();
        }
        void Step()
        {
            ForwardBackward();
            optimizer.step();
        }
        double stepSeconds = Measure.MedianSeconds(repeats, Step, device: device);
        double trainRate = (double)batch * trainLength / stepSeconds;
        // The step in two parts, to tell the model's kernels from the optimizer's (TorchSharp's AdamW updates one
        // parameter at a time; PyTorch's CUDA default groups them): forward + backward, then the AdamW step alone.
        double forwardBackwardSeconds = Measure.MedianSeconds(repeats, ForwardBackward, device: device);
        double optimizerSeconds = Measure.MedianSeconds(repeats, () => optimizer.step(), device: device);

        // bf16 only: the same step with float32 master weights and AdamW state (MixedPrecision.BFloat16), the way
        // the trainers run bf16; the step above updates bf16 weights in place, as the PyTorch reference does.
        double masterStepSeconds = double.NaN;
        if (dtype == ScalarType.BFloat16)
        {
            using var master = MasterWeightOptimizer.AdamW([model], MixedPrecision.BFloat16, learningRate: 1e-4, weightDecay: 0.01);
            masterStepSeconds = Measure.MedianSeconds(repeats, () =>
            {
                using var scope = NewDisposeScope();
                master.ZeroGrad();
                var logits = model.Forward(trainIds).Logits.to_type(ScalarType.Float32);   // (B, T, V), loss in float32
                nn.functional.cross_entropy(logits[.., ..^1].reshape(-1, vocab), trainIds[.., 1..].reshape(-1)).backward();
                master.Step();
            }, device: device);
        }
        double masterTrainRate = (double)batch * trainLength / masterStepSeconds;

        string machine = Measure.Machine();
        Console.WriteLine($"generation benchmark: {family} policy, {layers} layers, d {d}, {heads} heads, vocab {vocab}, {parameters / 1e6:F1} M parameters, {dtype}, {device.type}");
        Console.WriteLine($"machine: {machine}; torch threads {get_num_threads()}; median of {repeats} runs");
        Console.WriteLine();
        Console.WriteLine("| measurement                              | seconds | tokens/s |");
        Console.WriteLine("|------------------------------------------|--------:|---------:|");
        Console.WriteLine($"| sample {batch}x{newTokens} new tokens, KV cache        | {cacheSeconds,7:F2} | {cacheRate,8:F0} |");
        Console.WriteLine($"| sample {batch}x{newTokens} new tokens, no cache        | {noCacheSeconds,7:F2} | {noCacheRate,8:F0} |");
        Console.WriteLine($"| train step {batch}x{trainLength} tokens (fwd+bwd+AdamW) | {stepSeconds,7:F2} | {trainRate,8:F0} |");
        if (!double.IsNaN(masterStepSeconds))
            Console.WriteLine($"| {"train step, bf16 + float32 masters",-40} | {masterStepSeconds,7:F2} | {masterTrainRate,8:F0} |");
        Console.WriteLine($"speedup (cache / no cache): {cacheRate / noCacheRate:F1}x");
        Console.WriteLine(FormattableString.Invariant($"cached step: {handlesPerToken:F0} tensor handles per token, {cacheSeconds / newTokens * 1e6 / handlesPerToken:F1} µs of the step per handle"));
        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "generation", ["device"] = device.type.ToString().ToLowerInvariant(), ["machine"] = machine,
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["family"] = family, ["dtype"] = dtype.ToString(), ["layers"] = layers, ["d"] = d, ["heads"] = heads, ["vocab"] = vocab, ["parameters"] = parameters,
            ["batch"] = batch, ["prompt_tokens"] = prompt, ["new_tokens"] = newTokens, ["repeats"] = repeats,
            ["tokens_per_s_cache"] = Math.Round(cacheRate, 1), ["tokens_per_s_nocache"] = Math.Round(noCacheRate, 1),
            ["speedup"] = Math.Round(cacheRate / noCacheRate, 2), ["cached_handles_per_token"] = Math.Round(handlesPerToken, 1), ["train_tokens_per_s"] = Math.Round(trainRate, 1),
            ["train_step_s"] = Math.Round(stepSeconds, 3), ["train_forward_backward_s"] = Math.Round(forwardBackwardSeconds, 4),
            ["train_optimizer_s"] = Math.Round(optimizerSeconds, 4), ["peak_rss_mib"] = PeakRss(),
            ["train_tokens_per_s_master"] = double.IsNaN(masterTrainRate) ? null! : Math.Round(masterTrainRate, 1),
        };
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }

    private static double PeakRss() => Math.Round(Measure.PeakRssMiB(), 1);
}
