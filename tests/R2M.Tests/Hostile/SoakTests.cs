using System.Text.Json.Nodes;

namespace R2M.Tests.Hostile;

/// <summary>
/// The server's own hot reloads, many times over, in a child process (a crash there is an exit code, not a dead
/// test host): 2,000 LoadModel → Generate → Dispose cycles, then 500 DI reloads alternating two zips.
/// </summary>
public class SoakTests
{
    [SkippableFact]
    public void Two_thousand_load_cycles_and_five_hundred_reloads_run_without_a_crash_and_with_bounded_memory()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "reads resident memory from /proc");

        var run = BenchProcess.Run("soak --cycles 2000 --reloads 500", timeout: TimeSpan.FromMinutes(20));

        run.ExitCode.Should().Be(0, run.ToString());
        var result = JsonNode.Parse(run.Output.Trim().Split('\n')[^1])!;
        var load = result["load_rss_mb"]!.AsArray().Select(n => n!.GetValue<long>()).ToList();
        var reload = result["reload_rss_mb"]!.AsArray().Select(n => n!.GetValue<long>()).ToList();
        // Measured: 211 → 258 MB over the load cycles, 263 → 278 MB over the reloads. A leak of one tiny model per
        // cycle would add > 1 GB; the bounds leave room for allocator noise, not for that.
        (load[^1] - load[0]).Should().BeLessThan(200, run.Output);
        (reload[^1] - reload[0]).Should().BeLessThan(200, run.Output);
        reload.Max().Should().BeLessThan(1024, run.Output);
        result["temp_leftovers"]!.GetValue<int>().Should().Be(0);
    }
}
