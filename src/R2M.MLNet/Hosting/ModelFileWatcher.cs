using Microsoft.Extensions.Logging;

namespace R2M.MLNet.Hosting;

/// <summary>
/// Watches one model file and calls back once the file has been quiet for the debounce time after a change:
/// a write, a create, or a rename onto it (how an atomic save arrives). A watcher error also schedules a check.
/// </summary>
internal sealed class ModelFileWatcher : IDisposable
{
    private readonly string path;
    private readonly TimeSpan debounce;
    private readonly ILogger logger;
    private readonly Timer timer;
    private readonly FileSystemWatcher watcher;
    private volatile bool disposed;

    public ModelFileWatcher(string path, TimeSpan debounce, ILogger logger, Action onQuiet)
    {
        this.path = path;
        this.debounce = debounce;
        this.logger = logger;
        timer = new Timer(_ => onQuiet());
        watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        watcher.Changed += OnFileEvent;
        watcher.Created += OnFileEvent;
        watcher.Renamed += OnFileEvent;
        watcher.Error += (_, e) =>
        {
            R2MServingLog.WatcherError(logger, e.GetException(), path);
            Schedule();
        };
        watcher.EnableRaisingEvents = true;
        R2MServingLog.Watching(logger, path, (long)debounce.TotalMilliseconds);
    }

    public void Dispose()
    {
        disposed = true;
        watcher.Dispose();
        timer.Dispose();
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        // The writer's temporary file lives beside the target; only events whose (new) name is the target count.
        // A rename of the temporary file onto the target arrives as Renamed with the target as the new name.
        if (!string.Equals(Path.GetFullPath(e.FullPath), path, StringComparison.Ordinal)) return;
        R2MServingLog.ChangeSeen(logger, e.ChangeType.ToString(), path, (long)debounce.TotalMilliseconds);
        Schedule();
    }

    private void Schedule()
    {
        if (disposed) return;
        try
        {
            timer.Change(debounce, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check and the call: nothing more to reload.
        }
    }
}
