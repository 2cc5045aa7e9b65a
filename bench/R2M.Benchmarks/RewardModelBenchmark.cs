using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using R2M.Estimators.Training;
using R2M.MLNet.Data;
using R2M.MLNet.Modeling;
using R2M.MLNet.Tokenization;
using static TorchSharp.torch;

namespace R2M.Benchmarks;

/// <summary>
/// A reward model trained from scratch (random body, byte-level tokenizer) on one split of a real preference
/// file and evaluated on the other (split by a hash of the prompt, so no prompt is in both).
/// </summary>
internal static class RewardModelBenchmark
{
    public static int Run(BenchArgs a)
    {
        string data = a.String("data", "");
        if (data.Length == 0) throw new ArgumentException("reward-model needs --data <preference file>.");
        var size = Enum.Parse<PolicySize>(a.String("size", "Small"));
        int epochs = a.Int("epochs", 3), maxLength = a.Int("max-length", 256);
        var watch = Stopwatch.StartNew();
        var loaded = PreferenceDataLoader.Load(data);
        // Three parts by prompt hash: train, validation (early stopping picks the epoch) and a held-out test
        // part that nothing was selected on, which the reported accuracy comes from.
        var (rest, heldOut) = PreferenceSplit.ByPromptHash(loaded.Pairs, 0.2);
        var (train, validation) = PreferenceSplit.ByPromptHash(rest, 0.125, salt: "validation");
        var tokenizer = new ByteLevelTokenizer();
        manual_seed(1);
        using var model = new SequenceScoreModel(PolicyFactory.Config(tokenizer, size, maxPositions: maxLength));
        long parameters = model.parameters().Sum(p => p.numel());
        Console.WriteLine($"reward model from scratch on {Path.GetFileName(data)}: {loaded.Pairs.Count} pairs ({loaded.Format}), {train.Count} train / {validation.Count} validation / {heldOut.Count} test, split by prompt hash");
        Console.WriteLine($"model: {size}, {parameters / 1e6:F2} M parameters, byte-level tokenizer, max length {maxLength}; machine: {Measure.Machine()}");
        var reports = RewardModelTrainer.Train(model, tokenizer, train, validation,
            new RewardModelOptions
            {
                Epochs = epochs, BatchSize = 8, LearningRate = a.Int("lr-e5", 30) * 1e-5, MaxLength = maxLength, EarlyStoppingPatience = 1,
                Progress = new Progress(r => Console.WriteLine($"  epoch {r.Epoch}: train loss {r.TrainLoss:F4}, train acc {r.TrainAccuracy:P1}, validation acc {r.Validation!.Accuracy:P1}, loss {r.Validation.Loss:F4}{(r.IsBest ? " (best)" : "")}")),
            });
        var metrics = RewardModelTrainer.Evaluate(model, tokenizer, heldOut, maxLength);
        double seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine("| data | pairs train / validation / test | test accuracy | mean margin | ECE | seconds |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine($"| {Path.GetFileName(data)} | {train.Count} / {validation.Count} / {heldOut.Count} | {metrics.Accuracy:P1} | {metrics.MeanMargin:F3} | {metrics.ExpectedCalibrationError:F3} | {seconds:F0} |");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["benchmark"] = "reward-model", ["data"] = Path.GetFileName(data), ["machine"] = Measure.Machine(),
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["size"] = size.ToString(), ["parameters"] = parameters,
            ["train_pairs"] = train.Count, ["validation_pairs"] = validation.Count, ["test_pairs"] = heldOut.Count, ["epochs_run"] = reports.Count,
            ["test_accuracy"] = Math.Round(metrics.Accuracy, 4), ["mean_margin"] = Math.Round(metrics.MeanMargin, 4),
            ["ece"] = Math.Round(metrics.ExpectedCalibrationError, 4), ["seconds"] = Math.Round(seconds, 1),
        }));
        return 0;
    }

    private sealed class Progress(Action<RewardModelEpochReport> report) : IProgress<RewardModelEpochReport>
    {
        public void Report(RewardModelEpochReport value) => report(value);
    }
}
