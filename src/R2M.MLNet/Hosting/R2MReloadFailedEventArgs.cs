namespace R2M.MLNet.Hosting;

/// <summary>A reload that failed; the pool goes on serving <see cref="ServingVersion"/>.</summary>
public sealed class R2MReloadFailedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public R2MReloadFailedEventArgs(string modelPath, long servingVersion, Exception error)
    {
        ModelPath = modelPath;
        ServingVersion = servingVersion;
        Error = error;
    }

    /// <summary>Full path of the model zip.</summary>
    public string ModelPath { get; }

    /// <summary>The version still being served.</summary>
    public long ServingVersion { get; }

    /// <summary>Why the new file could not be loaded.</summary>
    public Exception Error { get; }
}
