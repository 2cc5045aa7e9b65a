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
        var mask = context.Mask;                                                          // (B, 1, T, L)
        if (groups > 1)
        {
            // Grouped-query attention without copying keys and values: the G query heads that share one
            // key/value head become G·T rows of that head.
            q = q.reshape(b, kvHeads, groups * t, dh);                                    // (B, Hkv, G·T, Dh)
            mask = mask.unsqueeze(2).expand(-1, -1, groups, -1, -1).reshape(b, 1, groups * t, mask.shape[3]);
        }
        var y = nn.functional.scaled_dot_product_attention(q, k, v, mask);               // (B, Hkv, G·T, Dh)
        return y.reshape(b, h, t, dh).transpose(1, 2).reshape(b, t, h * dh);              // (B, T, H·Dh)
    }
}
