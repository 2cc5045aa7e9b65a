using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators.Pipeline;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Tokenization;

namespace R2M.Estimators.Configuration;

/// <summary>
/// Runs the whole pipeline an <see cref="R2MConfig"/> describes (load → SFT when configured → reward model →
/// aligner → RL) through the catalog's ML.NET stages, and saves the model zip atomically.
/// </summary>
public static class R2MConfigTraining
{
    /// <summary>Trains and writes the model zip at <paramref name="outputZip"/> (nothing is written on failure).</summary>
    /// <param name="config">A configuration read by <see cref="R2MConfigReader.Read"/> (paths absolute).</param>
    /// <param name="outputZip">Where the zip goes.</param>
    /// <param name="progress">Receives epoch and step reports, on the training thread.</param>
    /// <param name="cancellation">Stops RL between two steps (then <see cref="OperationCanceledException"/>).</param>
    public static void Train(R2MConfig config, string outputZip, IProgress<R2MTrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var ml = new MLContext(config.Seed);
        if (config.GpuDeviceId is int gpu) ml.GpuDeviceId = gpu;
        var r2m = ml.R2M();
        TokenizerSpec? tokenizer = config.Tokenizer switch
        {
            null => null,
            "byte-level" => TokenizerSpec.ByteLevel,
            "gpt2-bpe" => TokenizerSpec.Gpt2,
            string folder => TokenizerSpec.FromHuggingFaceFolder(folder),
        };
        void Report(string stage, int done, int total, string detail) => progress?.Report(new R2MTrainingProgress(stage, done, total, detail));

        var rm = r2m.RewardModel(config.RewardModel with
        {
            Progress = new Reporter<RewardModelEpochReport>(r => Report("reward-model", r.Epoch, config.RewardModel.Epochs,
                $"loss {F(r.TrainLoss)}, accuracy {F(r.TrainAccuracy)}{(r.Validation is null ? "" : $", validation accuracy {F(r.Validation.Accuracy)}")}")),
        });
        var aligner = r2m.PolicyFeedbackAligner(config.Aligner with { Tokenizer = config.Aligner.Tokenizer ?? tokenizer });
        var rl = r2m.Ppo(config.Rl with
        {
            CancellationToken = cancellation,
            Progress = new Reporter<RlStepMetrics>(m => Report("rl", m.Step + 1, config.Rl.Steps, RlDetail(m))),
        });

        var loader = r2m.PreferenceLoader(config.Data.Loader);
        var untilRewardModel = config.Sft is null
            ? loader.Append(rm)
            : loader.Append(r2m.SupervisedFineTune(config.Sft with
            {
                Tokenizer = config.Sft.Tokenizer ?? tokenizer,
                Progress = new Reporter<SupervisedFineTuneReport>(r => Report("sft", r.Epoch, config.Sft.Epochs, $"loss {F(r.TrainLoss)}, validation loss {F(r.ValidationLoss)}")),
            })).Append(rm);
        var pipeline = untilRewardModel.Append(aligner).Append(rl);

        Report("load", 0, config.Data.Files.Count, string.Join(", ", config.Data.Files.Select(Path.GetFileName)));
        var model = pipeline.Fit(new MultiFileSource(config.Data.Files.ToArray()));
        try
        {
            cancellation.ThrowIfCancellationRequested();
            Report("save", 0, 1, outputZip);
            r2m.SaveModel(model, outputZip);
            Report("save", 1, 1, outputZip);
        }
        finally
        {
            (model.Transformer as IDisposable)?.Dispose();
        }
    }

    private static string RlDetail(RlStepMetrics m)
    {
        var parts = new List<string>();
        foreach (string name in new[] { "objective/scores", "objective/kl", "loss/policy_avg" })
        {
            double v = m[name];
            if (!double.IsNaN(v)) parts.Add($"{name} {F(v)}");
        }
        return string.Join(", ", parts);
    }

    private static string F(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Reports synchronously on the caller's thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Reporter<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
