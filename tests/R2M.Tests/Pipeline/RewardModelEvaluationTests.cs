using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators;
using R2M.Estimators.Pipeline;
using R2M.Estimators.Training;
using R2M.MLNet.Data;
using R2M.Tests.Infrastructure;
using R2M.Tests.Training;

namespace R2M.Tests.Pipeline;

/// <summary><c>r2m.EvaluateRewardModel</c>: ML.NET's evaluate-a-scored-view habit for reward models.</summary>
public class RewardModelEvaluationTests
{
    private sealed class ScoredPair
    {
        public string Prompt { get; set; } = "p";
        public string Chosen { get; set; } = "c";
        public string Rejected { get; set; } = "r";
        public float ChosenReward { get; set; }
        public float RejectedReward { get; set; }
    }

    private sealed class RenamedScores { public float Good { get; set; } public float Bad { get; set; } public float Gap { get; set; } }

    private sealed class TextScores { public string ChosenReward { get; set; } = ""; public float RejectedReward { get; set; } }

    private sealed class PairRow { public string Prompt { get; set; } = ""; public string Chosen { get; set; } = ""; public string Rejected { get; set; } = ""; }

    // (r_c, r_r) = (3, 1), (0, 2), (1, 0.5), (−1, −1): Δ = 2, −2, 0.5, 0.
    private static readonly (float Chosen, float Rejected)[] FourPairs = [(3, 1), (0, 2), (1, 0.5f), (-1, -1)];

    [Fact]
    public void EvaluateRewardModel_matches_a_hand_count_on_four_scored_pairs()
    {
        var ml = new MLContext();
        var scored = ml.Data.LoadFromEnumerable(FourPairs.Select(p => new ScoredPair { ChosenReward = p.Chosen, RejectedReward = p.Rejected }));

        var metrics = ml.R2M().EvaluateRewardModel(scored);

        metrics.Count.Should().Be(4);
        metrics.Accuracy.Should().Be(0.5, "Δ > 0 in two pairs; the tie counts as wrong");
        metrics.MeanMargin.Should().Be(0.125, "(2 − 2 + 0.5 + 0) / 4");
        // Confidence max(σ(Δ), 1 − σ(Δ)): 0.8808 (right) and 0.8808 (wrong) in bin [0.85, 0.90), accuracy 1/2;
        // σ(0.5) = 0.6225 (right) in [0.60, 0.65); 0.5 (the tie, wrong) in [0.50, 0.55).
        double ece = 2.0 / 4 * Math.Abs(0.5 - 0.8807970779778823) + 1.0 / 4 * Math.Abs(1 - 0.6224593312018546) + 1.0 / 4 * Math.Abs(0 - 0.5);
        metrics.ExpectedCalibrationError.Should().BeApproximately(ece, 1e-12);
        // Loss = mean softplus(−Δ) = (ln(1 + e^−2) + ln(1 + e^2) + ln(1 + e^−0.5) + ln 2) / 4.
        metrics.Loss.Should().BeApproximately(0.8552700467064993, 1e-12);
    }

    [Fact]
    public void EvaluateRewardModel_reads_the_columns_named_in_its_options_and_the_margin_only_changes_the_loss()
    {
        var ml = new MLContext();
        var scored = ml.Data.LoadFromEnumerable(FourPairs.Select((p, i) => new RenamedScores { Good = p.Chosen, Bad = p.Rejected, Gap = i == 0 ? 1 : 0 }));

        var metrics = ml.R2M().EvaluateRewardModel(scored, new RewardModelEvaluationOptions { ChosenRewardColumnName = "Good", RejectedRewardColumnName = "Bad", MarginColumnName = "Gap" });

        metrics.Accuracy.Should().Be(0.5);
        metrics.MeanMargin.Should().Be(0.125);
        // The first pair's loss term becomes softplus(−(2 − 1)) = ln(1 + e^−1).
        metrics.Loss.Should().BeApproximately(0.9018534658253119, 1e-12);
    }

    [Fact]
    public void EvaluateRewardModel_names_a_missing_or_mistyped_reward_column_in_mlnet_wording()
    {
        var ml = new MLContext();
        var r2m = ml.R2M();
        var unscored = ml.Data.LoadFromEnumerable(new[] { new PairRow { Prompt = "p", Chosen = "c", Rejected = "r" } });
        var textScores = ml.Data.LoadFromEnumerable(new[] { new TextScores { ChosenReward = "high", RejectedReward = 1 } });

        Action missing = () => r2m.EvaluateRewardModel(unscored);
        Action mistyped = () => r2m.EvaluateRewardModel(textScores);

        missing.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Could not find chosen reward column 'ChosenReward'. Score the pairs first: r2m.EvaluateRewardModel(model.Transform(pairs)).*");
        mistyped.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Schema mismatch for chosen reward column 'ChosenReward': expected Single, got String*");
    }

    [Fact]
    public void EvaluateRewardModel_on_a_loaded_zip_scores_each_pair_with_the_served_reward()
    {
        using var dir = new TempDir();
        string path = dir.File("model.zip");
        TinyModelZip.Save(path, seed: 6);
        var ml = new MLContext(seed: 1);
        using var model = ml.R2M().LoadModel(path);
        var pairs = new[] { new PairRow { Prompt = "say river", Chosen = "river", Rejected = "stone" }, new PairRow { Prompt = "say lamp", Chosen = "lamp", Rejected = "cloud" } };

        var metrics = ml.R2M().EvaluateRewardModel(model.Transform(ml.Data.LoadFromEnumerable(pairs)));

        var chosen = model.Score([.. pairs.Select(p => p.Prompt)], [.. pairs.Select(p => p.Chosen)]);
        var rejected = model.Score([.. pairs.Select(p => p.Prompt)], [.. pairs.Select(p => p.Rejected)]);
        var expected = PreferenceMetrics.From([.. chosen.Select(v => (double)v)], [.. rejected.Select(v => (double)v)]);
        metrics.Count.Should().Be(2);
        metrics.Accuracy.Should().Be(expected.Accuracy);
        metrics.MeanMargin.Should().BeApproximately(expected.MeanMargin, 1e-6);
    }

    [Fact]
    public void EvaluateRewardModel_on_the_reward_model_stage_gives_the_validation_metrics_its_trainer_reported()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 2);
        var r2m = ml.R2M();
        var rm = PipelineFixture.Rm with { ValidationFraction = 0.25 };
        var model = r2m.PreferenceLoader().Append(r2m.SupervisedFineTune(PipelineFixture.Sft)).Append(r2m.RewardModel(rm))
            .Fit(new MultiFileSource(PipelineFixture.WritePreferences(dir, 64)));
        var (_, validation) = PreferenceSplit.ByPromptHash(PlantedPreferenceTests.Planted(64, seed: 11), rm.ValidationFraction);
        var held = ml.Data.LoadFromEnumerable(validation.Select(p => new PairRow { Prompt = p.Prompt, Chosen = p.Chosen, Rejected = p.Rejected }));

        var metrics = r2m.EvaluateRewardModel(model.Transformer.Transform(held));

        var reported = model.Transformer.LastTransformer.Validation!;
        metrics.Count.Should().Be(reported.Count).And.BeGreaterThan(0);
        metrics.Accuracy.Should().Be(reported.Accuracy);
        metrics.MeanMargin.Should().BeApproximately(reported.MeanMargin, 1e-4);
        metrics.Loss.Should().BeApproximately(reported.Loss, 1e-4);
        metrics.ExpectedCalibrationError.Should().BeApproximately(reported.ExpectedCalibrationError, 1e-4);
    }
}
