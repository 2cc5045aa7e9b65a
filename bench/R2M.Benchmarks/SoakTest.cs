using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using R2M.Estimators;
using R2M.Estimators.Training;
using R2M.MLNet.Hosting;
using R2M.MLNet.Modeling;
using R2M.MLNet.Serving;
using R2M.MLNet.Tokenization;

namespace R2M.Benchmarks;

/// <summary>
/// The reliability soak (hidden subcommand "soak", run by the test suite in a child process): N cycles of
/// LoadModel → Generate → Dispose on one tiny zip, then M DI reloads alternating two zips with a Generate after
/// each. Prints resident memory every 10% and one JSON line at the end; a crash is the process dying.
/// </summary>
internal static class SoakTest
{
    public static int Run(BenchArgs args)
    {
        int cycles = args.Int("cycles", 2000);
        int reloads = args.Int("reloads", 500);
        // 4 MB of garbage per cycle makes full collections (and so finalisers) frequent: the old crash then came within ~400 cycles.
        bool gcPressure = args.Int("gc-pressure", 0) != 0;
        string folder = args.String("folder", Path.Combine(Path.GetTempPath(), $"r2m-soak-{Guid.NewGuid():N}"));
        Directory.CreateDirectory(folder);
        string a = Path.Combine(folder, "a.zip"), b = Path.Combine(folder, "b.zip"), served = Path.Combine(folder, "served.zip");
        var r2m = new MLContext(1).R2M();
        SaveTiny(r2m, a, seed: 1);
        SaveTiny(r2m, b, seed: 2);
        int leftoversBefore = TempLeftovers();

        var clock = Stopwatch.StartNew();
        var loadRss = new List<long>();
        for (int i = 0; i < cycles; i++)
        {
            if (gcPressure) GC.KeepAlive(new byte[4 << 20]);
            using var model = r2m.LoadModel(a);
            if (model.Generate(["ab"]).Count != 1) throw new InvalidOperationException("Generate returned no answer.");
            if (Sampled(i, cycles)) loadRss.Add(Report("load", i + 1));
        }
        double loadSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var reloadRss = new List<long>();
        File.Copy(a, served, overwrite: true);
        using (var services = new ServiceCollection().AddR2M(o => o.PoolSize = 2).FromFile(served, watchForChanges: false).Services.BuildServiceProvider())
        {
            var pool = services.GetRequiredService<R2MEnginePool>();
            pool.Generate("ab");
            for (int i = 0; i < reloads; i++)
            {
                CopyOver(i % 2 == 0 ? b : a, served);
                if (!pool.Reload()) throw new InvalidOperationException($"Reload {i + 1} failed.");
                pool.Generate("ab");
                if (Sampled(i, reloads)) reloadRss.Add(Report("reload", i + 1));
            }
        }
        double reloadSeconds = clock.Elapsed.TotalSeconds;
        if (args.Int("keep", 0) == 0) Directory.Delete(folder, recursive: true);
        var result = new
        {
            soak = "ok", cycles, reloads, load_seconds = Math.Round(loadSeconds, 1), reload_seconds = Math.Round(reloadSeconds, 1),
            load_rss_mb = loadRss, reload_rss_mb = reloadRss, temp_leftovers = TempLeftovers() - leftoversBefore,
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static bool Sampled(int i, int total) => (i + 1) % Math.Max(1, total / 10) == 0 || i + 1 == total;

    private static long Report(string phase, int done)
    {
        long mb = CurrentRssMb();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{phase} {done}: rss {mb} MB"));
        return mb;
    }

    /// <summary>VmRSS from /proc/self/status (Linux); the working set elsewhere.</summary>
    private static long CurrentRssMb()
    {
        if (File.Exists("/proc/self/status"))
        {
            string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            if (line is not null) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        return Environment.WorkingSet >> 20;
    }

    private static int TempLeftovers() =>
        Directory.EnumerateDirectories(Path.GetTempPath(), "r2m-load-*").Count() + Directory.EnumerateDirectories(Path.GetTempPath(), "r2m-save-*").Count();

    /// <summary>Replaces the served file the way a deployment would: a copy beside it, then a move over it.</summary>
    private static void CopyOver(string source, string target)
    {
        string temp = target + ".incoming";
        File.Copy(source, temp, overwrite: true);
        File.Move(temp, target, overwrite: true);
    }

    private static void SaveTiny(R2MCatalog r2m, string path, int seed)
    {
        var tokenizer = new ByteLevelTokenizer();
        var policy = PolicyFactory.FromScratch(tokenizer, PolicySize.Tiny, seed: seed);
        var rewardModel = RewardModelFactory.FromPolicy(policy);
        var aligner = new PolicyFeedbackRewardHead(rewardModel.Head, policy.Config.HiddenSize, 8);
        using var model = new R2MModel(policy, TokenizerSpec.ByteLevel, rewardModel, aligner, 0.5, new R2MGenerationDefaults { MaxNewTokens = 4 });
        r2m.SaveModel(model, path);
    }
}
