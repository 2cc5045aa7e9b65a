using Microsoft.Extensions.Logging;

namespace R2M.MLNet.Hosting;

/// <summary>The pool's structured log messages.</summary>
internal static partial class R2MServingLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Loaded R2M model {ModelPath} as version {Version} on {Device} in {ElapsedMs} ms")]
    public static partial void Loaded(ILogger logger, string modelPath, long version, string device, long elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Reloaded R2M model {ModelPath}: version {Version} replaces version {PreviousVersion}; the old version is disposed once its engines are returned")]
    public static partial void Reloaded(ILogger logger, string modelPath, long version, long previousVersion);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error,
        Message = "Reloading R2M model {ModelPath} failed; still serving version {Version}")]
    public static partial void ReloadFailed(ILogger logger, Exception error, string modelPath, long version);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "Disposed R2M model {ModelPath} version {Version}")]
    public static partial void ModelDisposed(ILogger logger, string modelPath, long version);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information,
        Message = "R2M engine pool for {ModelPath} disposed; {Rented} engines still rented keep their model until returned")]
    public static partial void PoolDisposed(ILogger logger, string modelPath, int rented);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information,
        Message = "Watching {ModelPath} for changes (debounce {DebounceMs} ms)")]
    public static partial void Watching(ILogger logger, string modelPath, long debounceMs);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug,
        Message = "{ChangeType} seen on {ModelPath}; reload scheduled in {DebounceMs} ms")]
    public static partial void ChangeSeen(ILogger logger, string changeType, string modelPath, long debounceMs);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning,
        Message = "File watcher for {ModelPath} reported an error; a reload is scheduled in case events were lost")]
    public static partial void WatcherError(ILogger logger, Exception error, string modelPath);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning,
        Message = "Reload skipped: {ModelPath} does not exist right now; still serving version {Version}")]
    public static partial void FileMissing(ILogger logger, string modelPath, long version);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error,
        Message = "A handler of the {EventName} event of the R2M engine pool for {ModelPath} threw")]
    public static partial void HandlerFailed(ILogger logger, Exception error, string eventName, string modelPath);
}
