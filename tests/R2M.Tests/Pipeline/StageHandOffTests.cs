using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators;
using R2M.Estimators.Pipeline;
using R2M.Estimators.Rl;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Pipeline;

public class StageHandOffTests
{
    [Fact]
    public void Served_reward_equals_the_reward_of_the_last_rl_step()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 1);
        var r2m = ml.R2M();
        var rl = PipelineFixture.Rl() with { Steps = 3, MaxNewTokens = 5 };
        var model = PipelineFixture.FullChain(r2m, rl).Fit(new MultiFileSource(PipelineFixture.WritePreferences(dir)));
        var last = model.Transformer.LastTransformer.Artifacts.LastStep!;
        last.Step.Should().Be(2);
        last.Omega.Should().BeLessThan(1, "at the last step the aligner's feedback is blended in");
        last.EndedWithEos.Should().Contain(false, "a response that hit the length limit is among those compared");

        string zip = dir.File("aligned.zip");
        r2m.SaveModel(model, zip);
        using var loaded = new MLContext(seed: 7).R2M().LoadModel(zip);
        var served = loaded.Score(last.Prompts, last.Responses);

        loaded.Model.Omega.Should().Be(last.Omega);
        served.Should().Equal(last.Rewards, "serving encodes, embeds and blends exactly as the trainer's reward function did");
    }

    [Fact]
    public void An_mlnet_transform_between_two_r2m_stages_fails_naming_both_stages_instead_of_training_from_scratch()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 1);
        var r2m = ml.R2M();
        var chain = r2m.PreferenceLoader()
            .Append(r2m.SupervisedFineTune(PipelineFixture.Sft))
            .Append(ml.Transforms.CopyColumns("PromptCopy", Columns.Prompt))
            .Append(r2m.RewardModel(PipelineFixture.Rm));

        Action fit = () => chain.Fit(new MultiFileSource(PipelineFixture.WritePreferences(dir, count: 16)));

        fit.Should().Throw<InvalidOperationException>()
            .WithMessage("The RewardModel stage needs the models of the SupervisedFineTune stage before it*another transform*next to each other*");
    }

    [Fact]
    public void An_r2m_stage_after_a_transform_that_follows_the_last_r2m_stage_still_reads_every_column()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 1);
        var r2m = ml.R2M();
        var chain = r2m.PreferenceLoader()
            .Append(r2m.SupervisedFineTune(PipelineFixture.Sft))
            .Append(ml.Transforms.CopyColumns("PromptCopy", Columns.Prompt));

        var model = chain.Fit(new MultiFileSource(PipelineFixture.WritePreferences(dir, count: 16)));
        var output = model.Load(new MultiFileSource(PipelineFixture.WritePreferences(dir, count: 16)));

        output.GetColumn<string>("PromptCopy").Should().Equal(output.GetColumn<string>(Columns.Prompt));
    }
}
