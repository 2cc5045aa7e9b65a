using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
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
        if (args.PolicyLearningRate is double policyLr) settings = settings with { RlLearningRate = policyLr };
        if (args.KlCoefficient is double kl) settings = settings with { KlCoefficient = kl };
        if (args.PromptsPerStep is int prompts) settings = settings with { PromptsPerStep = prompts };
        if (args.SamplesPerPrompt is int samples) settings = settings with { SamplesPerPrompt = samples };
        int steps = args.Steps ?? settings.RlSteps;
        Directory.CreateDirectory(args.Out);
        var ml = new MLContext(seed: args.Seed);
        ConfigureDevice(ml, args.Device);
        var r2m = ml.R2M();
        Console.WriteLine($"R2M for .NET main job: {(args.Data is null ? "embedded task" : args.Data)}, {args.Algorithm} + R2M, {steps} steps, device {r2m.Device}, output {Path.GetFullPath(args.Out)}");

        // 1. Data: the embedded task (with its gold judge) or the user's preference file; prompts in the model's chat format.
        var chat = ChatPrompts.ForModel(args.Model);
        EmbeddedTaskData? task = null;
        IDataView sftData;
        List<PreferencePair> preferencePairs;
        IReadOnlyList<string> evalPrompts;
        if (args.Data is null)
        {
            task = EmbeddedTaskData.Create(args.Seed, settings.Task(noLengthBias: args.NoLengthBias));
            sftData = ml.Data.LoadFromEnumerable(task.SftTrain.Select(p => new PromptResponse { Prompt = chat.Apply(p.Prompt), Response = p.Response }));
            preferencePairs = task.PreferenceTrain.Select(p => p with { Prompt = chat.Apply(p.Prompt) }).ToList();
            evalPrompts = task.EvalPrompts.Select(chat.Apply).ToList();
            Console.WriteLine($"embedded task: {task.TrainPrompts.Count} training and {task.EvalPrompts.Count} evaluation prompts, {task.SftTrain.Count} SFT pairs ({task.Options.MediocreFraction:P0} mediocre: {task.Options.WrongShare:P0} of those wrong, the rest cut short), {task.PreferenceTrain.Count} preference pairs ({task.Options.NoiseRate:P0} label noise{(task.Options.LengthBias > 0 ? ", length bias" : "")}); see docs/embedded-task.md");
        }
        else
        {
            var loaded = PreferenceDataLoader.Load(args.Data, new PreferenceLoaderOptions { SkipInvalid = true, ChatFormat = chat.LoaderFormat });
            Console.WriteLine($"{args.Data}: {loaded.Pairs.Count} pairs ({loaded.Format}); {loaded.Skipped} skipped, {loaded.TiesDropped} ties dropped");
            preferencePairs = loaded.Pairs.ToList();
            sftData = PreferenceDataView.ToDataView(ml, loaded.Pairs);
            evalPrompts = loaded.Pairs.Select(p => p.Prompt).Distinct().Take(32).ToList();
        }
        GoldJudge? judge = task is null ? null : (prompt, response) => task.Judge(chat.Plain(prompt), response);

        // 2. Supervised fine-tuning: the initial policy and the reference.
        var sftBar = new ProgressBar("SFT", settings.SftEpochs);
        var sftReports = new List<SupervisedFineTuneReport>();
        var sft = r2m.SupervisedFineTune(settings.Sft(args.Seed) with
        {
            PolicyPath = args.Model, LearningRate = args.Model is null ? settings.SftLearningRate : 2e-5,
            Progress = new Inline<SupervisedFineTuneReport>(r => { sftReports.Add(r); sftBar.Report(r.Epoch, $"train {r.TrainLoss:F3} val {r.ValidationLoss:F3}"); }),
        }).Fit(sftData);
        var tokenizer = sft.Artifacts.Tokenizer;
        var before = Evaluate(sft.Artifacts, evalPrompts, judge, settings.MaxNewTokens);
        // The prompts RL trains on, greedy too: with the evaluation prompts, tells learning from carrying it to unseen combinations.
        IReadOnlyList<string> rlPrompts = task is null ? [] : task.TrainPrompts.Select(chat.Apply).ToList();
        double RlPromptGold(R2MArtifacts a) => task is null ? double.NaN : Evaluate(a, rlPrompts, judge, settings.MaxNewTokens).Gold;
        double beforeRlPrompts = RlPromptGold(sft.Artifacts);
        if (task is not null)
        {
            // Preference data as it is collected: the SFT policy's own samples, labelled by the task's labeller.
            var sampled = task.LabelPolicySamples(sft.Artifacts.Policy!, tokenizer, settings.MaxNewTokens, format: chat.Apply);
            preferencePairs.AddRange(sampled);
            Console.WriteLine($"labelled {sampled.Count} pairs of the SFT policy's own samples; {preferencePairs.Count} preference pairs in all");
        }
        var preferences = sft.Transform(PreferenceDataView.ToDataView(ml, preferencePairs));

        // 3. The proxy reward model, and its accuracy on gold-labelled pairs of the SFT policy's own samples.
        var rmBar = new ProgressBar("reward model", settings.RmEpochs);
        var rewardStage = r2m.RewardModel(settings.RewardModel(args.Seed) with
        {
            CheckpointPath = args.RewardModel,
            Progress = new Inline<RewardModelEpochReport>(r => rmBar.Report(r.Epoch, $"loss {r.TrainLoss:F3} val acc {r.Validation?.Accuracy:P1}")),
        }).Fit(preferences);
        var rewardModel = rewardStage.Artifacts.RewardModel!;
        double onPolicyAccuracy = double.NaN, generatedPairAccuracy = double.NaN;
        if (task is not null)
        {
            var onPolicy = EmbeddedEvaluation.SampleGoldPairs(sft.Artifacts.Policy!, tokenizer, rlPrompts, judge!, rounds: 4, settings.MaxNewTokens, 0.7, args.Seed + 50_000L);
            onPolicyAccuracy = RewardModelTrainer.Evaluate(rewardModel, tokenizer, onPolicy, settings.MaxLength).Accuracy;
            generatedPairAccuracy = RewardModelTrainer.Evaluate(rewardModel, tokenizer, task.GoldValidation.Select(p => p with { Prompt = chat.Apply(p.Prompt) }).ToList(), settings.MaxLength).Accuracy;
            Console.WriteLine($"proxy reward model: accuracy {onPolicyAccuracy:P1} on {onPolicy.Count} gold-labelled pairs of the SFT policy's samples, {generatedPairAccuracy:P1} on generated candidate pairs");
        }

        // 4. RL from the same SFT policy and reward model: vanilla, then with R2M's aligner (one ML.NET pipeline).
        var rmView = rewardStage.Transform(preferences);
        var vanilla = Reinforce(r2m, rmView, null, args, settings, steps, judge, evalPrompts, Path.Combine(args.Out, "steps-vanilla.jsonl"), "vanilla");
        string stepLog = Path.Combine(args.Out, "steps.jsonl");
        var r2mChain = Reinforce(r2m, rmView, new PolicyFeedbackOptions { Seed = args.Seed }, args, settings, steps, judge, evalPrompts, stepLog, "R2M");
        var policyStage = r2mChain.Stage;
        var vanillaStage = vanilla.Stage;
        var after = Evaluate(policyStage.Artifacts, evalPrompts, judge, settings.MaxNewTokens);
        var afterVanilla = Evaluate(vanillaStage.Artifacts, evalPrompts, judge, settings.MaxNewTokens);
        double afterRlPrompts = RlPromptGold(policyStage.Artifacts), afterVanillaRlPrompts = RlPromptGold(vanillaStage.Artifacts);
        double r2mAccuracy = FinalPolicyAccuracy(policyStage, task, chat, judge, settings, args.Seed);
        double vanillaAccuracy = FinalPolicyAccuracy(vanillaStage, task, chat, judge, settings, args.Seed);

        // 5. Outputs: model zip (the R2M run), generations, plots, metrics.json; then reload the zip.
        string zip = Path.Combine(args.Out, "model.zip");
        var model = new TransformerChain<ITransformer>(rewardStage, r2mChain.Chain);
        r2m.SaveModel(model, zip);
        WriteGenerations(Path.Combine(args.Out, "generations.md"), evalPrompts.Select(chat.Plain).ToList(), before, afterVanilla, after, task);
        var metrics = policyStage.Artifacts.RlMetrics;
        var vanillaMetrics = vanillaStage.Artifacts.RlMetrics;
        StepPlots.Write(args.Out, [("vanilla", vanillaMetrics), ("R2M", metrics)], task is not null);
        JsonObject Rl(IReadOnlyList<RlStepMetrics> m, Evaluation end, double endRlPrompts, string aligner, double finalAccuracy, double omega) => new()
        {
            ["algorithm"] = args.Algorithm.ToString().ToLowerInvariant(), ["aligner"] = aligner, ["steps"] = steps,
            ["initial_gold"] = Number(before.Gold), ["final_gold"] = Number(end.Gold),
            ["initial_gold_rl_prompts"] = Number(beforeRlPrompts), ["final_gold_rl_prompts"] = Number(endRlPrompts),
            ["initial_proxy"] = m[0]["objective/scores"], ["final_proxy"] = m[^1]["objective/scores"],
            ["kl"] = m[^1]["objective/kl"], ["final_length"] = m[^1]["completions/mean_length"], ["final_omega"] = omega,
            ["final_policy_gold_accuracy"] = Number(finalAccuracy),
        };
        var rl = Rl(metrics, after, afterRlPrompts, "r2m", r2mAccuracy, policyStage.Model.Omega);
        rl["vanilla"] = Rl(vanillaMetrics, afterVanilla, afterVanillaRlPrompts, "vanilla", vanillaAccuracy, 1.0);
        var summary = new JsonObject
        {
            ["policy"] = new JsonObject { ["sft_val_loss"] = sftReports[^1].ValidationLoss, ["size"] = settings.Policy.ToString(), ["parameters"] = sft.Artifacts.Policy!.parameters().Sum(p => p.numel()) },
            ["reward_model"] = new JsonObject
            {
                ["val_accuracy"] = rewardStage.Validation?.Accuracy, ["val_mean_margin"] = rewardStage.Validation?.MeanMargin,
                ["val_ece"] = rewardStage.Validation?.ExpectedCalibrationError,
                ["on_policy_gold_accuracy"] = Number(onPolicyAccuracy),
                ["generated_pair_gold_accuracy"] = Number(generatedPairAccuracy),
            },
            ["rl"] = rl,
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
        R2M.MLNet.IO.AtomicFile.WriteAllText(Path.Combine(args.Out, "metrics.json"), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        Console.WriteLine();
        Console.WriteLine($"| measure | SFT policy | {args.Algorithm} vanilla | {args.Algorithm} + R2M |");
        Console.WriteLine("|---|---|---|---|");
        if (task is not null) Console.WriteLine($"| gold score (eval prompts, greedy) | {before.Gold:F3} | {afterVanilla.Gold:F3} | {after.Gold:F3} |");
        if (task is not null) Console.WriteLine($"| gold score (RL prompts, greedy) | {beforeRlPrompts:F3} | {afterVanillaRlPrompts:F3} | {afterRlPrompts:F3} |");
        Console.WriteLine($"| proxy reward (training rollouts) | {metrics[0]["objective/scores"]:F3} | {vanillaMetrics[^1]["objective/scores"]:F3} | {metrics[^1]["objective/scores"]:F3} |");
        Console.WriteLine($"| KL to reference | 0 | {vanillaMetrics[^1]["objective/kl"]:F3} | {metrics[^1]["objective/kl"]:F3} |");
        Console.WriteLine($"| mean response length (tokens) | {metrics[0]["completions/mean_length"]:F1} | {vanillaMetrics[^1]["completions/mean_length"]:F1} | {metrics[^1]["completions/mean_length"]:F1} |");
        if (task is not null) Console.WriteLine($"| reward accuracy on gold-labelled pairs of the policy's samples | {onPolicyAccuracy:F3} | {vanillaAccuracy:F3} | {r2mAccuracy:F3} |");
        Console.WriteLine($"reward model: validation accuracy {rewardStage.Validation?.Accuracy:P1}; SFT validation loss {sftReports[^1].ValidationLoss:F3}; total {total.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine($"wrote {args.Out}/metrics.json, steps.jsonl (R2M), steps-vanilla.jsonl, generations.md, *.png, model.zip (R2M)");
        return 0;
    }

    /// <summary>
    /// One RL run through the ML.NET pipeline from the reward-model stage's output: with R2M's aligner stage when
    /// <paramref name="feedback"/> is given, vanilla otherwise. Both start from the same SFT policy and reward model.
    /// </summary>
    private static (ITransformer Chain, R2MPolicyTransformer Stage) Reinforce(R2MCatalog r2m, IDataView rewardModelView, PolicyFeedbackOptions? feedback, SampleArgs args, RunSettings settings,
        int steps, GoldJudge? judge, IReadOnlyList<string> evalPrompts, string stepLog, string label)
    {
        File.Delete(stepLog);
        var bar = new ProgressBar($"{args.Algorithm} {label}", steps);
        var rl = r2m.Ppo(new PolicyOptimizationOptions
        {
            Algorithm = args.Algorithm, Steps = steps, PromptsPerStep = settings.PromptsPerStep, SamplesPerPrompt = settings.SamplesPerPrompt,
            MaxNewTokens = settings.MaxNewTokens, LearningRate = settings.RlLearningRate, KlCoefficient = settings.KlCoefficient, Seed = args.Seed,
            GoldJudge = judge, MetricsLogPath = stepLog, EvaluationPrompts = evalPrompts,
            Progress = new Inline<RlStepMetrics>(m => bar.Report(m.Step + 1,
                $"proxy {m["objective/scores"]:F3} kl {m["objective/kl"]:F2}{(judge is null ? "" : $" gold {m["gold/score"]:F3}")}")),
        });
        if (feedback is null)
        {
            var stage = rl.Fit(rewardModelView);
            return (stage, stage);
        }
        var chain = r2m.PolicyFeedbackAligner(feedback).Append(rl).Fit(rewardModelView);
        return (chain, chain.LastTransformer);
    }

    /// <summary>
    /// The run's reward function (as saved) on gold-labelled pairs of its final policy's samples on the RL prompts:
    /// whether the reward still ranks what the policy now writes. NaN without a judge.
    /// </summary>
    private static double FinalPolicyAccuracy(R2MPolicyTransformer stage, EmbeddedTaskData? task, ChatPrompts chat, GoldJudge? judge, RunSettings settings, int seed)
    {
        if (task is null || judge is null) return double.NaN;
        var prompts = task.TrainPrompts.Select(chat.Apply).ToList();
        var pairs = EmbeddedEvaluation.SampleGoldPairs(stage.Artifacts.Policy!, stage.Artifacts.Tokenizer, prompts, judge, rounds: 2, settings.MaxNewTokens, 0.7, seed + 70_000L);
        if (pairs.Count == 0) return double.NaN;
        var chosen = stage.Model.Score(pairs.Select(p => p.Prompt).ToList(), pairs.Select(p => p.Chosen).ToList());
        var rejected = stage.Model.Score(pairs.Select(p => p.Prompt).ToList(), pairs.Select(p => p.Rejected).ToList());
        return Enumerable.Range(0, pairs.Count).Count(i => chosen[i] > rejected[i]) / (double)pairs.Count;
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

    private static Evaluation Evaluate(R2MArtifacts artifacts, IReadOnlyList<string> prompts, GoldJudge? judge, int maxNewTokens)
    {
        var (responses, _) = EmbeddedEvaluation.Generate(artifacts.Policy!, artifacts.Tokenizer, prompts, maxNewTokens);
        // The judge reads the plain prompt, whatever chat format the model was given.
        double gold = judge is null ? double.NaN : prompts.Select((p, i) => judge(p, responses[i])).Average();
        return new Evaluation(responses, gold);
    }

    private static void WriteGenerations(string path, IReadOnlyList<string> prompts, Evaluation before, Evaluation vanilla, Evaluation after, EmbeddedTaskData? task)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("# Generations of the SFT policy and after RL, vanilla and with R2M (greedy)");
        w.WriteLine();
        w.WriteLine(task is null ? "| prompt | SFT | vanilla | R2M |" : "| prompt | SFT | gold | vanilla | gold | R2M | gold |");
        w.WriteLine(task is null ? "|---|---|---|---|" : "|---|---|---|---|---|---|---|");
        string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");
        string Gold(Evaluation e, int i) => task is null ? "" : $" {task.Judge(prompts[i], e.Responses[i]):F2} |";
        for (int i = 0; i < Math.Min(prompts.Count, 40); i++)
            w.WriteLine($"| {Cell(prompts[i])} | {Cell(before.Responses[i])} |{Gold(before, i)} {Cell(vanilla.Responses[i])} |{Gold(vanilla, i)} {Cell(after.Responses[i])} |{Gold(after, i)}");
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
