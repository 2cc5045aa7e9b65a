using R2M.MLNet.Serving;

namespace R2M.MLNet.Hosting;

/// <summary>
/// An engine rented from an <see cref="R2MEnginePool"/>: bound, for the whole rental, to the model version that
/// was current when it was rented, so a reload never changes the model under a running request. Return it with
/// <see cref="Dispose"/> (or <see cref="R2MEnginePool.Return"/>); do not use it after that. One engine serves one
/// caller at a time; rent one engine per concurrent request.
/// </summary>
public sealed class R2MEngine : IDisposable
{
    private readonly R2MEnginePool _pool;
    private readonly int _maxBatch;
    private ModelLease? _lease;

    internal R2MEngine(R2MEnginePool pool, int maxBatch)
    {
        _pool = pool;
        _maxBatch = maxBatch;
    }

    /// <summary>The version of the model this rental uses (1 for the first load).</summary>
    public long ModelVersion => Lease.Version;

    /// <summary>Generates one response to <paramref name="prompt"/>.</summary>
    public string Generate(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return Lease.Model.Generate([prompt])[0];
    }

    /// <summary>Generates one response per prompt, sending at most <see cref="R2MServingOptions.MaxBatch"/> prompts per forward pass.</summary>
    public IReadOnlyList<string> Generate(IReadOnlyList<string> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var model = Lease.Model;
        if (prompts.Count <= _maxBatch) return model.Generate(prompts);
        var results = new List<string>(prompts.Count);
        for (int start = 0; start < prompts.Count; start += _maxBatch)
            results.AddRange(model.Generate(Slice(prompts, start)));
        return results;
    }

    /// <summary>The reward of one (prompt, response) pair.</summary>
    public float Score(string prompt, string response)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(response);
        return Lease.Model.Score([prompt], [response])[0];
    }

    /// <summary>Rewards of (prompt, response) pairs, at most <see cref="R2MServingOptions.MaxBatch"/> pairs per forward pass.</summary>
    public float[] Score(IReadOnlyList<string> prompts, IReadOnlyList<string> responses)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(responses);
        if (prompts.Count != responses.Count) throw new ArgumentException($"{prompts.Count} prompts but {responses.Count} responses.");
        var model = Lease.Model;
        if (prompts.Count <= _maxBatch) return model.Score(prompts, responses);
        var results = new float[prompts.Count];
        for (int start = 0; start < prompts.Count; start += _maxBatch)
            model.Score(Slice(prompts, start), Slice(responses, start)).CopyTo(results, start);
        return results;
    }

    /// <summary>Returns the engine to its pool. Calling it again does nothing.</summary>
    public void Dispose() => _pool.Return(this);

    internal void Bind(ModelLease lease) => Volatile.Write(ref _lease, lease);

    internal ModelLease? Unbind() => Interlocked.Exchange(ref _lease, null);

    private ModelLease Lease => Volatile.Read(ref _lease)
        ?? throw new ObjectDisposedException(nameof(R2MEngine), "This engine was returned to its pool; rent another one.");

    private string[] Slice(IReadOnlyList<string> items, int start)
    {
        var slice = new string[Math.Min(_maxBatch, items.Count - start)];
        for (int i = 0; i < slice.Length; i++) slice[i] = items[start + i];
        return slice;
    }
}
