using R2M.MLNet.IO;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using R2M.MLNet.Native;
using R2M.MLNet.Persistence;
using R2M.MLNet.Serving;
using TorchSharp;

namespace R2M.MLNet.Hosting;

/// <summary>
/// Serves one R2M model file to many threads. Callers rent an <see cref="R2MEngine"/> (at most
/// <see cref="R2MServingOptions.PoolSize"/> at a time; further renters wait), use it and return it, or call the
/// convenience methods <see cref="Generate(string)"/> and <see cref="Score(string, string)"/> that do both.
/// <para>
/// The model is loaded lazily, on the first rent (or on <see cref="EnsureLoaded"/>, to warm up at startup); a
/// load failure reaches that caller and the next rent tries again. With
/// <see cref="R2MServingOptions.WatchForChanges"/> the file is watched from then on: after
/// <see cref="R2MServingOptions.ReloadDebounce"/> of quiet the new file is loaded beside the old model and swapped
/// in atomically. Engines rented before the swap keep the old version until returned; the old model is disposed
/// when its last engine comes back. A file that fails to load is logged and the old version goes on serving.
/// </para>
/// All members are thread safe.
/// </summary>
public sealed class R2MEnginePool : IDisposable
{
    private readonly R2MServingOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<R2MEngine> _idle = [];
    private readonly object _loadGate = new();
    private ModelLease? _current;
    private long _version;
    private int _rented;
    private ModelFileWatcher? _watcher;
    private volatile bool _disposed;

    /// <summary>Creates a pool; nothing is loaded until the first rent or <see cref="EnsureLoaded"/>.</summary>
    /// <param name="options">Settings, copied: later changes do not reach the pool.</param>
    /// <param name="logger">Where load, reload, failure and dispose messages go; null for none.</param>
    public R2MEnginePool(R2MServingOptions options, ILogger<R2MEnginePool>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _options.ModelPath = Path.GetFullPath(_options.ModelPath);
        _logger = logger ?? NullLogger<R2MEnginePool>.Instance;
        _slots = new SemaphoreSlim(_options.PoolSize, _options.PoolSize);
    }

    /// <summary>Full path of the served model zip.</summary>
    public string ModelPath => _options.ModelPath;

    /// <summary>Version currently served: 0 before the first load, 1 after it, one more per successful reload.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Engines rented and not yet returned.</summary>
    public int RentedCount => Volatile.Read(ref _rented);

    /// <summary>Raised after a reload has swapped in a new version (not for the first load). Handlers that throw are logged, not rethrown.</summary>
    public event EventHandler<R2MModelEventArgs>? Reloaded;

    /// <summary>Raised when a reload failed; the previous version goes on serving.</summary>
    public event EventHandler<R2MReloadFailedEventArgs>? ReloadFailed;

    /// <summary>Raised after a model version has been disposed: it was replaced (or the pool disposed) and its last engine returned.</summary>
    public event EventHandler<R2MModelEventArgs>? ModelDisposed;

    /// <summary>Loads the model now if it is not loaded yet (and starts watching the file when asked to).</summary>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    /// <exception cref="R2MModelFormatException">The file is not a valid R2M model zip.</exception>
    public void EnsureLoaded()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Volatile.Read(ref _current) is not null) return;
        lock (_loadGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is not null) return;
            var lease = Load();
            Volatile.Write(ref _current, lease);
            Interlocked.Exchange(ref _version, lease.Version);
            if (_options.WatchForChanges) _watcher = new ModelFileWatcher(ModelPath, _options.ReloadDebounce, _logger, OnQuiet);
        }
    }

    /// <summary>Rents an engine bound to the current model version, waiting while all engines are rented.</summary>
    public R2MEngine Rent(CancellationToken cancellationToken = default)
    {
        EnsureLoaded();
        _slots.Wait(cancellationToken);
        return Bind();
    }

    /// <summary>Rents an engine bound to the current model version, waiting asynchronously while all engines are rented.</summary>
    public async ValueTask<R2MEngine> RentAsync(CancellationToken cancellationToken = default)
    {
        EnsureLoaded();
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Bind();
    }

    /// <summary>Returns a rented engine. Returning it again does nothing.</summary>
    public void Return(R2MEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var lease = engine.Unbind();
        if (lease is null) return;
        Interlocked.Decrement(ref _rented);
        _idle.Add(engine);
        _slots.Release();
        lease.Release();
    }

    /// <summary>Rents an engine, generates one response and returns the engine.</summary>
    public string Generate(string prompt)
    {
        using var engine = Rent();
        return engine.Generate(prompt);
    }

    /// <summary>Rents an engine, generates one response per prompt and returns the engine.</summary>
    public IReadOnlyList<string> Generate(IReadOnlyList<string> prompts)
    {
        using var engine = Rent();
        return engine.Generate(prompts);
    }

    /// <summary>Rents an engine, scores one (prompt, response) pair and returns the engine.</summary>
    public float Score(string prompt, string response)
    {
        using var engine = Rent();
        return engine.Score(prompt, response);
    }

    /// <summary>Rents an engine, scores (prompt, response) pairs and returns the engine.</summary>
    public float[] Score(IReadOnlyList<string> prompts, IReadOnlyList<string> responses)
    {
        using var engine = Rent();
        return engine.Score(prompts, responses);
    }

    /// <summary>
    /// Loads the file again now and swaps it in. Returns false, after logging the error and raising
    /// <see cref="ReloadFailed"/>, when the file cannot be loaded; the previous version then goes on serving.
    /// Before the first load this is the first load.
    /// </summary>
    public bool Reload()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_loadGate)
        {
            if (_disposed) return false;
            if (_current is null)
            {
                EnsureLoaded();
                return true;
            }
            if (!File.Exists(ModelPath))
            {
                R2MServingLog.FileMissing(_logger, ModelPath, Version);
                return false;
            }
            ModelLease next;
            try
            {
                next = Load();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                R2MServingLog.ReloadFailed(_logger, e, ModelPath, Version);
                Raise(ReloadFailed, new R2MReloadFailedEventArgs(ModelPath, Version, e), nameof(ReloadFailed));
                return false;
            }
            var previous = Interlocked.Exchange(ref _current, next)!;
            Interlocked.Exchange(ref _version, next.Version);
            R2MServingLog.Reloaded(_logger, ModelPath, next.Version, previous.Version);
            previous.Release();
            Raise(Reloaded, new R2MModelEventArgs(ModelPath, next.Version), nameof(Reloaded));
            return true;
        }
    }

    /// <summary>
    /// Stops watching and drops the pool's reference to the current model: it is disposed now, or when the last
    /// rented engine is returned. Further rents throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        lock (_loadGate)
        {
            if (_disposed) return;
            _disposed = true;
            _watcher?.Dispose();
            R2MServingLog.PoolDisposed(_logger, ModelPath, RentedCount);
            Interlocked.Exchange(ref _current, null)?.Release();
        }
    }

    private R2MEngine Bind()
    {
        while (true)
        {
            var lease = Volatile.Read(ref _current);
            if (lease is null || _disposed)
            {
                _slots.Release();
                throw new ObjectDisposedException(nameof(R2MEnginePool));
            }
            // Fails only when a reload released this version between the read and now; the next read sees its successor.
            if (!lease.TryAcquire()) continue;
            var engine = _idle.TryTake(out var idle) ? idle : new R2MEngine(this, _options.MaxBatch);
            engine.Bind(lease);
            Interlocked.Increment(ref _rented);
            return engine;
        }
    }

    /// <summary>Loads the file as the next version; called under the load gate, so versions are numbered in order.</summary>
    private ModelLease Load()
    {
        TorchRuntime.EnsureLoaded();
        var clock = Stopwatch.StartNew();
        var model = R2MModelArchive.Load(ModelPath, torch.device(_options.Device));
        try
        {
            model.SetPolicyPrecision(_options.PolicyPrecision);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        long version = Interlocked.Read(ref _version) + 1;
        R2MServingLog.Loaded(_logger, ModelPath, version, _options.Device, clock.ElapsedMilliseconds);
        return new ModelLease(model, version, OnModelDisposed);
    }

    private void OnModelDisposed(ModelLease lease)
    {
        R2MServingLog.ModelDisposed(_logger, ModelPath, lease.Version);
        Raise(ModelDisposed, new R2MModelEventArgs(ModelPath, lease.Version), nameof(ModelDisposed));
    }

    /// <summary>Raises an event; a handler that throws is logged and does not break a reload, a return or the watcher's timer.</summary>
    private void Raise<TArgs>(EventHandler<TArgs>? handler, TArgs args, string eventName)
    {
        if (handler is null) return;
        try
        {
            handler(this, args);
        }
        catch (Exception e)
        {
            R2MServingLog.HandlerFailed(_logger, e, eventName, ModelPath);
        }
    }

    private void OnQuiet()
    {
        if (_disposed) return;
        try
        {
            Reload();
        }
        catch (ObjectDisposedException)
        {
            // The pool was disposed while the timer fired.
        }
        catch (Exception e)
        {
            // Nothing may escape a timer callback (it would end the process); the old version goes on serving.
            R2MServingLog.ReloadFailed(_logger, e, ModelPath, Version);
        }
    }
}
