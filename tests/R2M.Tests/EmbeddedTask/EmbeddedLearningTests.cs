using System.Diagnostics;
using R2M.Estimators.EmbeddedTask;
using R2M.Estimators.Training;
using R2M.MLNet.Data;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.MLNet.Tokenization;

namespace R2M.Tests.EmbeddedTask;

/// <summary>One SFT'd Tiny policy on the embedded task, shared by the learning tests of this class.</summary>
public sealed class EmbeddedSftFixture : IDisposable
{
    public EmbeddedSftFixture()
    {
        TorchRuntime.EnsureLoaded();
        Data = EmbeddedTaskData.Create(1, new EmbeddedTaskOptions { SftPairs = 2000, PreferencePairs = 2000, ValidationPreferencePairs = 400 });
        Policy = PolicyFactory.FromScratch(Tokenizer, PolicySize.Tiny, seed: 1);
        GoldBefore = EmbeddedEvaluation.Generate(Policy, Tokenizer, Data.TrainPrompts).MeanGold;
        var watch = Stopwatch.StartNew();
        SupervisedFineTuner.Train(Policy, Tokenizer, Data.SftTrain, [],
            new SupervisedFineTuneOptions { Epochs = 3, BatchSize = 16, LearningRate = 3e-3, MaxLength = 64 });
        SftTime = watch.Elapsed;
    }

    public ByteLevelTokenizer Tokenizer { get; } = new();
    public EmbeddedTaskData Data { get; }
    public CausalLM Policy { get; }
    public double GoldBefore { get; }
    public TimeSpan SftTime { get; }


    public void Dispose() => Policy.Dispose();
}

/// <summary>Runs alone: torch's threads and other CPU-heavy tests slow each other down badly on 2 cores.</summary>
[CollectionDefinition(nameof(EmbeddedLearningCollection), DisableParallelization = true)]
public sealed class EmbeddedLearningCollection;

[Collection(nameof(EmbeddedLearningCollection))]
public class EmbeddedLearningTests(EmbeddedSftFixture fixture) : IClassFixture<EmbeddedSftFixture>
{
    [Fact]
    public void A_tiny_byte_level_policy_learns_the_task_by_sft_but_stays_imperfect()
    {
        double after = EmbeddedEvaluation.Generate(fixture.Policy, fixture.Tokenizer, fixture.Data.TrainPrompts).MeanGold;

        fixture.GoldBefore.Should().BeLessThan(0.05);
        after.Should().BeGreaterThan(0.3, "it learns the templates (80% of the corpus' answers are deliberately wrong or cut short)").And.BeLessThan(0.95, "RL needs room to improve");
    }

    [Fact]
    public void A_reward_model_on_the_labels_beats_chance_on_gold_yet_prefers_padding()
    {
        var data = fixture.Data;
        using var rm = RewardModelFactory.FromPolicy(fixture.Policy);
        RewardModelTrainer.Train(rm, fixture.Tokenizer, data.PreferenceTrain, [],
            new RewardModelOptions { Epochs = 2, BatchSize = 16, LearningRate = 5e-4, MaxLength = 64, EarlyStoppingPatience = 0 });

        // Pairs with a clear gold gap (beyond the length tolerance): correctness, not length, decides them.
        var clear = data.GoldValidation.Where(p => data.Judge(p.Prompt, p.Chosen) - data.Judge(p.Prompt, p.Rejected) > data.Options.LengthBias).ToList();
        double goldAccuracy = RewardModelTrainer.Evaluate(rm, fixture.Tokenizer, clear, 64).Accuracy;
        // A correct answer with a short filler (gold < 1) against the same answer without it.
        var random = new Random(5);
        var padded = data.EvalPrompts.SelectMany(prompt => Enumerable.Range(0, 8).Select(_ =>
        {
            var instruction = EmbeddedInstruction.TryParse(prompt)!;
            string good = EmbeddedResponses.Write(instruction, EmbeddedResponseStyle.Good, random);
            return new PreferencePair(prompt, good + EmbeddedVocabulary.Fillers[random.Next(EmbeddedVocabulary.Fillers.Count)], good);
        })).ToList();
        double prefersPadded = RewardModelTrainer.Evaluate(rm, fixture.Tokenizer, padded, 64).Accuracy;

        goldAccuracy.Should().BeGreaterThan(0.55);
        prefersPadded.Should().BeGreaterThan(0.6);
    }
}
