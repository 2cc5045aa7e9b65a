using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
using R2M.MLNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Benchmarks;

/// <summary>
/// Each workload as a fraction of this machine's own limit, measured in the same run with TorchSharp: memory read
/// bandwidth (a large tensor summed) and matmul peak (square matmuls). Decode is bound by bytes read per step
/// (weights and KV cache ÷ bandwidth); prefill by FLOPs ÷ peak; a training step by FLOPs ÷ peak plus the AdamW
/// state it streams ÷ bandwidth. Also the share of CPU time spent in the kernel and the peak RSS.
/// </summary>
internal static class RooflineBenchmark
{
    public static int Run(BenchArgs a)
    {
        R2M.MLNet.Native.NativeHeap.RetainFreedMemory(); // the heap policy the figures in docs/benchmarks.md were measured with
        string preset = a.String("preset", "qwen2.5-0.5b");
        var p = ModelShape.Preset(preset);
        var shape = new ModelShape(a.Int("layers", p.Layers), a.Int("d", p.D), a.Int("heads", p.Heads), a.Int("kv-heads", p.KvHeads),
            a.Int("intermediate", p.Intermediate), a.Int("vocab", p.Vocab), a.String("tied", p.Tied ? "true" : "false") == "true");
        var dtype = a.String("dtype", "float32") switch
        {
            "float32" => ScalarType.Float32,
            "bf16" or "bfloat16" => ScalarType.BFloat16,
            var other => throw new ArgumentException($"--dtype must be float32 or bf16, got '{other}'."),
        };
        int batch = a.Int("batch", 4), prompt = a.Int("prompt", 32), newTokens = a.Int("new-tokens", 32), trainLength = a.Int("train-length", 64);
        int repeats = a.Int("repeats", 3);
        bool train = a.String("train", "true") == "true";
        int elementBytes = dtype == ScalarType.Float32 ? 4 : 2;
        var cpu = new CpuClock();

        // The machine's limits, with TorchSharp itself.
        double bandwidth = Bandwidth(repeats);
        // libtorch's CPU bf16 GEMM took about 55 s for one 2048² product on the 2-core EPYC (float32: 0.12 s), so
        // bf16's peak is measured at 512² unless --peak-n says otherwise.
        int peakN = a.Int("peak-n", dtype == ScalarType.Float32 ? 2048 : 512);
        double peak = MatmulPeak(dtype, repeats, peakN);
        var limits = cpu.Lap();

        manual_seed(1);
        var config = shape.Config();
        using var model = new CausalLM(config);
        model.to(dtype);
        model.eval();
        long parameters = model.parameters().Sum(t => t.numel());
        long embedding = (long)shape.Vocab * shape.D;
        // Matmul weights: everything but norms; the output head reads the (tied) embedding matrix once per token.
        long matmulParameters = parameters - embedding + (long)shape.Vocab * shape.D - NormParameters(shape) - (shape.Tied ? 0 : embedding);
        int headDim = shape.D / shape.Heads;

        // Decode: time of prompt + N tokens minus prompt + 1 token, per step.
        var prompts = randint(0, shape.Vocab, [batch, prompt], dtype: ScalarType.Int64);
        var mask = ones_like(prompts);
        var options = new GenerationOptions { MaxNewTokens = newTokens, EosId = -1, PadId = 0, Temperature = 1.0, Seed = 1 };
        double Generate(int tokens)
        {
            var watch = Stopwatch.StartNew();
            using var result = TextGenerator.Generate(model, prompts, mask, options with { MaxNewTokens = tokens });
            return watch.Elapsed.TotalSeconds;
        }
        double prefillSeconds = Measure.MedianSeconds(repeats, () => Generate(1));
        double fullSeconds = Measure.MedianSeconds(repeats, () => Generate(newTokens));
        double decodeStep = (fullSeconds - prefillSeconds) / (newTokens - 1);
        double meanContext = prompt + newTokens / 2.0;
        double weightBytes = (double)(parameters - (shape.Tied ? 0 : embedding)) * elementBytes;
        double kvBytes = 2.0 * shape.Layers * shape.KvHeads * headDim * meanContext * batch * elementBytes;
        double decodeLimitStep = (weightBytes + kvBytes) / bandwidth;
        var decodeCpu = cpu.Lap();
        // Where a decode step's time goes: the output head's matmul and one layer's seven matmuls at M = batch rows,
        // timed alone, and the rest (attention over the cache, norms, RoPE, sampling, dispatch) by difference.
        var (headMs, layerMatmulMs, layerBytes) = DecodeProfile(model, shape, batch, dtype, elementBytes, repeats);
        double layersMs = layerMatmulMs * shape.Layers;
        var (samplingMs, drawMs) = SamplingProfile(batch, shape.Vocab, options, repeats);
        double restMs = decodeStep * 1e3 - headMs - layersMs - samplingMs;
        double headBytes = (double)embedding * elementBytes;
        cpu.Lap();

        // Prefill: 2 FLOPs per matmul weight per token, plus attention (QKᵀ and AV: 4·T²·d per layer per row).
        double prefillFlops = 2.0 * matmulParameters * batch * prompt + 4.0 * batch * prompt * prompt * shape.D * shape.Layers;
        double prefillLimit = prefillFlops / peak;

        // Training: forward + backward (6 FLOPs per matmul weight per token) and AdamW (reads p, g, m, v; writes p, m, v).
        double trainSeconds = double.NaN, trainLimit = double.NaN, trainFlops = double.NaN, optimizerBytes = double.NaN;
        (double User, double System) trainCpu = (double.NaN, double.NaN), firstStepCpu = (double.NaN, double.NaN);
        if (train)
        {
            model.train();
            var ids = randint(0, shape.Vocab, [batch, trainLength], dtype: ScalarType.Int64);
            using var optimizer = new HeldScalarOptimizers.AdamW(model.parameters(), lr: 1e-5);
            void Step()
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var logits = model.Forward(ids).Logits;                                             // (B, T, V)
                nn.functional.cross_entropy(logits[.., ..^1].reshape(-1, shape.Vocab), ids[.., 1..].reshape(-1)).backward();
                optimizer.step();
            }
            // The first step touches every gradient and AdamW buffer for the first time (the kernel zeroes each new
            // page): its kernel share is reported apart from the steady steps', where freed memory is reused or not.
            cpu.Lap();
            Step();
            firstStepCpu = cpu.Lap();
            trainSeconds = Measure.MedianSeconds(repeats, Step, warmup: () => { });
            trainCpu = cpu.Lap();
            trainFlops = 6.0 * matmulParameters * batch * trainLength + 12.0 * batch * trainLength * trainLength * shape.D * shape.Layers;
            optimizerBytes = 7.0 * parameters * elementBytes;
            trainLimit = trainFlops / peak + optimizerBytes / bandwidth;
        }

        string machine = Measure.Machine();
        double rss = Measure.PeakRssMiB();
        Console.WriteLine($"roofline: {preset} shapes ({shape.Layers} layers, d {shape.D}, {shape.Heads}/{shape.KvHeads} heads, intermediate {shape.Intermediate}, vocab {shape.Vocab}, {(shape.Tied ? "tied" : "untied")} head), {parameters / 1e6:F0} M parameters, {dtype}");
        Console.WriteLine($"machine: {machine}; torch threads {get_num_threads()}; median of {repeats}");
        Console.WriteLine(FormattableString.Invariant($"limits: memory read {bandwidth / 1e9:F1} GB/s, matmul peak {peak / 1e9:F0} GFLOP/s ({dtype}, {peakN}² products)"));
        Console.WriteLine();
        Console.WriteLine("| workload | measured | its limit | fraction of limit | CPU time in kernel |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(FormattableString.Invariant($"| decode step, batch {batch} ({(weightBytes + kvBytes) / 1e9:F2} GB read) | {decodeStep * 1e3:F0} ms ({batch / decodeStep:F1} tokens/s) | {decodeLimitStep * 1e3:F0} ms ({batch / decodeLimitStep:F1} tokens/s) | {decodeLimitStep / decodeStep:F2} | {Share(decodeCpu):P0} |"));
        Console.WriteLine(FormattableString.Invariant($"| prefill {batch}×{prompt} ({prefillFlops / 1e9:F0} GFLOP) | {prefillSeconds:F2} s | {prefillLimit:F2} s | {prefillLimit / prefillSeconds:F2} | |"));
        if (train)
            Console.WriteLine(FormattableString.Invariant($"| training step {batch}×{trainLength} ({trainFlops / 1e9:F0} GFLOP, {optimizerBytes / 1e9:F1} GB AdamW) | {trainSeconds:F2} s | {trainLimit:F2} s | {trainLimit / trainSeconds:F2} | {Share(trainCpu):P0} (first step {Share(firstStepCpu):P0}) |"));
        Console.WriteLine();
        Console.WriteLine("| decode step, part | ms | bytes read | GB/s | fraction of measured bandwidth |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(FormattableString.Invariant($"| output head, {shape.Vocab}×{shape.D} matmul at M = {batch} | {headMs:F1} | {headBytes / 1e9:F2} GB | {headBytes / headMs / 1e6:F1} | {headBytes / headMs / 1e6 / (bandwidth / 1e9):F2} |"));
        Console.WriteLine(FormattableString.Invariant($"| {shape.Layers} layers × 7 matmuls at M = {batch} | {layersMs:F1} | {layerBytes * shape.Layers / 1e9:F2} GB | {layerBytes * shape.Layers / layersMs / 1e6:F1} | {layerBytes * shape.Layers / layersMs / 1e6 / (bandwidth / 1e9):F2} |"));
        Console.WriteLine(FormattableString.Invariant($"| sampling one token per row from ({batch}, {shape.Vocab}) float32 logits (of which the uniform draws: {drawMs:F1} ms) | {samplingMs:F1} | | | |"));
        Console.WriteLine(FormattableString.Invariant($"| the rest (attention, norms, RoPE, casts, dispatch) | {restMs:F1} | | | |"));
        Console.WriteLine(FormattableString.Invariant($"peak RSS {rss:F0} MiB; the limits' own measurement took {limits.User + limits.System:F1} s of CPU"));
        var json = new Dictionary<string, object?>
        {
            ["benchmark"] = "roofline", ["preset"] = preset, ["machine"] = machine, ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["dtype"] = dtype.ToString(), ["layers"] = shape.Layers, ["d"] = shape.D, ["heads"] = shape.Heads, ["kv_heads"] = shape.KvHeads,
            ["intermediate"] = shape.Intermediate, ["vocab"] = shape.Vocab, ["tied"] = shape.Tied, ["parameters"] = parameters,
            ["batch"] = batch, ["prompt_tokens"] = prompt, ["new_tokens"] = newTokens, ["train_length"] = trainLength,
            ["bandwidth_gb_s"] = Math.Round(bandwidth / 1e9, 2), ["matmul_peak_gflop_s"] = Math.Round(peak / 1e9, 1),
            ["decode_step_ms"] = Math.Round(decodeStep * 1e3, 1), ["decode_tokens_per_s"] = Math.Round(batch / decodeStep, 2),
            ["decode_fraction"] = Math.Round(decodeLimitStep / decodeStep, 3), ["decode_system_share"] = Math.Round(Share(decodeCpu), 3),
            ["decode_head_ms"] = Math.Round(headMs, 2), ["decode_layer_matmuls_ms"] = Math.Round(layersMs, 2), ["decode_rest_ms"] = Math.Round(restMs, 2),
            ["decode_sampling_ms"] = Math.Round(samplingMs, 2), ["decode_uniform_draws_ms"] = Math.Round(drawMs, 2),
            ["prefill_s"] = Math.Round(prefillSeconds, 3), ["prefill_fraction"] = Math.Round(prefillLimit / prefillSeconds, 3),
            ["train_step_s"] = train ? Math.Round(trainSeconds, 3) : null, ["train_fraction"] = train ? Math.Round(trainLimit / trainSeconds, 3) : null,
            ["train_system_share"] = train ? Math.Round(Share(trainCpu), 3) : null,
            ["train_first_step_system_share"] = train ? Math.Round(Share(firstStepCpu), 3) : null, ["heap_retains_freed_memory"] = R2M.MLNet.Native.NativeHeap.Retaining, ["peak_rss_mib"] = Math.Round(rss, 1),
        };
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }

    /// <summary>
    /// Milliseconds of the output head's matmul (hidden (B, D) against the tied embedding) and of one layer's seven
    /// projections at M = B rows, each the median of repeated calls without gradients; and one layer's weight bytes.
    /// </summary>
    private static (double HeadMs, double LayerMs, double LayerBytes) DecodeProfile(CausalLM model, ModelShape shape, int batch, ScalarType dtype, int elementBytes, int repeats)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int headDim = shape.D / shape.Heads;
        var x = randn(batch, shape.D).to(dtype);
        var head = model.Body.TokenEmbeddingWeight;
        long[][] shapes =
        [
            [shape.Heads * headDim, shape.D], [shape.KvHeads * headDim, shape.D], [shape.KvHeads * headDim, shape.D], [shape.D, shape.Heads * headDim],
            [shape.Intermediate, shape.D], [shape.Intermediate, shape.D], [shape.D, shape.Intermediate],
        ];
        using var initScale = 0.02.ToScalar();
        var weights = shapes.Select(s => randn(s[0], s[1]).mul(initScale).to(dtype)).ToArray();
        var inputs = shapes.Select(s => randn(batch, s[1]).to(dtype)).ToArray();
        double headMs = 1e3 * Measure.MedianSeconds(Math.Max(5, repeats), () => { using var y = nn.functional.linear(x, head); });
        double layerMs = 1e3 * Measure.MedianSeconds(Math.Max(5, repeats), () =>
        {
            for (int i = 0; i < weights.Length; i++) { using var y = nn.functional.linear(inputs[i], weights[i]); }
        });
        return (headMs, layerMs, shapes.Sum(s => (double)s[0] * s[1]) * elementBytes);
    }

    /// <summary>
    /// Milliseconds of one sampling step (<see cref="TextGenerator.Sample"/>, the generator's own rule) on random
    /// (B, V) float32 logits, and of its V uniform draws per row alone; medians of repeated calls.
    /// </summary>
    private static (double SamplingMs, double DrawMs) SamplingProfile(int batch, int vocab, GenerationOptions options, int repeats)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = randn(batch, vocab);
        using var draws = new R2M.MLNet.Native.SeededDraws(1, CPU);
        double samplingMs = 1e3 * Measure.MedianSeconds(Math.Max(5, repeats), () =>
        {
            using var inner = NewDisposeScope();
            TextGenerator.Sample(logits, options, draws);
        });
        double drawMs = 1e3 * Measure.MedianSeconds(Math.Max(5, repeats), () => { using var u = draws.Uniform([batch, vocab]); });
        return (samplingMs, drawMs);
    }

    /// <summary>
    /// Bytes per second of reading a 1 GiB float32 tensor (its sum), the fastest of 7 reads: a limit is what the
    /// machine can do, and on a shared host the median of three moved between 41 and 74 GB/s from run to run.
    /// </summary>
    private static double Bandwidth(int repeats)
    {
        using var x = rand(256L * 1024 * 1024);
        double seconds = Measure.FastestSeconds(Math.Max(7, repeats), () => { using var s = x.sum(); s.item<float>(); });
        return x.numel() * 4.0 / seconds;
    }

    /// <summary>FLOP/s of n² matmuls in <paramref name="dtype"/>, median of repeats.</summary>
    private static double MatmulPeak(ScalarType dtype, int repeats, long n)
    {
        using var a = rand(n, n).to(dtype);
        using var b = rand(n, n).to(dtype);
        double seconds = Measure.MedianSeconds(Math.Max(3, repeats), () => { using var c = a.mm(b); using var corner = c[0, 0].to_type(ScalarType.Float32); corner.item<float>(); });
        return 2.0 * n * n * n / seconds;
    }

    private static long NormParameters(ModelShape s) => (2L * s.Layers + 1) * s.D;

    private static double Share((double User, double System) lap) => lap.System / Math.Max(1e-9, lap.User + lap.System);

    /// <summary>The process's user and kernel CPU seconds since the last lap.</summary>
    private sealed class CpuClock
    {
        private TimeSpan user = Process.GetCurrentProcess().UserProcessorTime, system = Process.GetCurrentProcess().PrivilegedProcessorTime;

        public (double User, double System) Lap()
        {
            var process = Process.GetCurrentProcess();
            var (u, s) = (process.UserProcessorTime, process.PrivilegedProcessorTime);
            var lap = ((u - user).TotalSeconds, (s - system).TotalSeconds);
            (user, system) = (u, s);
            return lap;
        }
    }
}
