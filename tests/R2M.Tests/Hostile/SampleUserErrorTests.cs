using R2M.Tests.Infrastructure;

namespace R2M.Tests.Hostile;

/// <summary>User errors on the sample's command line: one line naming the problem, exit code 2, no stack trace.</summary>
public class SampleUserErrorTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "--seed abc", "--seed must be an integer, got 'abc'." },
        { "--data {dir}", "is a folder; give a preference data file." },
        { "--data {dir}/empty.jsonl", "is empty: it holds no preference pairs." },
        { "--model {dir}/no-tokenizer", "has no tokenizer files" },
        { "--model {dir}/missing", "is not a folder" },
        { "study --policy-lr 0", "--policy-lr must be a positive number, got '0'." },
        { "study --aligner-anchor -1", "--aligner-anchor must be a number ≥ 0, got '-1'." },
        { "--kl -0.1", "--kl must be a number ≥ 0, got '-0.1'." },
        { "study --kl 0.1", "--kl sets the main job's KL penalty; the study runs every variant without one." },
        { "--labels biased", "--labels must be length-biased or noise-only, got 'biased'." },
        { "study --labels noise-only", "--labels sets the main job's labels; the study runs both label arms." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void User_error_is_one_line_with_exit_code_2(string arguments, string expected)
    {
        using var dir = new TempDir("r2m-sample-args");
        File.WriteAllText(dir.File("empty.jsonl"), "");
        Directory.CreateDirectory(dir.File("no-tokenizer"));
        File.WriteAllText(Path.Combine(dir.File("no-tokenizer"), "config.json"), "{}");
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        string dll = Path.Combine(RepoPaths.Root, "samples", "R2M.Sample", "bin", configuration, "net10.0", "R2M.Sample.dll");

        var run = ProcessRunner.Run("dotnet", $"\"{dll}\" {arguments.Replace("{dir}", dir.Path, StringComparison.Ordinal)}", dir.Path, TimeSpan.FromMinutes(2));

        run.ExitCode.Should().Be(2, run.ToString());
        run.Output.Trim().Split('\n').Should().ContainSingle(run.ToString()).Which.Should().Contain(expected);
        run.Output.Should().NotContain("Unhandled exception").And.NotContain("   at ");
    }
}
