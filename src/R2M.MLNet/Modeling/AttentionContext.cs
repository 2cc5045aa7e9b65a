using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>
/// What every attention layer of one forward pass shares: positions, the additive mask and the cache.
/// Built once per forward by <see cref="DecoderBody"/>.
/// </summary>
/// <param name="Positions">(B, T) position of each new token (padding-aware).</param>
/// <param name="Mask">(B, 1, T, past + T) additive mask: 0 where a query may attend, the dtype's minimum elsewhere.</param>
/// <param name="Cache">Past keys and values, or null for a full forward.</param>
public sealed record AttentionContext(Tensor Positions, Tensor Mask, KvCache? Cache)
{
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
        Tensor positions = positionIds ?? (keyMask.to_type(ScalarType.Int64).cumsum(1) - 1).clamp_min(0)[.., past..]; // (B, T)
        var queryPos = arange(past, past + t, device: device).unsqueeze(1);                     // (T, 1)
        var keyPos = arange(0, past + t, device: device).unsqueeze(0);                          // (1, past+T)
        var allowed = keyPos.le(queryPos).unsqueeze(0).logical_and(keyMask.unsqueeze(1));       // (B, T, past+T)
        var mask = zeros(allowed.shape, dtype, device)
            .masked_fill(allowed.logical_not(), finfo(dtype).min).unsqueeze(1);                // (B, 1, T, past+T)
        return new AttentionContext(positions, mask, cache);
    }
}
