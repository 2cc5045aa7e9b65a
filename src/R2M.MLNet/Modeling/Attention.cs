using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>The part of attention every family shares: cache, grouped-query head sharing, masked softmax.</summary>
public static class Attention
{
    /// <summary>
    /// q (B, H, T, Dh), k and v (B, Hkv, T, Dh) of the new positions; returns (B, T, H·Dh). Query head i uses key/value head i / (H / Hkv), as in transformers.
    /// </summary>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, int layer, AttentionContext context)
    {
        if (context.Cache is KvCache cache) (k, v) = cache.Append(layer, k, v);          // (B, Hkv, L, Dh), L = past+T
        long b = q.shape[0], h = q.shape[1], t = q.shape[2], dh = q.shape[3], kvHeads = k.shape[1];
        long groups = h / kvHeads;
        // Grouped-query attention without copying keys and values: the G query heads that share one
        // key/value head become G·T rows of that head (the mask laid out to match, once per forward).
        if (groups > 1) q = q.reshape(b, kvHeads, groups * t, dh);                        // (B, Hkv, G·T, Dh)
        var y = nn.functional.scaled_dot_product_attention(q, k, v, context.GroupedMask(groups)); // (B, Hkv, G·T, Dh)
        return t == 1
            ? y.reshape(b, 1, h * dh)                                                     // (B, 1, H·Dh): heads are already in order
            : y.reshape(b, h, t, dh).transpose(1, 2).reshape(b, t, h * dh);               // (B, T, H·Dh)
    }
}
