using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators;
using R2M.Estimators.Pipeline;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Pipeline;

public class EndToEndPipelineTests
{
    [Fact]
    public void One_fit_runs_the_whole_chain_and_the_saved_zip_reloads_in_a_fresh_context_with_identical_outputs()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 1);
        var r2m = ml.R2M();
        var pipeline = PipelineFixture.FullChain(r2m);

        var model = pipeline.Fit(new MultiFileSource(PipelineFixture.WritePreferences(dir)));

        var policyStage = model.Transformer.LastTransformer;
        policyStage.Artifacts.RlMetrics.Should().HaveCount(2);
        policyStage.Model.Aligner.Should().NotBeNull("the chain had a PolicyFeedbackAligner stage");
        var scored = model.Transformer.Transform(PipelineFixture.Prompts(ml, "say river stone", "say lamp cloud"));
        var responses = scored.GetColumn<string>(Columns.Response).ToArray();
        var rewards = scored.GetColumn<float>(Columns.Reward).ToArray();
        responses.Should().HaveCount(2);
        rewards.Should().OnlyContain(r => float.IsFinite(r));

        string zip = dir.File("aligned.zip");
        r2m.SaveModel(model, zip);
        var fresh = new MLContext(seed: 99);
        using var loaded = fresh.R2M().LoadModel(zip);
        var again = loaded.Transform(PipelineFixture.Prompts(fresh, "say river stone", "say lamp cloud"));

        again.GetColumn<string>(Columns.Response).Should().Equal(responses);
        again.GetColumn<float>(Columns.Reward).Should().Equal(rewards);
        loaded.Model.Omega.Should().Be(policyStage.Model.Omega);
    }

    [Fact]
    public void Output_schema_is_known_before_fit()
    {
        var r2m = new MLContext().R2M();
        var shape = PipelineFixture.FullChain(r2m).GetOutputSchema();

        shape.Select(c => c.Name).Should().Contain(["Prompt", "Chosen", "Rejected", "Margin", "ChosenReward", "RejectedReward", "Response", "Reward"]);
        shape.Single(c => c.Name == "Response").ItemType.Should().Be(TextDataViewType.Instance);
        shape.Single(c => c.Name == "Reward").ItemType.Should().Be(NumberDataViewType.Single);
    }

    [Fact]
    public void Prompt_plus_response_gives_a_reward_and_reward_alone_stage_scores_pairs()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 2);
        var r2m = ml.R2M();
        var rewardOnly = r2m.PreferenceLoader().Append(r2m.SupervisedFineTune(PipelineFixture.Sft)).Append(r2m.RewardModel(PipelineFixture.Rm with { Epochs = 3 }));

        var model = rewardOnly.Fit(new MultiFileSource(PipelineFixture.WritePreferences(dir, 160)));

        var pairs = model.Load(new MultiFileSource(dir.File("prefs.jsonl")));
        var scored = model.Transformer.Transform(pairs);
        var chosen = scored.GetColumn<float>(Columns.ChosenReward).ToArray();
        var rejected = scored.GetColumn<float>(Columns.RejectedReward).ToArray();
        chosen.Zip(rejected).Count(p => p.First > p.Second).Should().BeGreaterThan(chosen.Length * 7 / 10, "the marker word is learned");
        var withResponse = ml.Data.LoadFromEnumerable(new[] { new { Prompt = "say glass", Response = "mango glass" } });
        model.Transformer.Transform(withResponse).GetColumn<float>(Columns.Reward).Should().ContainSingle();
    }

    [Fact]
    public void Schema_errors_use_mlnet_wording()
    {
        var ml = new MLContext();
        var r2m = ml.R2M();
        var noChosen = ml.Data.LoadFromEnumerable(new[] { new { Prompt = "p", Rejected = "r" } });
        var numericPrompt = ml.Data.LoadFromEnumerable(new[] { new { Prompt = 1f, Chosen = "c", Rejected = "r" } });

        Action missing = () => r2m.RewardModel().Fit(noChosen);
        Action mismatch = () => r2m.RewardModel().Fit(numericPrompt);
        Action shape = () => r2m.Ppo().GetOutputSchema(new SchemaShape([]));

        missing.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Could not find chosen column 'Chosen'*");
        mismatch.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Schema mismatch for prompt column 'Prompt': expected String, got Single*");
        shape.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Could not find prompt column 'Prompt'*");
    }

    [Fact]
    public void Rl_stage_without_a_reward_model_says_what_to_add()
    {
        var ml = new MLContext();
        Action fit = () => ml.R2M().Ppo().Fit(PipelineFixture.Prompts(ml, "x"));
        fit.Should().Throw<InvalidOperationException>().WithMessage("The RL stage needs a policy and a reward model*");
    }

    [Fact]
    public void Cancellation_stops_fit_within_one_rl_step_and_leaves_no_file()
    {
        using var dir = new TempDir();
        string data = PipelineFixture.WritePreferences(dir);
        var ml = new MLContext(seed: 3);
        var r2m = ml.R2M();
        using var cancel = new CancellationTokenSource();
        int steps = 0;
        var progress = new Rl.SyncProgress<Estimators.Rl.RlStepMetrics>(_ => { steps++; cancel.Cancel(); });
        var pipeline = PipelineFixture.FullChain(r2m, PipelineFixture.Rl(cancel.Token, progress) with { Steps = 50 });
        var before = Directory.GetFiles(dir.Path);

        Action fit = () => pipeline.Fit(new MultiFileSource(data));

        fit.Should().Throw<OperationCanceledException>();
        steps.Should().Be(1, "training stopped before the next step began");
        Directory.GetFiles(dir.Path).Should().BeEquivalentTo(before);
    }

    [Fact]
    public void Gpu_request_without_cuda_throws_a_typed_error_unless_fallback_is_on()
    {
        Action strict = () => R2MDevice.Resolve(gpuDeviceId: 0, fallbackToCpu: false, cudaAvailable: false, deviceCount: 0);
        strict.Should().Throw<R2MDeviceException>().WithMessage("GPU 0 was asked for (MLContext.GpuDeviceId) but libtorch has no CUDA device here*Set MLContext.FallbackToCpu = true*");
        R2MDevice.Resolve(0, fallbackToCpu: true, cudaAvailable: false, deviceCount: 0).type.Should().Be(TorchSharp.DeviceType.CPU);
        R2MDevice.Resolve(null, false, false, 0).type.Should().Be(TorchSharp.DeviceType.CPU);
        R2MDevice.Resolve(1, false, true, 2).index.Should().Be(1);
        Action missingIndex = () => R2MDevice.Resolve(3, false, true, 2);
        missingIndex.Should().Throw<R2MDeviceException>().WithMessage("GPU 3 was asked for*only 2 CUDA device(s) exist*");

        var ml = new MLContext { GpuDeviceId = 0, FallbackToCpu = false };
        if (!TorchSharp.torch.cuda.is_available())
        {
            Action catalog = () => ml.R2M();
            catalog.Should().Throw<R2MDeviceException>();
        }
    }
}
