using R2M.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>
/// Rotary position embedding in HuggingFace's "rotate half" layout: the head is split in two halves
/// (x1, x2) and rotated by cos/sin of position·θ^(−2i/Dh). Computed in float32, nothing stored.
/// </summary>
public static class Rope
{
    /// <summary>
    /// cos and sin tables for <paramref name="positions"/> (B, T): each (B, 1, T, Dh) in <paramref name="dtype"/>.
    /// The sine's first half is negated, so that <see cref="Apply"/> rotates with one roll: rotate_half(x)·sin
    /// = roll(x, Dh/2)·[−sin₁, sin₂].
    /// </summary>
    public static (Tensor Cos, Tensor Sin) Tables(Tensor positions, int headDim, double theta, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var dim = headDim.ToScalar();
        var exponents = arange(TorchScalars.Zero, dim, TorchScalars.Two, dtype: ScalarType.Int64, device: positions.device).to_type(ScalarType.Float32).div(dim);
        var invFreq = pow(theta, exponents).reciprocal();                                      // (Dh/2)
        var freqs = invFreq.reshape(1, -1, 1).matmul(positions.to_type(ScalarType.Float32).unsqueeze(1)) // (B, Dh/2, T)
            .transpose(1, 2);                                                                  // (B, T, Dh/2)
        var cos = cat([freqs.cos(), freqs.cos()], dim: -1).to_type(dtype).unsqueeze(1);       // (B, 1, T, Dh)
        var sin = cat([freqs.sin().neg(), freqs.sin()], dim: -1).to_type(dtype).unsqueeze(1); // signed, see summary
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <summary>Rotates <paramref name="x"/> (B, H, T, Dh) by the tables (sin signed as <see cref="Tables"/> makes it).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin) =>
        (x * cos).Plus(x.roll(x.shape[^1] / 2, -1) * sin);                                            // (B, H, T, Dh)
}
