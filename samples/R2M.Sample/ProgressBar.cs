using System.Diagnostics;

namespace R2M.Sample;

/// <summary>A one-line progress bar; prints plain lines instead when the output is redirected.</summary>
internal sealed class ProgressBar(string label, int total)
{
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private readonly bool interactive = !Console.IsOutputRedirected;
    private int done;

    public void Report(int completed, string detail)
    {
        done = completed;
        const int width = 24;
        int filled = total == 0 ? width : (int)Math.Round(width * (double)done / total);
        string line = $"{label,-16} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} {watch.Elapsed.TotalSeconds,5:F0}s  {detail}";
        if (interactive)
        {
            Console.Write("\r" + line.PadRight(Math.Min(Console.BufferWidth - 1, 140))[..Math.Min(line.Length + 10, Math.Max(1, Console.BufferWidth - 1))]);
            if (done >= total) Console.WriteLine();
        }
        else
        {
            Console.WriteLine(line);
        }
    }
}
