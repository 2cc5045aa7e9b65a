using System.Text.Json.Nodes;
using Microsoft.ML;
using R2M.Estimators;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Sample;

/// <summary>The main job as a user runs it: its own process, --quick, then its outputs.</summary>
public class MainJobTests
{
    /// <summary>How long a child process may run before it counts as hung: not a speed limit.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(20);

    private static string SampleDll()
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        string dll = Path.Combine(RepoPaths.Root, "samples", "R2M.Sample", "bin", configuration, "net10.0", "R2M.Sample.dll");
        File.Exists(dll).Should().BeTrue($"the test project builds the sample first ({dll})");
        return dll;
    }

    [Fact]
    public void Quick_run_writes_metrics_of_the_r2m_run_and_the_vanilla_run_side_by_side_and_a_model_zip_that_reloads()
    {
        using var dir = new TempDir("r2m-main");
        string outDir = Path.Combine(dir.Path, "out");

        var run = ProcessRunner.Run("dotnet", $"\"{SampleDll()}\" --quick --out \"{outDir}\"", dir.Path, HangGuard);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("reloaded").And.Contain("| gold score (eval prompts, greedy) |").And.Contain("| measure | SFT policy | Rloo vanilla | Rloo + R2M |");
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!;
        string[] rlKeys = ["algorithm", "aligner", "steps", "initial_gold", "final_gold", "initial_proxy", "final_proxy", "kl", "final_length", "final_policy_gold_accuracy",
            "initial_gold_rl_prompts", "final_gold_rl_prompts"];
        foreach (string key in new[] { "policy.sft_val_loss", "reward_model.val_accuracy", "reward_model.on_policy_gold_accuracy", "reward_model.generated_pair_gold_accuracy",
                     "timing.total_seconds", "device" }.Concat(rlKeys.Select(k => "rl." + k)).Concat(rlKeys.Select(k => "rl.vanilla." + k)))
        {
            JsonNode? node = metrics;
            foreach (string part in key.Split('.')) node = node?[part];
            node.Should().NotBeNull($"metrics.json has {key}");
        }
        metrics["rl"]!["algorithm"]!.GetValue<string>().Should().Be("rloo");
        metrics["rl"]!["aligner"]!.GetValue<string>().Should().Be("r2m");
        metrics["rl"]!["vanilla"]!["aligner"]!.GetValue<string>().Should().Be("vanilla");
        metrics["rl"]!["vanilla"]!["initial_gold"]!.GetValue<double>().Should().Be(metrics["rl"]!["initial_gold"]!.GetValue<double>(), "both runs start from one SFT policy");
        metrics["reward_model"]!["on_policy_gold_accuracy"]!.GetValue<double>().Should().BeInRange(0, 1);
        metrics["device"]!.GetValue<string>().Should().Be("cpu");
        foreach (string file in new[] { "steps.jsonl", "generations.md", "steps-vanilla.jsonl", "proxy_reward.png", "gold_score.png", "kl.png", "length.png", "gold_vs_sqrt_kl.png", "proxy_vs_sqrt_kl.png", "model.zip" })
            File.Exists(Path.Combine(outDir, file)).Should().BeTrue(file);
        File.ReadAllLines(Path.Combine(outDir, "steps.jsonl")).Should().HaveCount(metrics["rl"]!["steps"]!.GetValue<int>());
        File.ReadAllLines(Path.Combine(outDir, "steps-vanilla.jsonl")).Should().HaveCount(metrics["rl"]!["vanilla"]!["steps"]!.GetValue<int>());
        // The evaluation logged during training after the last step is the final evaluation: one greedy rule.
        foreach (var (log, rl) in new[] { ("steps.jsonl", metrics["rl"]!), ("steps-vanilla.jsonl", metrics["rl"]!["vanilla"]!) })
            JsonNode.Parse(File.ReadAllLines(Path.Combine(outDir, log))[^1])!["eval/gold_greedy"]!.GetValue<double>().Should().Be(rl["final_gold"]!.GetValue<double>(), log);

        using var loaded = new MLContext().R2M().LoadModel(Path.Combine(outDir, "model.zip"));
        string prompt = metrics["reload"]!["prompt"]!.GetValue<string>();
        loaded.Generate([prompt]).Single().Should().Be(metrics["reload"]!["response"]!.GetValue<string>());
    }

    [SkippableFact]
    public void Real_preference_data_runs_without_a_judge_and_writes_null_gold()
    {
        string data = Path.Combine(Requires.Shared(), "data", "pandalm_testset_v1.json");
        using var dir = new TempDir("r2m-main");
        string outDir = Path.Combine(dir.Path, "out");

        var run = ProcessRunner.Run("dotnet", $"\"{SampleDll()}\" --quick --steps 2 --data \"{data}\" --out \"{outDir}\"", dir.Path, HangGuard);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("894 pairs (PandaLM)");
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!;
        metrics["rl"]!["final_gold"].Should().BeNull("there is no gold judge for real data");
        metrics["rl"]!["steps"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public void Help_lists_the_flags_and_a_bad_flag_is_refused()
    {
        using var dir = new TempDir("r2m-main");
        var help = ProcessRunner.Run("dotnet", $"\"{SampleDll()}\" --help", dir.Path, HangGuard);
        var bad = ProcessRunner.Run("dotnet", $"\"{SampleDll()}\" --steps zero", dir.Path, HangGuard);

        help.ExitCode.Should().Be(0);
        foreach (string flag in new[] { "--data", "--model", "--reward-model", "--algorithm", "--steps", "--device", "--out", "--seed", "--quick", "--help", "study" })
            help.Output.Should().Contain(flag);
        bad.ExitCode.Should().Be(2);
        bad.Output.Should().Contain("--steps must be a positive integer, got 'zero'.");
    }
}
