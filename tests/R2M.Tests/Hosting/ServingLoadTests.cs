using System.Diagnostics;
using R2M.MLNet.Hosting;
using R2M.Tests.Infrastructure;
using Xunit.Abstractions;

namespace R2M.Tests.Hosting;

public class ServingLoadTests(ITestOutputHelper output)
{
    private const int Threads = 8;
    private const int RequestsPerThread = 200;
    private const long ManagedBound = 16L << 20; // 16 MiB
    private const long NativeBound = 64L << 20;  // 64 MiB of resident memory

    [Fact]
    public void Eight_threads_of_200_requests_succeed_without_memory_growth()
    {
        using var dir = new TempDir();
        string path = dir.File("model.zip");
        TinyModelZip.Save(path, seed: 21, maxNewTokens: 3);
        using var pool = new R2MEnginePool(new R2MServingOptions { ModelPath = path, PoolSize = 4 });

        Run(pool, requestsPerThread: 40); // warm-up: allocator arenas, caches, JIT, engines
        long managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        long rssBefore = ResidentBytes();
        var clock = Stopwatch.StartNew();

        int errors = Run(pool, RequestsPerThread);

        clock.Stop();
        long managedAfter = GC.GetTotalMemory(forceFullCollection: true);
        long rssAfter = ResidentBytes();
        output.WriteLine($"{Threads * RequestsPerThread} requests in {clock.ElapsedMilliseconds} ms; managed {managedBefore >> 10} -> {managedAfter >> 10} KiB; " +
                         $"VmRSS {rssBefore >> 10} -> {rssAfter >> 10} KiB");
        errors.Should().Be(0);
        pool.RentedCount.Should().Be(0);
        (managedAfter - managedBefore).Should().BeLessThan(ManagedBound);
        (rssAfter - rssBefore).Should().BeLessThan(NativeBound);
    }

    /// <summary>Every thread mixes generation and scoring; returns the number of failed requests.</summary>
    private static int Run(R2MEnginePool pool, int requestsPerThread)
    {
        int errors = 0;
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            for (int i = 0; i < requestsPerThread; i++)
            {
                try
                {
                    string prompt = $"q{t}:{i % 7}";
                    if (i % 2 == 0)
                    {
                        pool.Generate(prompt).Should().NotBeNull();
                    }
                    else
                    {
                        float.IsFinite(pool.Score(prompt, "ok")).Should().BeTrue();
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return errors;
    }

    /// <summary>Resident set size from /proc/self/status (0 where the file is absent).</summary>
    private static long ResidentBytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return 0;
        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line["VmRSS:".Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0]) * 1024; // tab, no space, with 8 digits
    }
}
