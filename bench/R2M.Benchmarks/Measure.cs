using System.Diagnostics;
using R2M.MLNet.Native;
using static TorchSharp.torch;

namespace R2M.Benchmarks;

/// <summary>Timing helpers: the median of repeated runs after a warm-up, or the fastest run.</summary>
internal static class Measure
{
    /// <summary>The fastest of <paramref name="repeats"/> runs, in seconds (no warm-up): for a machine's limits, what it can do at best.</summary>
    public static double FastestSeconds(int repeats, Action run) => Enumerable.Range(0, repeats).Min(_ =>
    {
        var watch = Stopwatch.StartNew();
        run();
        return watch.Elapsed.TotalSeconds;
    });

    public static double MedianSeconds(int repeats, Action run, Action? warmup = null, Device? device = null)
    {
        (warmup ?? run)();
        if (device is not null) DeviceSync.Wait(device);
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            if (device is not null) DeviceSync.Wait(device); // CUDA: the queued kernels belong to this run
            times.Add(watch.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    public static string Machine() =>
        $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, {CpuModel()}";

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    /// <summary>
    /// A "Key: value kB" line of /proc/self/status in MiB (NaN where absent). The value is split on any
    /// whitespace: with 8 digits the kernel leaves a tab and no space after the colon.
    /// </summary>
    public static double ProcStatusMiB(string key)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return double.NaN;
        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        if (line is null) return double.NaN;
        var parts = line[(key.Length + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>Peak resident set size (VmHWM) in MiB.</summary>
    public static double PeakRssMiB() => ProcStatusMiB("VmHWM");
}
