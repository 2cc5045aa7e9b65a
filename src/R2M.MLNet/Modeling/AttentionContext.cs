using R2M.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>
/// What every attention layer of one forward pass shares: positions, the additive mask and the cache.
/// Built once per forward by <see cref="DecoderBody"/>.
/// </summary>
/// <param name="Positions">(B, T) position of each new token (padding-aware).</param>
/// <param name="Mask">(B, 1, T, past + T) additive mask: 0 where a query may attend, the dtype's minimum elsewhere.</param>
/// <param name="Cache">Past keys and values, or null for a full forward.</param>
/// <param name="PositionBound">
/// An exclusive upper bound of <paramref name="Positions"/> known without reading the tensor (past + T when the
/// positions were derived from the mask), or null when the caller supplied them.
/// </param>
public sealed record AttentionContext(Tensor Positions, Tensor Mask, KvCache? Cache, int? PositionBound = null)
{
    private (long Groups, Tensor Mask)? grouped;

    /// <summary>
    /// The mask laid out for grouped-query attention with <paramref name="groups"/> query heads per key/value head
    /// (B, 1, G·T, past + T): row g·T + i is query i's mask. Built once per forward and shared by every layer; the body
    /// builds it before its per-layer dispose scopes, so that none of them disposes it.
    /// </summary>
    public Tensor GroupedMask(long groups)
    {
        if (groups == 1) return Mask;
        if (grouped is { } g && g.Groups == groups) return g.Mask;
        long b = Mask.shape[0], t = Mask.shape[2], l = Mask.shape[3];
        var mask = t == 1
            ? Mask.expand(-1, -1, groups, -1)                                                   // (B, 1, G, L), a view
            : Mask.unsqueeze(2).expand(-1, -1, groups, -1, -1).reshape(b, 1, groups * t, l);   // (B, 1, G·T, L)
        grouped = (groups, mask);
        return mask;
    }

    /// <summary>
    /// Builds the context. <paramref name="attentionMask"/> (B, past + T) marks real tokens with 1 and padding
    /// with 0; null means no padding. Positions count real tokens only, so a left-padded row gets the same
    /// positions as the unpadded sequence.
    /// </summary>
    public static AttentionContext Create(Tensor inputIds, Tensor? attentionMask, Tensor? positionIds, KvCache? cache, ScalarType dtype)
    {
        long batch = inputIds.shape[0], t = inputIds.shape[1];
        int past = cache?.Length ?? 0;
        Device device = inputIds.device;
        Tensor keyMask = attentionMask is null
            ? ones([batch, past + t], ScalarType.Bool, device)
            : attentionMask.to_type(ScalarType.Bool);                                         // (B, past+T)
        if (keyMask.shape[1] != past + t)
            throw new ArgumentException($"attention mask covers {keyMask.shape[1]} positions; expected past ({past}) + new ({t}).");
        using var blocked = finfo(dtype).min.ToScalar(); // held until the masks are built (TorchScalars says why)
        if (t == 1 && past > 0 && positionIds is null && attentionMask is not null)
        {
            // A decode step: the one query may attend every key the mask allows (all are at or before it), and its
            // position is the number of real tokens before it: the general path's values, in 7 operations instead of
            // about 18 (a cached step is made of small operations; docs/benchmarks.md counts them).
            var position = keyMask.sum(1, keepdim: true, type: ScalarType.Int64).sub(TorchScalars.One).clamp_min(TorchScalars.Zero);  // (B, 1)
            var stepMask = zeros([batch, 1, 1, past + 1], dtype, device)
                .masked_fill(keyMask.logical_not().view(batch, 1, 1, past + 1), blocked);     // (B, 1, 1, past+1)
            return new AttentionContext(position, stepMask, cache, past + 1);
        }
        Tensor positions = positionIds ?? keyMask.to_type(ScalarType.Int64).cumsum(1).sub(TorchScalars.One).clamp_min(TorchScalars.Zero)[.., past..]; // (B, T)
        using var first = past.ToScalar();
        using var end = (past + t).ToScalar();
        var queryPos = arange(first, end, TorchScalars.One, device: device).unsqueeze(1);        // (T, 1)
        var keyPos = arange(TorchScalars.Zero, end, TorchScalars.One, device: device).unsqueeze(0); // (1, past+T)
        var allowed = keyPos.le(queryPos).unsqueeze(0).logical_and(keyMask.unsqueeze(1));       // (B, T, past+T)
        var mask = zeros(allowed.shape, dtype, device)
            .masked_fill(allowed.logical_not(), blocked).unsqueeze(1);                // (B, 1, T, past+T)
        return new AttentionContext(positions, mask, cache, positionIds is null ? past + (int)t : null);
    }
}
