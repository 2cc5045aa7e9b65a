using R2M.MLNet.Serving;

namespace R2M.MLNet.Hosting;

/// <summary>
/// One loaded model version with a reference count: the pool holds one reference while the version is current,
/// each rented engine holds one more. The model is disposed when the count reaches zero, exactly once.
/// </summary>
internal sealed class ModelLease
{
    private readonly Action<ModelLease> _onDisposed;
    private int _references = 1;

    public ModelLease(R2MModel model, long version, Action<ModelLease> onDisposed)
    {
        Model = model;
        Version = version;
        _onDisposed = onDisposed;
    }

    public R2MModel Model { get; }

    public long Version { get; }

    /// <summary>Adds a reference unless the count already reached zero (the version is being disposed).</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            int seen = Volatile.Read(ref _references);
            if (seen == 0) return false;
            if (Interlocked.CompareExchange(ref _references, seen + 1, seen) == seen) return true;
        }
    }

    /// <summary>Drops a reference; the last one disposes the model.</summary>
    public void Release()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left < 0) throw new InvalidOperationException($"Model version {Version} was released more often than acquired.");
        if (left > 0) return;
        Model.Dispose();
        _onDisposed(this);
    }
}
