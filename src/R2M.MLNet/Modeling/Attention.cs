using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>The part of attention every family shares: cache, grouped-query head sharing, masked softmax.</summary>
public static class Attention
{
    /// <summary>
    /// q (B, H, T, Dh), k and v (B, Hkv, T, Dh) of the new positions; returns (B, T, H·Dh).
    /// </summary>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, int layer, AttentionContext context)
    {
        if (context.Cache is KvCache cache) (k, v) = cache.Append(layer, k, v);          // (B, Hkv, past+T, Dh)
        long groups = q.shape[1] / k.shape[1];
        if (groups > 1)
        {
            k = k.repeat_interleave(groups, dim: 1);                                      // (B, H, past+T, Dh)
            v = v.repeat_interleave(groups, dim: 1);
        }
        var y = nn.functional.scaled_dot_product_attention(q, k, v, context.Mask);       // (B, H, T, Dh)
        return y.transpose(1, 2).reshape(q.shape[0], q.shape[2], -1);                     // (B, T, H·Dh)
    }
}
