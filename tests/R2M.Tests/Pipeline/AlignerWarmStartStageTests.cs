using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators;
using R2M.Estimators.Rl;
using R2M.Tests.Infrastructure;
using static TorchSharp.torch;

namespace R2M.Tests.Pipeline;

/// <summary>The PolicyFeedbackAligner stage's offline warm start, off by default.</summary>
public class AlignerWarmStartStageTests
{
    [Fact]
    public void The_aligner_stage_warm_starts_only_when_asked_and_then_moves_the_output_projection_and_the_head()
    {
        var ml = new MLContext(seed: 1);
        var r2m = ml.R2M();
        using var dir = new TempDir("r2m-warm");
        var upstream = r2m.PreferenceLoader().Append(r2m.SupervisedFineTune(PipelineFixture.Sft)).Append(r2m.RewardModel(PipelineFixture.Rm))
            .Fit(new MultiFileSource(PipelineFixture.WritePreferences(dir, 48)));
        var view = upstream.Load(new MultiFileSource(PipelineFixture.WritePreferences(dir, 48)));

        var cold = r2m.PolicyFeedbackAligner(new PolicyFeedbackOptions { Width = 16 }).Fit(view).Artifacts.Aligner!;
        var warm = r2m.PolicyFeedbackAligner(new PolicyFeedbackOptions { Width = 16, WarmStartEpochs = 1, LearningRate = 1e-2 }).Fit(view).Artifacts.Aligner!;

        var coldState = cold.state_dict();
        var warmState = warm.state_dict();
        string wo = coldState.Keys.Single(k => k.EndsWith("wo.weight", StringComparison.Ordinal));
        coldState[wo].abs().max().item<float>().Should().Be(0, "without a warm start Wo keeps its zero start");
        warmState[wo].abs().max().item<float>().Should().BeGreaterThan(0);
        string score = coldState.Keys.Single(k => k.StartsWith("score", StringComparison.Ordinal) && k.EndsWith("weight", StringComparison.Ordinal));
        (warmState[score] - coldState[score]).abs().max().item<float>().Should().BeGreaterThan(0, "φ is fitted too");
    }
}
