using System.Text.Json;
using R2M.MLNet.Native;
using R2M.MLNet.Training;
using R2M.Tests.Hostile;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Training;

/// <summary>
/// Training processes keep freed tensor memory in the C heap (<see cref="NativeHeap"/>): a buffer allocated again
/// after it was freed must not be faulted in again page by page, which at 0.5B shapes cost 42% of a training step's
/// CPU time in the kernel. Measured in a child process on its first thread: a test's worker thread has its own glibc
/// arena, which gives a wholly free secondary heap back to the system whatever mallopt says.
/// </summary>
public class NativeHeapTests
{
    public NativeHeapTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Building_a_trainers_optimizer_turns_retention_on()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(NativeHeap.OptOutVariable) == "1") return;
        using var model = nn.Linear(4, 4);
        using var optimizer = MasterWeightOptimizer.AdamW([model], MixedPrecision.None, 1e-3, 0);

        NativeHeap.Retaining.Should().BeTrue("every trainer builds its optimizer through MasterWeightOptimizer.AdamW");
    }

    [Fact]
    public void A_freed_block_is_reused_without_faults_where_glibc_defaults_fault_it_in_again()
    {
        if (!OperatingSystem.IsLinux())
        {
            Console.WriteLine("skipped: the heap policy is glibc's (Linux)");
            return;
        }
        var retained = Probe("heap-probe");
        var defaults = Probe("heap-probe --system 1");   // the negative control: glibc maps and unmaps the block

        retained.GetProperty("retaining").GetBoolean().Should().BeTrue();
        long pages = retained.GetProperty("pages").GetInt64();
        retained.GetProperty("second").GetInt64().Should().BeLessThan(pages / 8, "the 256 MiB block lies in the hole the freed 320 MiB one left");
        defaults.GetProperty("second").GetInt64().Should().BeGreaterThan(pages / 2, "with glibc's defaults every fill faults the block in");
    }

    private static JsonElement Probe(string arguments)
    {
        var run = BenchProcess.Run(arguments, timeout: TimeSpan.FromMinutes(2));
        run.ExitCode.Should().Be(0, run.Output);
        return JsonDocument.Parse(run.Output.Trim().Split('\n')[^1]).RootElement.Clone();
    }
}
