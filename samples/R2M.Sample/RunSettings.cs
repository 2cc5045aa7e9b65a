using R2M.Estimators.Training;

namespace R2M.Sample;

/// <summary>
/// Sizes of the main job: the full run (a few minutes on 2 cores) and --quick (about a minute). The figures
/// follow the measurements in docs/embedded-task.md (a Tiny byte-level policy learns the task fastest).
/// </summary>
internal sealed record RunSettings(PolicySize Policy, int SftPairs, int SftEpochs, double SftLearningRate, int PreferencePairs, int RmEpochs,
    double RmLearningRate, int RlSteps, int PromptsPerStep, int SamplesPerPrompt, int MaxNewTokens, int MaxLength)
{
    public static RunSettings Full { get; } = new(PolicySize.Tiny, SftPairs: 3000, SftEpochs: 4, SftLearningRate: 3e-3, PreferencePairs: 4000,
        RmEpochs: 3, RmLearningRate: 5e-4, RlSteps: 80, PromptsPerStep: 8, SamplesPerPrompt: 4, MaxNewTokens: 32, MaxLength: 64);

    public static RunSettings Quick { get; } = new(PolicySize.Tiny, SftPairs: 2000, SftEpochs: 3, SftLearningRate: 3e-3, PreferencePairs: 2000,
        RmEpochs: 2, RmLearningRate: 5e-4, RlSteps: 20, PromptsPerStep: 8, SamplesPerPrompt: 4, MaxNewTokens: 32, MaxLength: 64);
}
