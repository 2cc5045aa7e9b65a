using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators;
using R2M.Estimators.Pipeline;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.Tests.Infrastructure;
using R2M.Tests.Training;

namespace R2M.Tests.Pipeline;

/// <summary>Tiny whole-pipeline settings and a planted preference file, shared by the pipeline tests.</summary>
internal static class PipelineFixture
{
    public static string WritePreferences(TempDir dir, int count = 96)
    {
        string path = dir.File("prefs.jsonl");
        File.WriteAllLines(path, PlantedPreferenceTests.Planted(count, seed: 11).Select(p =>
            JsonSerializer.Serialize(new { prompt = p.Prompt, chosen = p.Chosen, rejected = p.Rejected })));
        return path;
    }

    public static SupervisedFineTuneOptions Sft => new() { PolicySize = PolicySize.Tiny, Epochs = 1, MaxLength = 48, LearningRate = 3e-3 };

    public static RewardModelOptions Rm => new() { Epochs = 1, MaxLength = 48, LearningRate = 3e-3 };

    public static PolicyOptimizationOptions Rl(CancellationToken token = default, IProgress<RlStepMetrics>? progress = null) => new()
    {
        Algorithm = RlAlgorithm.Rloo, Steps = 2, PromptsPerStep = 2, SamplesPerPrompt = 2, MaxNewTokens = 6, MiniBatches = 1,
        CancellationToken = token, Progress = progress,
    };

    public static CompositeLoaderEstimator<IMultiStreamSource, R2MPolicyTransformer> FullChain(R2MCatalog r2m, PolicyOptimizationOptions? rl = null) =>
        r2m.PreferenceLoader()
            .Append(r2m.SupervisedFineTune(Sft))
            .Append(r2m.RewardModel(Rm))
            .Append(r2m.PolicyFeedbackAligner(new PolicyFeedbackOptions { Width = 16 }))
            .Append(r2m.Ppo(rl ?? Rl()));

    public static IDataView Prompts(MLContext ml, params string[] prompts) =>
        ml.Data.LoadFromEnumerable(prompts.Select(p => new R2MGraphInput { Prompt = p }));
}
