using System.Text.Json;
using R2M.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Benchmarks;

/// <summary>
/// Hidden subcommand the tests run in a child process: on the process's first thread (whose C heap glibc grows
/// with sbrk), fills a 320 MiB tensor, frees it, then fills a 256 MiB one, and reports the minor page faults of each
/// fill, with the training heap policy (<see cref="NativeHeap.RetainFreedMemory"/>) or, with <c>--system 1</c>,
/// glibc's defaults. The second block is smaller on purpose: libtorch asks for 64-byte-aligned memory, and glibc's
/// aligned allocation needs a little more than the block, so a block of the very same size does not fit in the hole
/// the first one left (the heap grows instead); a training step's mix of sizes does reuse freed memory.
/// </summary>
internal static class HeapProbe
{
    public static int Run(BenchArgs a)
    {
        bool retaining = a.Int("system", 0) != 1 && NativeHeap.RetainFreedMemory();
        const long floats = 64L * 1024 * 1024;                                     // 256 MiB
        using var one = 1.0f.ToScalar();
        long Fill(long count)
        {
            long before = MinorFaults();
            using (var t = empty(count)) t.fill_(one);
            return MinorFaults() - before;
        }
        long first = Fill(floats / 4 * 5), second = Fill(floats);
        Console.WriteLine(JsonSerializer.Serialize(new { benchmark = "heap-probe", retaining, pages = floats * 4 / 4096, first, second }));
        return 0;
    }

    /// <summary>The process's minor page faults: field 10 of /proc/self/stat, counted after the command's closing parenthesis.</summary>
    private static long MinorFaults()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[7], System.Globalization.CultureInfo.InvariantCulture);
    }
}
