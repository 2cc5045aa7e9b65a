using System.Text.Json.Nodes;

namespace R2M.Tests.Hostile;

/// <summary>
/// The library's per-token and per-loss code while another thread forces collections, in a child process
/// (<c>R2M.Benchmarks finaliser-race</c>): with the temporary Scalars removed (rule R2M0001) it runs clean, and the
/// positive control, one masked_fill with a temporary Scalar, fails under the same hammer, so the probe can see the
/// race. The library half is a smoke check: at this hammer rate the code before rule R2M0001 also ran clean for 20 s
/// (docs/reliability.md); the rule and ScalarTemporaryScanTests are what catch a new temporary.
/// </summary>
public class FinaliserRaceTests
{
    [Fact]
    public void Library_hot_paths_survive_forced_collections_and_the_temporary_Scalar_control_does_not()
    {
        var library = BenchProcess.Run("finaliser-race --seconds 8", timeout: TimeSpan.FromMinutes(3));
        library.ExitCode.Should().Be(0, library.ToString());
        var result = JsonNode.Parse(library.Output.Trim().Split('\n')[^1])!;
        result["failure"].Should().BeNull(library.Output);
        result["calls"]!.GetValue<long>().Should().BeGreaterThan(20, "the probe ran the library's code many times");

        var control = BenchProcess.Run("finaliser-race --control 1 --seconds 120", timeout: TimeSpan.FromMinutes(3));
        control.ExitCode.Should().Be(1, control.ToString());
        JsonNode.Parse(control.Output.Trim().Split('\n')[^1])!["failure"]!.GetValue<string>().Should().NotBeNullOrEmpty();
    }
}
