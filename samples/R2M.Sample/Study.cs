using R2M.MLNet.IO;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using R2M.Estimators.EmbeddedTask;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.MLNet.Tokenization;
using static TorchSharp.torch;

namespace R2M.Sample;

/// <summary>
/// The over-optimisation study on the embedded task (Gao et al.'s protocol): per seed, one SFT policy and one
/// proxy reward model trained on noisy, length-biased labels; then vanilla RLOO, RLOO + R2M, and the w/ noise
/// and w/o train ablations, equal steps, no KL penalty. Gold and proxy against √KL; a table of initial, best
/// and final gold, gold at matched KL, and reward-model accuracy on gold-labelled pairs from the final policy.
/// Uses the trainers directly (the ML.NET pipeline runs the same code; the study needs per-variant control).
/// </summary>
internal static class Study
{
    private static readonly (string Name, AlignerMode Mode)[] Variants =
        [("RLOO (vanilla)", AlignerMode.Vanilla), ("RLOO + R2M", AlignerMode.R2M), ("R2M w/ noise", AlignerMode.WithNoise), ("R2M w/o train", AlignerMode.WithoutTrain)];

    private sealed record VariantRun(string Variant, int Seed, IReadOnlyList<RlStepMetrics> Steps, double InitialGold, double FinalGold,
        double RmAccuracyBefore, double RmAccuracyAfter, double Seconds);

    public static int Run(SampleArgs args)
    {
        TorchRuntime.EnsureLoaded();
        var settings = args.Quick ? RunSettings.Quick : RunSettings.Full;
        int steps = args.Steps ?? StudySteps(args.Quick);
        var total = Stopwatch.StartNew();
        var runs = new List<VariantRun>();
        Directory.CreateDirectory(args.Out);
        for (int seed = args.Seed; seed < args.Seed + args.Seeds; seed++)
        {
            var task = EmbeddedTaskData.Create(seed, new EmbeddedTaskOptions { SftPairs = settings.SftPairs, PreferencePairs = settings.PreferencePairs });
            var tokenizer = new ByteLevelTokenizer();
            Console.WriteLine($"seed {seed}: SFT and proxy reward model");
            using var sftPolicy = PolicyFactory.FromScratch(tokenizer, settings.Policy, seed);
            SupervisedFineTuner.Train(sftPolicy, tokenizer, task.SftTrain, task.SftValidation,
                new SupervisedFineTuneOptions { Epochs = settings.SftEpochs, MaxLength = settings.MaxLength, LearningRate = settings.SftLearningRate, Seed = seed });
            using var rewardModel = RewardModelFactory.FromPolicy(sftPolicy);
            RewardModelTrainer.Train(rewardModel, tokenizer, task.PreferenceTrain, task.PreferenceValidation,
                new RewardModelOptions { Epochs = settings.RmEpochs, MaxLength = settings.MaxLength, LearningRate = settings.RmLearningRate, Seed = seed });
            double initialGold = EmbeddedEvaluation.Generate(sftPolicy, tokenizer, task.EvalPrompts, settings.MaxNewTokens).MeanGold;

            foreach (var (name, mode) in Variants)
            {
                var watch = Stopwatch.StartNew();
                var policy = PolicyFactory.Clone(sftPolicy);
                var reference = PolicyFactory.Clone(sftPolicy);
                var rm = RewardModelFactory.FromPolicy(sftPolicy);
                using (no_grad()) foreach (var (key, t) in rm.state_dict()) t.copy_(rewardModel.state_dict()[key]);
                var options = new PolicyOptimizationOptions
                {
                    Algorithm = RlAlgorithm.Rloo, Steps = steps, PromptsPerStep = StudyPrompts(args.Quick), SamplesPerPrompt = settings.SamplesPerPrompt,
                    MaxNewTokens = settings.MaxNewTokens, LearningRate = 1e-4, KlMode = KlMode.None, Seed = seed, GoldJudge = task.Judge,
                };
                var bar = new ProgressBar($"s{seed} {name}", steps);
                options = options with
                {
                    Progress = new Inline<RlStepMetrics>(m => bar.Report(m.Step + 1, $"proxy {m["objective/scores"]:F2} gold {m["gold/score"]:F3} kl {m["objective/kl"]:F2}")),
                };
                using var trainer = new RlTrainer(policy, reference, rm, tokenizer, task.TrainPrompts, options,
                    new PolicyFeedbackOptions { Mode = mode, Width = 64, LearningRate = 1e-3 });
                var metrics = trainer.Train();
                double finalGold = EmbeddedEvaluation.Generate(policy, tokenizer, task.EvalPrompts, settings.MaxNewTokens).MeanGold;
                var (before, after) = RewardModelAccuracy(trainer, tokenizer, task, settings.MaxNewTokens, seed);
                runs.Add(new VariantRun(name, seed, metrics, initialGold, finalGold, before, after, watch.Elapsed.TotalSeconds));
                policy.Dispose();
                reference.Dispose();
                rm.Dispose();
            }
        }
        Write(args, runs, steps, total.Elapsed.TotalSeconds);
        return 0;
    }

    internal static int StudySteps(bool quick) => quick ? 10 : 100;

    internal static int StudyPrompts(bool quick) => quick ? 8 : 16;

    /// <summary>Trailing mean over the last <paramref name="window"/> values (per-step rollout means are noisy).</summary>
    private static double[] Smooth(IEnumerable<double> values, int window = 5)
    {
        var v = values.ToArray();
        return v.Select((_, i) => v[Math.Max(0, i - window + 1)..(i + 1)].Average()).ToArray();
    }

    /// <summary>
    /// Pairs of responses sampled from the final policy (two per evaluation prompt, temperature 1), labelled
    /// by the gold judge (ties dropped): accuracy of the reward model before RL (φ₀) and of the reward
    /// function after RL (the aligner with the final policy's feedback, for R2M variants).
    /// </summary>
    private static (double Before, double After) RewardModelAccuracy(RlTrainer trainer, ITextTokenizer tokenizer, EmbeddedTaskData task, int maxNewTokens, int seed)
    {
        var a = EmbeddedEvaluation.Generate(trainer.Policy, tokenizer, task.EvalPrompts, maxNewTokens, temperature: 1.0, seed: seed * 31 + 1).Responses;
        var b = EmbeddedEvaluation.Generate(trainer.Policy, tokenizer, task.EvalPrompts, maxNewTokens, temperature: 1.0, seed: seed * 31 + 2).Responses;
        var keep = Enumerable.Range(0, a.Count).Where(i => task.Judge(task.EvalPrompts[i], a[i]) != task.Judge(task.EvalPrompts[i], b[i])).ToList();
        if (keep.Count == 0) return (double.NaN, double.NaN);
        var prompts = keep.Select(i => task.EvalPrompts[i]).ToList();
        var ra = keep.Select(i => a[i]).ToList();
        var rb = keep.Select(i => b[i]).ToList();
        bool[] goldPrefersA = keep.Select(i => task.Judge(task.EvalPrompts[i], a[i]) > task.Judge(task.EvalPrompts[i], b[i])).ToArray();
        double Accuracy(bool vanilla)
        {
            var sa = trainer.ScoreWithCurrentReward(prompts, ra, vanilla);
            var sb = trainer.ScoreWithCurrentReward(prompts, rb, vanilla);
            return Enumerable.Range(0, keep.Count).Count(i => (sa[i] > sb[i]) == goldPrefersA[i]) / (double)keep.Count;
        }
        return (Accuracy(vanilla: true), Accuracy(vanilla: false));
    }

    /// <summary>Gold at the first step whose √KL reaches <paramref name="target"/>, interpolated; NaN if never reached.</summary>
    private static double GoldAtSqrtKl(IReadOnlyList<RlStepMetrics> steps, double target)
    {
        double prevX = 0, prevY = steps[0]["gold/score"];
        foreach (var m in steps)
        {
            double x = Math.Sqrt(Math.Max(0, m["objective/kl"])), y = m["gold/score"];
            if (x >= target) return x == prevX ? y : prevY + (y - prevY) * (target - prevX) / (x - prevX);
            (prevX, prevY) = (x, y);
        }
        return double.NaN;
    }

    private static void Write(SampleArgs args, List<VariantRun> runs, int steps, double seconds)
    {
        static string MeanStd(IEnumerable<double> values)
        {
            var v = values.Where(double.IsFinite).ToList();
            if (v.Count == 0) return "n/a";
            double mean = v.Average(), std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / Math.Max(1, v.Count - 1));
            return string.Create(CultureInfo.InvariantCulture, $"{mean:F3} ± {std:F3}");
        }
        // Matched KL: the largest √KL that every run reaches.
        double matched = runs.Min(r => r.Steps.Max(m => Math.Sqrt(Math.Max(0, m["objective/kl"]))));
        var md = new StringBuilder();
        md.AppendLine("# Over-optimisation study on the embedded task");
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores ({System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}), CPU, libtorch 2.10 via TorchSharp 0.107. Date: {DateTime.UtcNow:yyyy-MM-dd}. Wall time: {seconds / 60:F1} min."));
        md.AppendLine();
        md.AppendLine($"Command: `dotnet run --project samples/R2M.Sample -c Release -- study{(args.Quick ? " --quick" : "")} --seeds {args.Seeds} --seed {args.Seed}{(args.Steps is int s ? $" --steps {s}" : "")}`");
        md.AppendLine();
        var settings = args.Quick ? RunSettings.Quick : RunSettings.Full;
        md.AppendLine($"Protocol: for each seed, one from-scratch {settings.Policy} byte-level policy fine-tuned on the task's corpus and one proxy reward model (body from the policy) trained on the task's judge labels with 25% label noise and a length bias; then each variant runs RLOO from the same policy and reward model for {steps} steps ({StudyPrompts(args.Quick)} prompts × {settings.SamplesPerPrompt} samples, {settings.MaxNewTokens} new tokens, temperature 0.7, learning rate 1e-4), with no KL penalty. Gold is the embedded judge (docs/embedded-task.md); per step it is the mean over that step's sampled rollouts, initial/final are greedy on the held-out evaluation prompts. √KL is the square root of the mean per-sequence k1 KL to the SFT policy.");
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| variant | initial gold | best gold (rollouts, 5-step mean) | final gold (rollouts, last 5 steps) | final gold (eval, greedy) | gold at √KL = {matched:F2} | final proxy | RM acc. before RL | RM acc. after RL |"));
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var group in runs.GroupBy(r => r.Variant))
        {
            md.AppendLine($"| {group.Key} | {MeanStd(group.Select(r => r.InitialGold))} | {MeanStd(group.Select(r => Smooth(r.Steps.Select(m => m["gold/score"])).Max()))} | " +
                $"{MeanStd(group.Select(r => r.Steps.TakeLast(5).Average(m => m["gold/score"])))} | {MeanStd(group.Select(r => r.FinalGold))} | " +
                $"{MeanStd(group.Select(r => GoldAtSqrtKl(r.Steps, matched)))} | {MeanStd(group.Select(r => r.Steps.TakeLast(5).Average(m => m["objective/scores"])))} | " +
                $"{MeanStd(group.Select(r => r.RmAccuracyBefore))} | {MeanStd(group.Select(r => r.RmAccuracyAfter))} |");
        }
        md.AppendLine();
        md.AppendLine("Mean ± standard deviation over seeds. \"RM acc.\" is the accuracy on pairs of responses sampled from the final policy and labelled by the gold judge (ties dropped): before RL with the frozen reward model φ₀, after RL with the variant's reward function (the aligner with the final policy's feedback for the R2M variants; unchanged for vanilla).");
        md.AppendLine();
        string plotDir = Path.GetDirectoryName(Path.GetFullPath(args.ResultsPath))!;
        foreach (var (file, title, key) in new[] { ("results-gold-vs-sqrt-kl.png", "Gold against sqrt(KL), mean over seeds, 5-step mean", "gold/score"), ("results-proxy-vs-sqrt-kl.png", "Proxy (the reward optimised) against sqrt(KL), mean over seeds, 5-step mean", "objective/scores"), ("results-vanilla-proxy-vs-sqrt-kl.png", "Frozen reward model's score against sqrt(KL), 5-step mean", "objective/vanilla_scores") })
        {
            Plots.Lines(Path.Combine(plotDir, file), title, "sqrt(KL)", key, runs.GroupBy(r => r.Variant).Select(g =>
            {
                var x = Smooth(Enumerable.Range(0, steps).Select(i => g.Average(r => Math.Sqrt(Math.Max(0, r.Steps[i]["objective/kl"])))));
                var y = Smooth(Enumerable.Range(0, steps).Select(i => g.Average(r => r.Steps[i][key])));
                return (g.Key, x, y);
            }));
            md.AppendLine($"![{title}]({file})");
            md.AppendLine();
        }
        md.AppendLine("Per-step means over seeds (every 5th step):");
        md.AppendLine();
        md.AppendLine("| step | " + string.Join(" | ", Variants.Select(v => $"{v.Name} gold / proxy / √KL")) + " |");
        md.AppendLine("|---|" + string.Concat(Variants.Select(_ => "---|")));
        for (int i = 0; i < steps; i += Math.Max(1, steps / 12))
        {
            md.Append($"| {i} |");
            foreach (var (name, _) in Variants)
            {
                var g = runs.Where(r => r.Variant == name).ToList();
                md.Append(string.Create(CultureInfo.InvariantCulture, $" {g.Average(r => r.Steps[i]["gold/score"]):F3} / {g.Average(r => r.Steps[i]["objective/scores"]):F2} / {g.Average(r => Math.Sqrt(Math.Max(0, r.Steps[i]["objective/kl"]))):F2} |"));
            }
            md.AppendLine();
        }
        R2M.MLNet.IO.AtomicFile.WriteAllText(args.ResultsPath, md.ToString());
        Console.WriteLine(md.ToString());
        Console.WriteLine($"wrote {args.ResultsPath}");
    }
}
