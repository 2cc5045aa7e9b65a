using static TorchSharp.torch;

namespace R2M.Tests.Infrastructure;

internal static class Tensors
{
    /// <summary>Same shape, dtype and every element equal.</summary>
    public static bool BitEqual(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();
}
