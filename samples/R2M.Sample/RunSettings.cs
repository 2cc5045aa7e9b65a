using R2M.Estimators.EmbeddedTask;
using R2M.Estimators.Training;

namespace R2M.Sample;

/// <summary>
/// Sizes of the main job and the study's task: the main job's full run (a few minutes on 2 cores) and --quick
/// (about a minute), the study's task and its --quick smoke run. Chosen by the measurements in docs/embedded-task.md.
/// </summary>
/// <param name="WrongShare">Share of the mediocre SFT answers that have a wrong word; the rest are cut short.</param>
internal sealed record RunSettings(PolicySize Policy, int SftPairs, int SftEpochs, double SftLearningRate, double WrongShare, int PreferencePairs, int PolicySampleRounds,
    int RmEpochs, double RmLearningRate, int RmBatchSize, int RlSteps, double RlLearningRate, double KlCoefficient, int PromptsPerStep, int SamplesPerPrompt, int MaxNewTokens, int MaxLength)
{
    /// <summary>
    /// The main job: the SFT corpus's mediocre answers are mostly cut short (a fault RL learns to fix on the RL prompts
    /// and carries to unseen combinations), KL 0.2 and 32 prompts a step (docs/embedded-task.md, "The main job's settings").
    /// </summary>
    public static RunSettings Full { get; } = new(PolicySize.Tiny, SftPairs: 6000, SftEpochs: 6, SftLearningRate: 3e-3, WrongShare: 0.1, PreferencePairs: 4000, PolicySampleRounds: 30,
        RmEpochs: 3, RmLearningRate: 1e-3, RmBatchSize: 16, RlSteps: 40, RlLearningRate: 1e-4, KlCoefficient: 0.2, PromptsPerStep: 32, SamplesPerPrompt: 4, MaxNewTokens: 32, MaxLength: 64);

    /// <summary>The main job's --quick: a smoke run of every stage (8 prompts a step keep it near half a minute).</summary>
    public static RunSettings Quick { get; } = new(PolicySize.Tiny, SftPairs: 3000, SftEpochs: 3, SftLearningRate: 3e-3, WrongShare: 0.1, PreferencePairs: 2000, PolicySampleRounds: 10,
        RmEpochs: 2, RmLearningRate: 1e-3, RmBatchSize: 16, RlSteps: 20, RlLearningRate: 1e-4, KlCoefficient: 0.2, PromptsPerStep: 8, SamplesPerPrompt: 4, MaxNewTokens: 32, MaxLength: 64);

    /// <summary>
    /// The study's task, SFT and reward model: the main job's sizes with the task's own mix of mediocre SFT answers
    /// (wrong or cut short in equal parts); docs/results.md was measured with these. The study's RL settings are
    /// <see cref="StudySettings"/>; it reads none of the RL fields here.
    /// </summary>
    public static RunSettings Study { get; } = Full with { WrongShare = new EmbeddedTaskOptions().WrongShare };

    /// <summary>The study's --quick: just enough to run every variant and write the report's tables.</summary>
    public static RunSettings Smoke { get; } = new(PolicySize.Tiny, SftPairs: 300, SftEpochs: 1, SftLearningRate: 3e-3, WrongShare: new EmbeddedTaskOptions().WrongShare, PreferencePairs: 300, PolicySampleRounds: 1,
        RmEpochs: 1, RmLearningRate: 1e-3, RmBatchSize: 16, RlSteps: 6, RlLearningRate: 1e-4, KlCoefficient: 0.05, PromptsPerStep: 4, SamplesPerPrompt: 4, MaxNewTokens: 16, MaxLength: 64);

    /// <summary>The embedded task at these sizes (its label flaws are the task's defaults unless <paramref name="noLengthBias"/>).</summary>
    public EmbeddedTaskOptions Task(bool noLengthBias = false) => new()
    {
        SftPairs = SftPairs, WrongShare = WrongShare, PreferencePairs = PreferencePairs, PolicySampleRounds = PolicySampleRounds,
        LengthBias = noLengthBias ? 0 : new EmbeddedTaskOptions().LengthBias,
    };

    /// <summary>The SFT settings at these sizes.</summary>
    public SupervisedFineTuneOptions Sft(int seed) => new() { Epochs = SftEpochs, MaxLength = MaxLength, LearningRate = SftLearningRate, Seed = seed, PolicySize = Policy };

    /// <summary>The reward-model settings at these sizes: every epoch runs (no early stop on the noisy validation labels).</summary>
    public RewardModelOptions RewardModel(int seed) => new()
    {
        Epochs = RmEpochs, MaxLength = MaxLength, LearningRate = RmLearningRate, BatchSize = RmBatchSize, EarlyStoppingPatience = 0, Seed = seed,
    };
}
