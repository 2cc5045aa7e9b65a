using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Modeling;
using R2M.MLNet.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Benchmarks;

/// <summary>
/// Times one RL step of RLOO and of RLOO + R2M at the same shapes, split into generation, reference
/// log-probs, reward scoring, policy update and aligner update. Each variant runs in its own child process
/// so that its peak resident memory is its own.
/// </summary>
internal static class RlStepBenchmark
{
    private static readonly string[] Phases =
        ["time/generation_s", "time/policy_forward_s", "time/reference_s", "time/reward_s", "time/policy_update_s", "time/aligner_update_s", "time/step_s"];

    public static int Run(BenchArgs a)
    {
        string size = a.String("size", "Small");
        int steps = a.Int("steps", 10), warmup = a.Int("warmup", 10);
        int prompts = a.Int("prompts", 8), k = a.Int("k", 4), newTokens = a.Int("new-tokens", 32);
        string common = $"--size {size} --steps {steps} --warmup {warmup} --prompts {prompts} --k {k} --new-tokens {newTokens} --device {a.String("device", "cpu")}";
        // Alternate the variants' processes over several rounds: a single pair of processes differs by ±10% from
        // process-to-process noise alone, more than the aligner costs.
        int rounds = a.Int("rounds", 3);
        var vanillaRuns = new List<JsonObject>();
        var r2mRuns = new List<JsonObject>();
        for (int round = 0; round < rounds; round++)
        {
            vanillaRuns.Add(RunChild($"rlstep-one --mode Vanilla {common}"));
            r2mRuns.Add(RunChild($"rlstep-one --mode R2M {common}"));
        }
        var vanilla = MedianOf(vanillaRuns);
        var r2m = MedianOf(r2mRuns);

        double sv = vanilla["time/step_s"]!.GetValue<double>(), sr = r2m["time/step_s"]!.GetValue<double>();
        Console.WriteLine($"rlstep benchmark: RLOO, policy {size} ({vanilla["parameters"]} parameters), reward model from the policy, {prompts} prompts x {k} samples, {newTokens} new tokens");
        Console.WriteLine($"machine: {Measure.Machine()}; per process the median of {steps} steps after {warmup} warm-up steps; {rounds} alternating processes per variant, median over them");
        Console.WriteLine();
        Console.WriteLine("| phase (median seconds)  |  RLOO  | RLOO+R2M |");
        Console.WriteLine("|-------------------------|-------:|---------:|");
        foreach (string phase in Phases)
            Console.WriteLine($"| {phase[5..^2],-23} | {vanilla[phase]!.GetValue<double>(),6:F3} | {r2m[phase]!.GetValue<double>(),8:F3} |");
        Console.WriteLine($"| peak RSS (MiB)          | {vanilla["peak_rss_mib"]!.GetValue<double>(),6:F0} | {r2m["peak_rss_mib"]!.GetValue<double>(),8:F0} |");
        Console.WriteLine($"r2m_overhead = {sr / sv - 1:P1}");
        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "rlstep", ["machine"] = Measure.Machine(), ["device"] = a.String("device", "cpu"),
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["policy_size"] = size, ["rounds"] = rounds, ["prompts"] = prompts, ["k"] = k, ["new_tokens"] = newTokens, ["steps"] = steps,
            ["step_s_vanilla"] = Math.Round(sv, 4), ["step_s_r2m"] = Math.Round(sr, 4), ["r2m_overhead"] = Math.Round(sr / sv - 1, 4),
            ["aligner_update_s"] = Math.Round(r2m["time/aligner_update_s"]!.GetValue<double>(), 4),
            ["peak_rss_mib_vanilla"] = vanilla["peak_rss_mib"]!.GetValue<double>(), ["peak_rss_mib_r2m"] = r2m["peak_rss_mib"]!.GetValue<double>(),
        };
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }

    /// <summary>
    /// The child: runs warm-up and measured steps of one variant, prints medians and peak RSS as JSON. Run directly
    /// with <c>--preset qwen2.5-0.5b --algorithm Ppo --steps 1 --warmup 0</c> it measures one RL step at the shapes of
    /// a 0.5B policy and a 0.5B reward model (random weights; the vocabulary is that of the --tokenizer folder's tokenizer).
    /// </summary>
    public static int RunOne(BenchArgs a)
    {
        R2M.MLNet.Native.NativeHeap.RetainFreedMemory(); // the heap policy the figures in docs/benchmarks.md were measured with
        var mode = Enum.Parse<AlignerMode>(a.String("mode", "R2M"));
        int steps = a.Int("steps", 10), warmup = a.Int("warmup", 10);
        var device = new Device(a.String("device", "cpu"));
        string preset = a.String("preset", "");
        // At 0.5B shapes a random policy samples any id: the tokenizer must cover the whole vocabulary (--tokenizer,
        // an HF folder such as shared/tokenizers/qwen3), and the model's vocabulary is set to the tokenizer's.
        ITextTokenizer tokenizer = preset.Length > 0 ? HuggingFaceTokenizerLoader.Load(a.String("tokenizer", "../shared/tokenizers/qwen3")) : new ByteLevelTokenizer();
        CausalLM policy;
        if (preset.Length > 0)
        {
            var shape = ModelShape.Preset(preset) with { Vocab = tokenizer.VocabSize };
            manual_seed(1);
            policy = new CausalLM(shape.Config() with { Family = ModelFamily.Qwen2, QkvBias = true });
            policy.to(device);
        }
        else policy = PolicyFactory.FromScratch(tokenizer, Enum.Parse<PolicySize>(a.String("size", "Small")), seed: 1, device);
        var reference = PolicyFactory.Clone(policy);
        var rewardModel = RewardModelFactory.FromPolicy(policy);
        var random = new Random(7);
        var prompts = Enumerable.Range(0, 64).Select(i => $"Question {i}: what is {random.Next(100)} plus {random.Next(100)}?").ToList();
        var options = new PolicyOptimizationOptions
        {
            Algorithm = Enum.Parse<RlAlgorithm>(a.String("algorithm", "Rloo"), ignoreCase: true), Steps = steps + warmup,
            MiniBatches = a.Int("mini-batches", 2), PolicyEpochs = a.Int("epochs", 2), PromptsPerStep = a.Int("prompts", 8), SamplesPerPrompt = a.Int("k", 4),
            MaxNewTokens = a.Int("new-tokens", 32),
        };
        string? rssLog = a.String("rss-log", "") is { Length: > 0 } l ? l : null;
        using var trace = rssLog is null ? null : new RssTrace(rssLog, TimeSpan.FromMilliseconds(200));
        trace?.Mark("models built");
        // Each step's phase times (time/generation_s, ...) run in the order of the metrics: with the marks they place the samples.
        if (trace is not null) options = options with { Progress = trace.Marks<RlStepMetrics>(m => $"step {m.Step} done") };
        using var trainer = new RlTrainer(policy, reference, rewardModel, tokenizer, prompts, options, new PolicyFeedbackOptions { Mode = mode });
        trace?.Mark("trainer built");
        trainer.Train(steps: warmup);
        var measured = trainer.Train(steps: steps);
        var result = new JsonObject
        {
            ["parameters"] = policy.parameters().Sum(p => p.numel()),
            ["peak_rss_mib"] = PeakRssMiB(),
        };
        foreach (string phase in Phases)
        {
            var values = measured.Select(m => m[phase]).OrderBy(v => v).ToList();
            result[phase] = values[values.Count / 2];
        }
        Console.WriteLine(result.ToJsonString());
        return 0;
    }

    private static JsonObject MedianOf(List<JsonObject> runs)
    {
        var result = new JsonObject();
        foreach (var (key, _) in runs[0])
        {
            var values = runs.Select(r => r[key]!.GetValue<double>()).OrderBy(v => v).ToList();
            result[key] = values[values.Count / 2];
        }
        return result;
    }

    private static JsonObject RunChild(string arguments)
    {
        string self = Environment.ProcessPath!;
        string dll = typeof(RlStepBenchmark).Assembly.Location;
        var info = new ProcessStartInfo(self, self.EndsWith("dotnet", StringComparison.Ordinal) ? $"\"{dll}\" {arguments}" : arguments)
        {
            RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var child = Process.Start(info)!;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0) throw new InvalidOperationException($"benchmark child '{arguments}' failed with exit code {child.ExitCode}:\n{output}");
        return (JsonObject)JsonNode.Parse(output.Trim().Split('\n')[^1])!;
    }

    private static double PeakRssMiB() => Measure.PeakRssMiB();
}
