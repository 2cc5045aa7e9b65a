namespace R2M.Sample;

/// <summary>
/// The study's RL settings; the task, SFT and reward-model sizes are the main job's (<see cref="RunSettings"/>).
/// The aligner settings are the instrument's: the same for every R2M variant, strong enough that the oracle
/// (the positive control) can move the reward within the run (docs/results.md says why).
/// </summary>
internal sealed record StudySettings(int Seeds, int Steps, int PromptsPerStep, double LearningRate, double AlignerLearningRate,
    int AlignerUpdatesPerStep, int OmegaHorizon, int WarmStartEpochs, int AccuracyRounds)
{
    public static StudySettings Full { get; } = new(Seeds: 10, Steps: 64, PromptsPerStep: 12, LearningRate: 2.5e-4, AlignerLearningRate: 1e-2,
        AlignerUpdatesPerStep: 16, OmegaHorizon: 16, WarmStartEpochs: 1, AccuracyRounds: 2);

    public static StudySettings Quick { get; } = new(Seeds: 2, Steps: 6, PromptsPerStep: 4, LearningRate: 2.5e-4, AlignerLearningRate: 1e-2,
        AlignerUpdatesPerStep: 16, OmegaHorizon: 2, WarmStartEpochs: 1, AccuracyRounds: 1);

    /// <summary>Learning rate of the warm start's one offline epoch (hundreds of steps: lower than the online rate).</summary>
    public const double WarmStartLearningRate = 1e-3;
}
