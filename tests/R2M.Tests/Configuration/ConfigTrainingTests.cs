using Microsoft.ML;
using R2M.Estimators;
using R2M.Estimators.Configuration;
using R2M.Tests.Infrastructure;
using R2M.Tests.Pipeline;

namespace R2M.Tests.Configuration;

public class ConfigTrainingTests
{
    /// <summary>The tiny run the build-time tests also use: Tiny policy, one epoch per stage, two RL steps.</summary>
    internal const string TinyConfig = """
        {
          "data": { "files": ["prefs.jsonl"] },
          "sft": { "policySize": "Tiny", "epochs": 1, "maxLength": 48, "learningRate": 0.003 },
          "rewardModel": { "epochs": 1, "maxLength": 48, "learningRate": 0.003 },
          "aligner": { "width": 16 },
          "rl": { "steps": 2, "promptsPerStep": 2, "samplesPerPrompt": 2, "maxNewTokens": 6, "miniBatches": 1 }
        }
        """;

    [Fact]
    public void A_configured_run_trains_every_stage_reports_progress_and_writes_a_loadable_zip()
    {
        using var dir = new TempDir();
        PipelineFixture.WritePreferences(dir, count: 16);
        File.WriteAllText(dir.File("r2m.json"), TinyConfig);
        var reports = new List<R2MTrainingProgress>();

        R2MConfigTraining.Train(R2MConfigReader.Read(dir.File("r2m.json")), dir.File("out/model.zip"), new Collect(reports));

        reports.Select(r => r.Stage).Distinct().Should().Equal("load", "sft", "reward-model", "rl", "save");
        reports.Where(r => r.Stage == "rl").Select(r => r.Done).Should().Equal(1, 2);
        using var model = new MLContext(seed: 1).R2M().LoadModel(dir.File("out/model.zip"));
        model.Generate(["say river stone"]).Should().HaveCount(1);
        Directory.GetFiles(dir.File("out")).Should().Equal([dir.File("out/model.zip")], "the zip is written through a temporary file that is moved into place");
    }

    private sealed class Collect(List<R2MTrainingProgress> into) : IProgress<R2MTrainingProgress>
    {
        public void Report(R2MTrainingProgress value) => into.Add(value);
    }
}
