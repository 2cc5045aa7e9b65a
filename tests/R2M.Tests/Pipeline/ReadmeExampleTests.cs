using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Hosting;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Pipeline;

/// <summary>The README's example, statement for statement; only the sizes are shrunk so it runs in seconds.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void Readme_example_fits_saves_loads_and_serves()
    {
        using var dir = new TempDir();
        string prefs = PipelineFixture.WritePreferences(dir);
        string zip = dir.File("aligned.zip");

        // --- README example (sizes shrunk: Epochs, Steps, PolicySize, MaxNewTokens) ---
        var ml = new MLContext(seed: 1);                     // ml.GpuDeviceId = 0 runs on CUDA
        var r2m = ml.R2M();

        var pipeline = r2m.PreferenceLoader()                                      // JSONL, JSON, CSV/TSV, PandaLM, ...
            .Append(r2m.SupervisedFineTune(new SupervisedFineTuneOptions { Epochs = 1, PolicySize = PolicySize.Tiny }))
            .Append(r2m.RewardModel(new RewardModelOptions { Epochs = 1 }))        // Bradley-Terry
            .Append(r2m.PolicyFeedbackAligner(new PolicyFeedbackOptions { Omega = 0.6, Alpha = 0.3 }))
            .Append(r2m.Ppo(new PolicyOptimizationOptions { Algorithm = RlAlgorithm.Rloo, Steps = 2, MaxNewTokens = 8 }));

        var model = pipeline.Fit(new MultiFileSource(prefs));   // one Fit: load -> SFT -> RM -> R2M + RLOO
        r2m.SaveModel(model, zip);                              // one ML.NET model zip

        using var loaded = new MLContext().R2M().LoadModel(zip);
        var scored = loaded.Transform(ml.Data.LoadFromEnumerable(new[] { new { Prompt = "say river stone" } }));
        string response = scored.GetColumn<string>("Response").First();   // generated
        float reward = scored.GetColumn<float>("Reward").First();          // aligned reward model

        var services = new ServiceCollection();
        services.AddR2M().FromFile(zip, watchForChanges: true);
        using var provider = services.BuildServiceProvider();
        var pool = provider.GetRequiredService<R2MEnginePool>();            // thread-safe, pooled engines
        string answer = pool.Generate("say river stone");
        float score = pool.Score("say river stone", answer);
        // --- end of README example ---

        answer.Should().Be(response, "the served model is the saved one");
        score.Should().Be(reward);
    }
}
