using R2M.MLNet.Native;
using R2M.MLNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Training;

/// <summary>
/// Training processes keep freed tensor memory in the C heap (<see cref="NativeHeap"/>): a buffer allocated again
/// after it was freed must not be faulted in again page by page, which at 0.5B shapes cost 42% of a training step's
/// CPU time in the kernel. The suite runs its tests one at a time, so the process's fault counter is this test's.
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
    public void A_large_buffer_allocated_again_after_it_was_freed_is_not_faulted_in_again()
    {
        if (!OperatingSystem.IsLinux() || !NativeHeap.RetainFreedMemory())
        {
            Console.WriteLine("skipped: needs Linux with glibc and no R2M_SYSTEM_MALLOC=1");
            return;
        }
        // 48 MiB: above glibc's largest mmap threshold (32 MiB), so its defaults always map and unmap a block this size;
        // below the 64 MiB a thread's own arena can hold, so retention works on a test's worker thread too (blocks
        // over 64 MiB are kept only on the main thread's heap: glibc maps them on other threads whatever mallopt says).
        const long floats = 12L * 1024 * 1024;
        const long pages = floats * 4 / 4096;                  // 12,288 pages of 4 KiB

        long first = FaultsWhile(() => { using var t = empty(floats); t.fill_(TorchScalars.One); });
        long second = FaultsWhile(() => { using var t = empty(floats); t.fill_(TorchScalars.One); });

        // The first touch may come from memory never used before; the second must reuse the freed block. With glibc's
        // defaults the block is an mmap that free returns, and the second fill faults all 12,288 pages again.
        second.Should().BeLessThan(pages / 8, $"the freed 48 MiB block is reused (first allocation: {first} faults)");
    }

    private static long FaultsWhile(Action action)
    {
        long before = MinorFaults();
        action();
        return MinorFaults() - before;
    }

    /// <summary>The process's minor page faults: field 10 of /proc/self/stat, counted after the command's closing parenthesis.</summary>
    private static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture); // field 3 is fields[0]
    }
}
