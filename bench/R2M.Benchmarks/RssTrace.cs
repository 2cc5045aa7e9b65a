using System.Diagnostics;
using System.Globalization;

namespace R2M.Benchmarks;

/// <summary>
/// Resident set size sampled on a background thread and appended as "seconds,MiB,mark" lines to a file, each line
/// flushed as it is taken: the trace is meant to survive the process being killed for memory, so it is written in
/// place rather than moved into place at the end. With the RL step's phase times it shows which phase holds the memory.
/// </summary>
internal sealed class RssTrace : IDisposable
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly StreamWriter writer;
    private readonly CancellationTokenSource stop = new();
    private readonly Thread thread;

    /// <summary>Starts sampling every <paramref name="interval"/> into <paramref name="path"/> (replaced).</summary>
    public RssTrace(string path, TimeSpan interval)
    {
        writer = new StreamWriter(path, append: false);
        writer.WriteLine("seconds,rss_mib,mark");
        thread = new Thread(() =>
        {
            while (!stop.Token.WaitHandle.WaitOne(interval)) Mark("");
        }) { IsBackground = true, Name = "rss-trace" };
        thread.Start();
    }

    /// <summary>Records a sample now with a label (a phase boundary).</summary>
    public void Mark(string label)
    {
        double mib = Measure.ProcStatusMiB("VmRSS");
        lock (writer)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:F2},{mib:F0},{label}"));
            writer.Flush();
        }
    }

    /// <summary>A progress sink that marks the trace with <paramref name="label"/> of each report, synchronously.</summary>
    public IProgress<T> Marks<T>(Func<T, string> label) => new MarkProgress<T>(this, label);

    /// <inheritdoc />
    public void Dispose()
    {
        stop.Cancel();
        thread.Join();
        writer.Dispose();
        stop.Dispose();
    }

    private sealed class MarkProgress<T>(RssTrace trace, Func<T, string> label) : IProgress<T>
    {
        public void Report(T value) => trace.Mark(label(value));
    }
}
