using R2M.Tests.Infrastructure;

namespace R2M.Tests.Sample;

/// <summary>The study as a user runs it, at --quick size: every variant runs and the report has its shape (not its numbers).</summary>
public class StudyTests
{
    [Fact]
    public void Quick_study_runs_every_variant_and_writes_the_instrument_results_and_diagnostics_tables_and_plots()
    {
        using var dir = new TempDir("r2m-study");
        string results = Path.Combine(dir.Path, "results.md");
        string dll = Path.Combine(RepoPaths.Root, "samples", "R2M.Sample", "bin",
            AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release", "net10.0", "R2M.Sample.dll");

        var run = ProcessRunner.Run("dotnet", $"\"{dll}\" study --quick --out \"{Path.Combine(dir.Path, "out")}\" --results \"{results}\"", dir.Path, TimeSpan.FromMinutes(20));

        run.ExitCode.Should().Be(0, run.ToString());
        string[] lines = File.ReadAllLines(results);
        string[] Table(string heading) => lines.SkipWhile(l => !l.StartsWith(heading, StringComparison.Ordinal)).Skip(2)
            .SkipWhile(l => !l.StartsWith('|')).Skip(2).TakeWhile(l => l.StartsWith('|')).ToArray();
        var instrument = Table("## The instrument");
        instrument.Select(l => l.Split('|')[1].Trim()).Should().Equal("LengthBiased", "NoiseOnly");
        instrument.Should().OnlyContain(l => l.Split('|').Length == 9, "seven columns");
        var main = Table("## Results");
        main.Should().HaveCount(14, "every variant has a row");
        main.Count(l => l.Split('|')[4].Trim() == "—").Should().Be(3, "the three vanillas are the baselines");
        main.Where(l => l.Split('|')[4].Trim() != "—").Should().OnlyContain(l => l.Split('|')[4].Contains('['), "each other variant has a paired interval");
        main.Should().OnlyContain(l => l.Split('|')[2].Trim() == "2", "--quick runs two seeds");
        Table("## Aligner diagnostics").Should().HaveCount(11);
        lines.Should().Contain(l => l.Contains("oracle R2M") && l.Contains("positive control"));
        lines[0].Should().Be("# R2M study with controls on the embedded task");
        lines.Should().Contain(l => l.StartsWith("Command: `dotnet run --project samples/R2M.Sample -c Release -- study --quick", StringComparison.Ordinal));
        foreach (string plot in new[] { "results-gold-vs-sqrt-kl.png", "results-proxy-vs-sqrt-kl.png" })
            File.Exists(Path.Combine(dir.Path, plot)).Should().BeTrue(plot);
        Directory.GetFiles(Path.Combine(dir.Path, "out", "study"), "*.jsonl").Should().HaveCount(28, "a per-step log for every run");
    }
}
