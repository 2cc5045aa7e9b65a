using System.Text.Json;
using System.Text.Json.Nodes;
using R2M.Estimators.EmbeddedTask;
using R2M.MLNet.Modeling;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Sample;

/// <summary>The main job on a model folder whose only tokenizer file is tokenizer.json (Qwen3's, from ../shared).</summary>
public class TokenizerJsonModelTests
{
    [SkippableFact]
    public void Quick_run_takes_a_tokenizer_json_only_model_and_formats_its_prompts_as_chatml()
    {
        string qwen3 = Path.Combine(Requires.Shared(), "tokenizers", "qwen3");
        using var dir = new TempDir("r2m-tokjson");
        string model = Path.Combine(dir.Path, "model");
        Directory.CreateDirectory(model);
        foreach (string file in new[] { "tokenizer.json", "tokenizer_config.json" })
            File.Copy(Path.Combine(qwen3, file), Path.Combine(model, file));
        // A tiny random Qwen2 whose vocabulary is the Qwen3 tokenizer's (151,643 + 26 added tokens).
        var config = CausalLMConfig.Llama(vocabSize: 151_669, hiddenSize: 32, numLayers: 1, numHeads: 4, numKeyValueHeads: 2,
            intermediateSize: 64, maxPositions: 256) with { Family = ModelFamily.Qwen2, QkvBias = true, TieWordEmbeddings = true };
        using (var policy = new CausalLM(config)) HfCheckpoint.Save(policy, model);
        // The embedded task's prompts and responses, as a few conversational records (so the short run stays short).
        var task = EmbeddedTaskData.Create(1, new EmbeddedTaskOptions { SftPairs = 8, PreferencePairs = 24 });
        string data = Path.Combine(dir.Path, "prefs.jsonl");
        File.WriteAllLines(data, task.PreferenceTrain.Take(12).Select(p => JsonSerializer.Serialize(new
        {
            chosen = new[] { new { role = "user", content = p.Prompt }, new { role = "assistant", content = p.Chosen } },
            rejected = new[] { new { role = "user", content = p.Prompt }, new { role = "assistant", content = p.Rejected } },
        })));
        string outDir = Path.Combine(dir.Path, "out");

        var run = ProcessRunner.Run("dotnet",
            $"\"{SampleDll()}\" --quick --steps 1 --model \"{model}\" --data \"{data}\" --out \"{outDir}\"", dir.Path, TimeSpan.FromMinutes(6));

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("chat format: chatml (from tokenizer_config.json chat_template)").And.Contain("12 pairs (Conversational)");
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!;
        metrics["rl"]!["steps"]!.GetValue<int>().Should().Be(1);
        File.ReadAllText(Path.Combine(outDir, "generations.md")).Should().Contain(@"<\|im_start\|>user", "the prompts are in ChatML (markdown escapes the bars)");
    }

    private static string SampleDll()
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        return Path.Combine(RepoPaths.Root, "samples", "R2M.Sample", "bin", configuration, "net10.0", "R2M.Sample.dll");
    }
}
