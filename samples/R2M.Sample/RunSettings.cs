using R2M.Estimators.Training;

namespace R2M.Sample;

/// <summary>Sizes of the main job: the full run (a few minutes on 2 cores) and --quick (about a minute).</summary>
internal sealed record RunSettings(PolicySize Policy, int SftPairs, int SftEpochs, int PreferencePairs, int RmEpochs, int RlSteps,
    int PromptsPerStep, int SamplesPerPrompt, int MaxNewTokens, int MaxLength)
{
    public static RunSettings Full { get; } = new(PolicySize.Small, SftPairs: 2000, SftEpochs: 3, PreferencePairs: 1600, RmEpochs: 2,
        RlSteps: 40, PromptsPerStep: 8, SamplesPerPrompt: 4, MaxNewTokens: 24, MaxLength: 96);

    public static RunSettings Quick { get; } = new(PolicySize.Tiny, SftPairs: 800, SftEpochs: 2, PreferencePairs: 400, RmEpochs: 1,
        RlSteps: 12, PromptsPerStep: 4, SamplesPerPrompt: 4, MaxNewTokens: 24, MaxLength: 96);
}
