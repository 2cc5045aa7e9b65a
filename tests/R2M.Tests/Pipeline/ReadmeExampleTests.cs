using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators;
using R2M.Estimators.Pipeline;
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

    [Fact]
    public void Readme_mlnet_section_runs_statement_for_statement()
    {
        using var dir = new TempDir();
        string zip = dir.File("aligned.zip"), chainZip = dir.File("chain.zip");
        TinyModelZip.Save(zip, seed: 9, maxNewTokens: 6);
        var ml = new MLContext(seed: 1);
        var r2m = ml.R2M();

        // --- README "Use it as any ML.NET model" (paths in variables) ---
        using var loaded = r2m.LoadModel(zip);
        var prompts = ml.Data.LoadFromEnumerable(new[] { new R2MGraphInput { Prompt = "list 3 colors:" } });

        // One prediction: ML.NET's PredictionEngine (one per thread, as ML.NET says); the same values as Transform.
        // OwnsTransformer = false: ML.NET's default would dispose the model (and its weights) with the engine.
        using var engine = ml.Model.CreatePredictionEngine<R2MGraphInput, R2MGraphOutput>(loaded, new PredictionEngineOptions { OwnsTransformer = false });
        R2MGraphOutput one = engine.Predict(new R2MGraphInput { Prompt = "list 3 colors:" });    // .Response, .Reward

        // Many rows: Transform (batched, the fast path) and CreateEnumerable
        var rows = ml.Data.CreateEnumerable<R2MGraphOutput>(loaded.Transform(prompts), reuseRowObject: false).ToList();

        // A chain with other ML.NET transforms, saved and loaded whole
        var featurize = ml.Transforms.Text.FeaturizeText("Features", "Response").Fit(loaded.Transform(prompts));
        r2m.SaveModel(new TransformerChain<ITransformer>(loaded, featurize), chainZip);
        ITransformer chain = r2m.LoadModel(chainZip, out DataViewSchema inputSchema);        // Response, Reward, Features

        // The reward on held-out pairs, as BinaryClassification.Evaluate does for a classifier
        var pairs = ml.Data.LoadFromEnumerable(new[] { new { Prompt = "say red", Chosen = "red", Rejected = "blue" } });
        PreferenceMetrics metrics = r2m.EvaluateRewardModel(loaded.Transform(pairs));    // Accuracy, MeanMargin, ECE, Count
        // --- end of README section ---

        rows.Should().ContainSingle().Which.Response.Should().Be(one.Response);
        rows[0].Reward.Should().BeApproximately(one.Reward, 1e-5f);
        chain.Transform(prompts).Schema.Select(c => c.Name).Should().Contain(["Response", "Reward", "Features"]);
        inputSchema.Select(c => c.Name).Should().Equal("Prompt");
        metrics.Count.Should().Be(1);
        (chain as IDisposable)?.Dispose();
    }

}
