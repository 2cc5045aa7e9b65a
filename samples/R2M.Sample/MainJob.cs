using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using R2M.Estimators;
using R2M.Estimators.EmbeddedTask;
using R2M.Estimators.Pipeline;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Data;

namespace R2M.Sample;

/// <summary>
/// The main job: task (embedded, or --data), SFT, proxy reward model, RL with R2M through the ML.NET pipeline,
/// gold evaluation, outputs (metrics.json, per-step log, plots, generations, model zip), and a reload check.
/// </summary>
internal static class MainJob
{
    public static int Run(SampleArgs args)
    {
        var total = Stopwatch.StartNew();
        var settings = args.Quick ? RunSettings.Quick : RunSettings.Full;
        int steps = args.Steps ?? settings.RlSteps;
        Directory.CreateDirectory(args.Out);
        var ml = new MLContext(seed: args.Seed);
        ConfigureDevice(ml, args.Device);
        var r2m = ml.R2M();
        Console.WriteLine($"R2M for .NET main job: {(args.Data is null ? "embedded task" : args.Data)}, {args.Algorithm} + R2M, {steps} steps, device {r2m.Device}, output {Path.GetFullPath(args.Out)}");

        // 1. Data: the embedded task (with its gold judge) or the user's preference file; prompts in the model's chat format.
        var chat = ChatPrompts.ForModel(args.Model);
        EmbeddedTaskData? task = null;
        IDataView sftData, preferences;
        IReadOnlyList<string> evalPrompts;
        if (args.Data is null)
        {
            task = EmbeddedTaskData.Create(args.Seed, new EmbeddedTaskOptions { SftPairs = settings.SftPairs, PreferencePairs = settings.PreferencePairs });
            sftData = ml.Data.LoadFromEnumerable(task.SftTrain.Select(p => new PromptResponse { Prompt = chat.Apply(p.Prompt), Response = p.Response }));
            preferences = PreferenceDataView.ToDataView(ml, task.PreferenceTrain.Select(p => p with { Prompt = chat.Apply(p.Prompt) }).ToList());
            evalPrompts = task.EvalPrompts.Select(chat.Apply).ToList();
            Console.WriteLine($"embedded task: {task.TrainPrompts.Count} training and {task.EvalPrompts.Count} evaluation prompts, {task.SftTrain.Count} SFT pairs, {task.PreferenceTrain.Count} preference pairs (25% label noise, length bias); see docs/embedded-task.md");
        }
        else
        {
            var loaded = PreferenceDataLoader.Load(args.Data, new PreferenceLoaderOptions { SkipInvalid = true, ChatFormat = chat.LoaderFormat });
            Console.WriteLine($"{args.Data}: {loaded.Pairs.Count} pairs ({loaded.Format}); {loaded.Skipped} skipped, {loaded.TiesDropped} ties dropped");
            preferences = sftData = PreferenceDataView.ToDataView(ml, loaded.Pairs);
            evalPrompts = loaded.Pairs.Select(p => p.Prompt).Distinct().Take(32).ToList();
        }

        // 2. Supervised fine-tuning: the initial policy and the reference.
        var sftBar = new ProgressBar("SFT", settings.SftEpochs);
        var sftReports = new List<SupervisedFineTuneReport>();
        var sft = r2m.SupervisedFineTune(new SupervisedFineTuneOptions
        {
            PolicyPath = args.Model, PolicySize = settings.Policy, Epochs = settings.SftEpochs, MaxLength = settings.MaxLength,
            LearningRate = args.Model is null ? settings.SftLearningRate : 2e-5, Seed = args.Seed,
            Progress = new Inline<SupervisedFineTuneReport>(r => { sftReports.Add(r); sftBar.Report(r.Epoch, $"train {r.TrainLoss:F3} val {r.ValidationLoss:F3}"); }),
        }).Fit(sftData);
        var tokenizer = sft.Artifacts.Tokenizer;
        var before = Evaluate(sft.Artifacts, evalPrompts, task, settings.MaxNewTokens, chat);

        // 3-4. Proxy reward model, R2M aligner and RL: one ML.NET pipeline, fitted on the preference pairs
        //      (the SFT stage's transform hands its policy to the next stage).
        var rmBar = new ProgressBar("reward model", settings.RmEpochs);
        var rlBar = new ProgressBar($"{args.Algorithm}+R2M", steps);
        string stepLog = Path.Combine(args.Out, "steps.jsonl");
        File.Delete(stepLog);
        var pipeline = r2m.RewardModel(new RewardModelOptions
            {
                Epochs = settings.RmEpochs, MaxLength = settings.MaxLength, LearningRate = settings.RmLearningRate, CheckpointPath = args.RewardModel, Seed = args.Seed,
                Progress = new Inline<RewardModelEpochReport>(r => rmBar.Report(r.Epoch, $"loss {r.TrainLoss:F3} val acc {r.Validation?.Accuracy:P1}")),
            })
            .Append(r2m.PolicyFeedbackAligner(new PolicyFeedbackOptions { Omega = 0.6, Alpha = 0.3, Width = 64, LearningRate = 1e-3 }))
            .Append(r2m.Ppo(new PolicyOptimizationOptions
            {
                Algorithm = args.Algorithm, Steps = steps, PromptsPerStep = settings.PromptsPerStep, SamplesPerPrompt = settings.SamplesPerPrompt,
                MaxNewTokens = settings.MaxNewTokens, LearningRate = 5e-5, KlCoefficient = 0.02, Seed = args.Seed,
                GoldJudge = task is null ? null : (prompt, response) => task.Judge(chat.Plain(prompt), response), MetricsLogPath = stepLog,
                Progress = new Inline<RlStepMetrics>(m => rlBar.Report(m.Step + 1,
                    $"proxy {m["objective/scores"]:F3} kl {m["objective/kl"]:F2}{(task is null ? "" : $" gold {m["gold/score"]:F3}")}")),
            }));
        var model = pipeline.Fit(sft.Transform(preferences));
        var rewardStage = model.OfType<RewardModelTransformer>().Single();
        var policyStage = model.LastTransformer;
        var after = Evaluate(policyStage.Artifacts, evalPrompts, task, settings.MaxNewTokens, chat);

        // 5. Outputs: model zip, generations, plots, metrics.json; then reload the zip.
        string zip = Path.Combine(args.Out, "model.zip");
        r2m.SaveModel(model, zip);
        WriteGenerations(Path.Combine(args.Out, "generations.md"), evalPrompts.Select(chat.Plain).ToList(), before, after, task);
        var metrics = policyStage.Artifacts.RlMetrics;
        StepPlots.Write(args.Out, metrics, task is not null);
        var summary = new JsonObject
        {
            ["policy"] = new JsonObject { ["sft_val_loss"] = sftReports[^1].ValidationLoss, ["size"] = settings.Policy.ToString(), ["parameters"] = sft.Artifacts.Policy!.parameters().Sum(p => p.numel()) },
            ["reward_model"] = new JsonObject
            {
                ["val_accuracy"] = rewardStage.Validation?.Accuracy, ["val_mean_margin"] = rewardStage.Validation?.MeanMargin,
                ["val_ece"] = rewardStage.Validation?.ExpectedCalibrationError,
                ["gold_pair_accuracy"] = task is null ? null : RewardModelTrainer.Evaluate(rewardStage.Artifacts.RewardModel!, tokenizer, task.GoldValidation, settings.MaxLength).Accuracy,
            },
            ["rl"] = new JsonObject
            {
                ["algorithm"] = args.Algorithm.ToString().ToLowerInvariant(), ["aligner"] = "r2m", ["steps"] = steps,
                ["initial_gold"] = Number(before.Gold), ["final_gold"] = Number(after.Gold),
                ["initial_proxy"] = metrics[0]["objective/scores"], ["final_proxy"] = metrics[^1]["objective/scores"],
                ["kl"] = metrics[^1]["objective/kl"], ["final_omega"] = policyStage.Model.Omega,
            },
            ["timing"] = new JsonObject { ["total_seconds"] = Math.Round(total.Elapsed.TotalSeconds, 1) },
            ["device"] = r2m.Device.ToString(),
            ["seed"] = args.Seed,
        };

        using (var reloaded = new MLContext(seed: args.Seed).R2M().LoadModel(zip))
        {
            string prompt = evalPrompts[0];
            string response = reloaded.Generate([prompt])[0];
            float reward = reloaded.Score([prompt], [response])[0];
            Console.WriteLine();
            Console.WriteLine($"reloaded {zip}: \"{prompt}\" -> \"{response}\" (reward {reward:F3}{(task is null ? "" : $", gold {task.Judge(prompt, response):F3}")})");
            summary["reload"] = new JsonObject { ["prompt"] = prompt, ["response"] = response, ["reward"] = reward };
        }
        summary["timing"]!["total_seconds"] = Math.Round(total.Elapsed.TotalSeconds, 1);
        File.WriteAllText(Path.Combine(args.Out, "metrics.json"), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        Console.WriteLine();
        Console.WriteLine("| measure | before RL | after RL |");
        Console.WriteLine("|---|---|---|");
        if (task is not null) Console.WriteLine($"| gold score (eval prompts, greedy) | {before.Gold:F3} | {after.Gold:F3} |");
        Console.WriteLine($"| proxy reward (training rollouts) | {metrics[0]["objective/scores"]:F3} | {metrics[^1]["objective/scores"]:F3} |");
        Console.WriteLine($"| mean response length (tokens) | {metrics[0]["completions/mean_length"]:F1} | {metrics[^1]["completions/mean_length"]:F1} |");
        Console.WriteLine($"| KL to reference | 0 | {metrics[^1]["objective/kl"]:F3} |");
        Console.WriteLine($"reward model: validation accuracy {rewardStage.Validation?.Accuracy:P1}; SFT validation loss {sftReports[^1].ValidationLoss:F3}; total {total.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine($"wrote {args.Out}/metrics.json, steps.jsonl, generations.md, *.png, model.zip");
        return 0;
    }

    /// <summary>A JSON number, or null where there is none (JSON has no NaN): gold without a judge.</summary>
    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    internal static void ConfigureDevice(MLContext ml, string device)
    {
        if (device == "cpu") return;
        if (!device.StartsWith("cuda", StringComparison.Ordinal)) throw new ArgumentException($"--device must be cpu, cuda or cuda:N, got '{device}'.");
        ml.GpuDeviceId = device.Contains(':') ? int.Parse(device[(device.IndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture) : 0;
        ml.FallbackToCpu = false;
    }

    private sealed record Evaluation(IReadOnlyList<string> Responses, double Gold);

    private static Evaluation Evaluate(R2MArtifacts artifacts, IReadOnlyList<string> prompts, EmbeddedTaskData? task, int maxNewTokens, ChatPrompts chat)
    {
        var (responses, _) = EmbeddedEvaluation.Generate(artifacts.Policy!, artifacts.Tokenizer, prompts, maxNewTokens);
        // The judge reads the plain prompt, whatever chat format the model was given.
        double gold = task is null ? double.NaN : prompts.Select((p, i) => task.Judge(chat.Plain(p), responses[i])).Average();
        return new Evaluation(responses, gold);
    }

    private static void WriteGenerations(string path, IReadOnlyList<string> prompts, Evaluation before, Evaluation after, EmbeddedTaskData? task)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("# Generations before and after RL (greedy)");
        w.WriteLine();
        w.WriteLine(task is null ? "| prompt | before | after |" : "| prompt | before | gold | after | gold |");
        w.WriteLine(task is null ? "|---|---|---|" : "|---|---|---|---|---|");
        string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");
        for (int i = 0; i < Math.Min(prompts.Count, 40); i++)
        {
            w.WriteLine(task is null
                ? $"| {Cell(prompts[i])} | {Cell(before.Responses[i])} | {Cell(after.Responses[i])} |"
                : $"| {Cell(prompts[i])} | {Cell(before.Responses[i])} | {task.Judge(prompts[i], before.Responses[i]):F2} | {Cell(after.Responses[i])} | {task.Judge(prompts[i], after.Responses[i]):F2} |");
        }
    }

    private sealed class PromptResponse
    {
        public string Prompt { get; set; } = "";
        public string Response { get; set; } = "";
    }
}

/// <summary>IProgress that reports on the calling thread.</summary>
internal sealed class Inline<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
