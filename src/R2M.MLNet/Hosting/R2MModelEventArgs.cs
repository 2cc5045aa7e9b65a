namespace R2M.MLNet.Hosting;

/// <summary>Names one loaded version of a served model: raised when it is swapped in and when it is disposed.</summary>
public sealed class R2MModelEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public R2MModelEventArgs(string modelPath, long version)
    {
        ModelPath = modelPath;
        Version = version;
    }

    /// <summary>Full path of the model zip.</summary>
    public string ModelPath { get; }

    /// <summary>The version: 1 for the first load, one more for every successful reload.</summary>
    public long Version { get; }
}
