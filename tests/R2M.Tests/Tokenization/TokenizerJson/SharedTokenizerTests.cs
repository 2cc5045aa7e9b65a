using System.Text.Json.Nodes;
using R2M.MLNet.Tokenization;
using R2M.MLNet.Tokenization.TokenizerJson;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Tokenization.TokenizerJson;

/// <summary>The real tokenizer.json files of ../shared/tokenizers against their reference tokenizations.</summary>
public class SharedTokenizerTests
{
    private static string Folder(string name) => Path.Combine(Requires.Shared(), "tokenizers", name);

    [SkippableTheory]
    [InlineData("qwen3")]
    [InlineData("llama3")]
    [InlineData("sp-bpe-32k")]
    public void Every_golden_case_agrees_on_ids_ids_with_special_tokens_and_decoded_text(string name)
    {
        GoldenCheckResult result = GoldenCheck.Run(Folder(name), Path.Combine(Folder(name), "golden.json"));

        result.Cases.Should().BeGreaterThan(20);
        result.Mismatches.Should().BeEmpty();
        result.AllEqual.Should().BeTrue(result.ToJson());
    }

    [SkippableFact]
    public void The_tokenizer_check_command_exits_non_zero_and_names_the_case_when_one_golden_id_is_wrong()
    {
        string folder = Folder("qwen3");
        using var dir = new TempDir("r2m-golden");
        JsonNode golden = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "golden.json")))!;
        JsonArray ids = golden["cases"]![3]!["ids"]!.AsArray();
        ids[2] = ids[2]!.GetValue<int>() + 1;
        File.WriteAllText(dir.File("golden.json"), golden.ToJsonString());
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        string bench = Path.Combine(RepoPaths.Root, "bench", "R2M.Benchmarks", "bin", configuration, "net10.0", "R2M.Benchmarks.dll");

        var run = ProcessRunner.Run("dotnet", $"\"{bench}\" tokenizer-check --folder \"{folder}\" --golden \"{dir.File("golden.json")}\"",
            dir.Path, TimeSpan.FromMinutes(2));

        run.ExitCode.Should().Be(1, run.ToString());
        run.Output.Should().Contain("| 3 | ids | 2 |").And.Contain("The quick brown fox");
        run.Output.TrimEnd().Split('\n')[^1].Should().Be("""{"cases":25,"ids_equal":24,"special_equal":25,"decoded_equal":24}""", "the decoded text is of the golden ids, one of which is now wrong");
    }

    [SkippableTheory]
    [InlineData("qwen3", 151_669, null, 151_645, 151_643)]
    [InlineData("llama3", 128_256, null, 128_001, 128_001)]
    [InlineData("sp-bpe-32k", 32_000, 1, 2, 2)]
    public void A_tokenizer_json_folder_loads_with_its_special_tokens_resolved(string name, int vocabSize, int? bos, int eos, int pad)
    {
        ITextTokenizer tokenizer = HuggingFaceTokenizerLoader.Load(Folder(name));

        tokenizer.VocabSize.Should().Be(vocabSize);
        tokenizer.BosId.Should().Be(bos);
        tokenizer.EosId.Should().Be(eos);
        tokenizer.PadId.Should().Be(pad);
        tokenizer.Decode(tokenizer.Encode("Hello, world! 你好")).Should().Be("Hello, world! 你好");
    }
}
