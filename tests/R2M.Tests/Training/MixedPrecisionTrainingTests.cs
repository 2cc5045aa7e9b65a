using R2M.Estimators.Training;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.MLNet.Tokenization;
using R2M.MLNet.Training;
using static TorchSharp.torch;

namespace R2M.Tests.Training;

/// <summary>The trainers with <see cref="MixedPrecision.BFloat16"/>: they still learn, and hand back float32 models.</summary>
public class MixedPrecisionTrainingTests
{
    public MixedPrecisionTrainingTests() => TorchRuntime.EnsureLoaded();

    private static List<(string, string)> EchoTask(int count, int seed)
    {
        var random = new Random(seed);
        string[] words = ["red", "blue", "gold", "pink"];
        return [.. Enumerable.Range(0, count).Select(_ => { string w = words[random.Next(words.Length)]; return ($"echo {w}:", $" {w}"); })];
    }

    [Fact]
    public void Supervised_fine_tuning_in_bf16_lowers_validation_loss_and_hands_back_float32_weights()
    {
        var tok = new ByteLevelTokenizer();
        using var policy = PolicyFactory.FromScratch(tok, PolicySize.Tiny, seed: 3);
        var validation = EchoTask(32, 2);
        var options = new SupervisedFineTuneOptions { Epochs = 3, BatchSize = 16, LearningRate = 3e-3, MaxLength = 32, MixedPrecision = MixedPrecision.BFloat16 };
        double before = SupervisedFineTuner.Evaluate(policy, tok, validation, options);

        var reports = SupervisedFineTuner.Train(policy, tok, EchoTask(128, 1), validation, options);

        reports[^1].ValidationLoss.Should().BeLessThan(before / 2);
        policy.parameters().Should().OnlyContain(p => p.dtype == ScalarType.Float32);
        SupervisedFineTuner.Evaluate(policy, tok, validation, options).Should().BeApproximately(reports[^1].ValidationLoss, 0.05,
            "the float32 weights handed back are the masters the bf16 copies were rounded from");
    }

    [Fact]
    public void Reward_model_training_in_bf16_learns_the_planted_marker_and_hands_back_float32_weights()
    {
        manual_seed(1);
        var tok = new ByteLevelTokenizer();
        using var model = new SequenceScoreModel(CausalLMConfig.Llama(tok.VocabSize, 32, 1, 4, 2, 64, 128));
        var heldOut = PlantedPreferenceTests.Planted(64, seed: 2);

        var reports = RewardModelTrainer.Train(model, tok, PlantedPreferenceTests.Planted(192, seed: 1), heldOut,
            new RewardModelOptions { Epochs = 3, BatchSize = 16, LearningRate = 3e-3, MaxLength = 64, EarlyStoppingPatience = 0, MixedPrecision = MixedPrecision.BFloat16 });

        model.parameters().Should().OnlyContain(p => p.dtype == ScalarType.Float32);
        RewardModelTrainer.Evaluate(model, tok, heldOut, 64).Accuracy.Should().BeGreaterThanOrEqualTo(0.9);
        reports[^1].TrainLoss.Should().BeLessThan(reports[0].TrainLoss);
    }
}
