using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators;
using R2M.Tests.Infrastructure;
using R2M.Tests.Pipeline;

namespace R2M.Tests.Training;

/// <summary>A token cancelled before Fit stops supervised fine-tuning and reward-model training before their first batch.</summary>
public class PreCancelledTrainingTests
{
    [Fact]
    public void Pre_cancelled_token_stops_supervised_fine_tuning_inside_a_pipeline_fit()
    {
        using var dir = new TempDir();
        string data = PipelineFixture.WritePreferences(dir, count: 16);
        var r2m = new MLContext(1).R2M();
        var pipeline = r2m.PreferenceLoader().Append(r2m.SupervisedFineTune(PipelineFixture.Sft with { CancellationToken = new CancellationToken(true) }));

        Action fit = () => pipeline.Fit(new MultiFileSource(data));

        fit.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Pre_cancelled_token_stops_reward_model_training_inside_a_pipeline_fit()
    {
        using var dir = new TempDir();
        string data = PipelineFixture.WritePreferences(dir, count: 16);
        var r2m = new MLContext(1).R2M();
        var pipeline = r2m.PreferenceLoader().Append(r2m.SupervisedFineTune(PipelineFixture.Sft))
            .Append(r2m.RewardModel(PipelineFixture.Rm with { CancellationToken = new CancellationToken(true) }));

        Action fit = () => pipeline.Fit(new MultiFileSource(data));

        fit.Should().Throw<OperationCanceledException>();
    }
}
