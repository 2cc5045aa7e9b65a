using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>
/// Keys and values of past positions for incremental decoding, one preallocated (B, Hkv, capacity, Dh)
/// buffer per layer written in place. It lives outside the module, so it never enters a state dict.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] keys;
    private readonly Tensor[] values;

    private KvCache(Tensor[] keys, Tensor[] values, int capacity)
    {
        this.keys = keys;
        this.values = values;
        Capacity = capacity;
    }

    /// <summary>Positions held so far (the past length the next forward continues from).</summary>
    public int Length { get; private set; }

    /// <summary>Most positions the cache can hold.</summary>
    public int Capacity { get; }

    /// <summary>Allocates an empty cache for <paramref name="config"/>.</summary>
    public static KvCache Create(CausalLMConfig config, long batch, int capacity, ScalarType dtype, Device device)
    {
        Tensor Buffer() => zeros([batch, config.KvHeads, capacity, config.HeadWidth], dtype, device).DetachFromDisposeScope();
        var k = new Tensor[config.NumLayers];
        var v = new Tensor[config.NumLayers];
        for (int i = 0; i < config.NumLayers; i++)
        {
            k[i] = Buffer();
            v[i] = Buffer();
        }
        return new KvCache(k, v, capacity);
    }

    /// <summary>
    /// Writes the new keys and values (B, Hkv, T, Dh) of <paramref name="layer"/> after the past, and returns
    /// views over past + new positions. Call <see cref="Advance"/> once all layers have appended.
    /// </summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        int t = (int)k.shape[2];
        if (Length + t > Capacity)
            throw new InvalidOperationException($"KV cache overflow: {Length} + {t} positions exceed its capacity of {Capacity}.");
        keys[layer].narrow(2, Length, t).copy_(k);
        values[layer].narrow(2, Length, t).copy_(v);
        return (keys[layer].narrow(2, 0, Length + t), values[layer].narrow(2, 0, Length + t));
    }

    /// <summary>Marks <paramref name="positions"/> more positions as held.</summary>
    public void Advance(int positions) => Length += positions;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in keys) t.Dispose();
        foreach (var t in values) t.Dispose();
    }
}
