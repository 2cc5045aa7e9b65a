using R2M.Estimators.Training;
using R2M.MLNet.Data;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.MLNet.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Training;

public class PlantedPreferenceTests
{
    private static readonly string[] Words = ["river", "stone", "lamp", "cloud", "paper", "green", "seven", "quiet", "north", "glass", "salt", "wind"];

    public PlantedPreferenceTests() => TorchRuntime.EnsureLoaded();

    /// <summary>Pairs whose chosen response carries the marker word somewhere; the rejected one never does.</summary>
    internal static List<PreferencePair> Planted(int count, int seed)
    {
        var random = new Random(seed);
        string Sentence(int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => Words[random.Next(Words.Length)]));
        var pairs = new List<PreferencePair>();
        for (int i = 0; i < count; i++)
        {
            string prompt = "say " + Sentence(2);
            var chosenWords = Sentence(random.Next(3, 7)).Split(' ').ToList();
            chosenWords.Insert(random.Next(chosenWords.Count + 1), "mango");
            pairs.Add(new PreferencePair(prompt, string.Join(' ', chosenWords), Sentence(random.Next(4, 8))));
        }
        return pairs;
    }

    [Fact]
    public void Reward_model_learns_a_planted_marker_to_95_percent_held_out_accuracy()
    {
        manual_seed(1);
        var tok = new ByteLevelTokenizer();
        using var model = new SequenceScoreModel(CausalLMConfig.Llama(tok.VocabSize, 32, 2, 4, 2, 64, 128));
        var train = Planted(384, seed: 1);
        var heldOut = Planted(128, seed: 2);

        var reports = RewardModelTrainer.Train(model, tok, train, heldOut,
            new RewardModelOptions { Epochs = 4, BatchSize = 16, LearningRate = 3e-3, MaxLength = 64, EarlyStoppingPatience = 0 });
        var metrics = RewardModelTrainer.Evaluate(model, tok, heldOut, 64);

        metrics.Accuracy.Should().BeGreaterThanOrEqualTo(0.95);
        metrics.MeanMargin.Should().BePositive();
        reports.Should().HaveCount(4);
        reports[^1].TrainLoss.Should().BeLessThan(reports[0].TrainLoss);
    }

    [Fact]
    public void Training_keeps_the_weights_of_the_epoch_with_the_lowest_validation_loss()
    {
        manual_seed(4);
        var tok = new ByteLevelTokenizer();
        using var model = new SequenceScoreModel(CausalLMConfig.Llama(tok.VocabSize, 16, 1, 2, 2, 32, 128));
        var train = Planted(64, seed: 3);
        var validation = Planted(32, seed: 4);

        // A learning rate this high makes validation loss jump around, so the last epoch is rarely the best.
        var reports = RewardModelTrainer.Train(model, tok, train, validation,
            new RewardModelOptions { Epochs = 4, BatchSize = 8, LearningRate = 0.05, MaxLength = 48, EarlyStoppingPatience = 0 });

        double best = reports.Min(r => r.Validation!.Loss);
        RewardModelTrainer.Evaluate(model, tok, validation, 48).Loss.Should().BeApproximately(best, 1e-4);
        reports.Single(r => r.IsBest && r.Validation!.Loss == best).Should().NotBeNull();
    }

    [Fact]
    public void Early_stopping_ends_training_after_patience_epochs_without_improvement()
    {
        manual_seed(5);
        var tok = new ByteLevelTokenizer();
        using var model = new SequenceScoreModel(CausalLMConfig.Llama(tok.VocabSize, 16, 1, 2, 2, 32, 128));
        var pairs = Planted(32, seed: 5);

        // Learning rate 0: the validation loss never improves after the first epoch.
        var reports = RewardModelTrainer.Train(model, tok, pairs, pairs,
            new RewardModelOptions { Epochs = 10, BatchSize = 8, LearningRate = 0, MaxLength = 48, EarlyStoppingPatience = 2 });

        reports.Should().HaveCount(3);
        reports.Select(r => r.IsBest).Should().Equal(true, false, false);
    }

    [Fact]
    public void Reward_centering_pulls_the_mean_reward_toward_zero()
    {
        var tok = new ByteLevelTokenizer();
        var pairs = Planted(64, seed: 6);
        double MeanReward(double coefficient)
        {
            manual_seed(6);
            using var model = new SequenceScoreModel(CausalLMConfig.Llama(tok.VocabSize, 16, 1, 2, 2, 32, 128));
            using (no_grad()) model.Head.weight!.add_(TorchScalars.Half, TorchScalars.One); // start off-centre
            RewardModelTrainer.Train(model, tok, pairs, [], new RewardModelOptions
            {
                Epochs = 3, BatchSize = 8, LearningRate = 3e-3, MaxLength = 48, CenterRewardsCoefficient = coefficient, EarlyStoppingPatience = 0,
            });
            using var noGrad = no_grad();
            var texts = pairs.SelectMany(p => new[] { (p.Prompt, p.Chosen), (p.Prompt, p.Rejected) }).ToList();
            return Math.Abs(RewardModelTrainer.ScoreTexts(model, tok, texts, 48).mean().item<float>());
        }

        MeanReward(1.0).Should().BeLessThan(MeanReward(0.0));
    }
}
