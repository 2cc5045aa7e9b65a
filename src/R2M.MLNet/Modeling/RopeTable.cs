using R2M.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>
/// RoPE's cos and signed sin for positions 0..Capacity−1, computed once (the same arithmetic as
/// <see cref="Rope.Tables"/>, so a lookup is bit-identical to computing them) and read per forward with one
/// index_select. A decode step then costs a handful of tensor operations for RoPE instead of about twenty.
/// Immutable once built: a body swaps in a larger one rather than growing it, so a reader never sees it change.
/// </summary>
public sealed class RopeTable
{
    private readonly Tensor both; // (Capacity, 2·Dh): cos then signed sin

    private RopeTable(Tensor both, int capacity)
    {
        this.both = both;
        Capacity = capacity;
    }

    /// <summary>Positions the table covers (0..Capacity−1).</summary>
    public int Capacity { get; }

    /// <summary>The table's dtype.</summary>
    public ScalarType Dtype => both.dtype;

    /// <summary>The table's device.</summary>
    public Device Device => both.device;

    /// <summary>Builds the table for <paramref name="capacity"/> positions.</summary>
    public static RopeTable Build(int capacity, int headDim, double theta, ScalarType dtype, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        using var scope = NewDisposeScope();
        using var end = capacity.ToScalar();
        var positions = arange(TorchScalars.Zero, end, TorchScalars.One, dtype: ScalarType.Int64, device: device).unsqueeze(0); // (1, C)
        var (cos, sin) = Rope.Tables(positions, headDim, theta, dtype);                           // (1, 1, C, Dh)
        var both = cat([cos, sin], dim: -1).reshape(capacity, 2 * headDim).contiguous();           // (C, 2·Dh)
        return new RopeTable(both.DetachFromDisposeScope(), capacity);
    }

    /// <summary>
    /// cos and signed sin (each (B, 1, T, Dh), views of one gathered tensor) for <paramref name="positions"/> (B, T),
    /// every value below <see cref="Capacity"/> (the caller guarantees it; see <see cref="AttentionContext.PositionBound"/>).
    /// </summary>
    public (Tensor Cos, Tensor Sin) Lookup(Tensor positions)
    {
        long b = positions.shape[0], t = positions.shape[1], width = both.shape[1] / 2;
        var rows = both.index_select(0, positions.reshape(-1)).view(b, 1, t, 2 * width);            // (B, 1, T, 2·Dh)
        return (rows.narrow(-1, 0, width), rows.narrow(-1, width, width));
    }
}
